package dev.marginal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The "did you mean" hint: edit distances, and the nearest names first. */
class NearestNamesTest {
  @Test
  void editDistanceCountsSingleCharacterEdits() {
    assertEquals(3, NearestNames.editDistance("kitten", "sitting"));
    assertEquals(0, NearestNames.editDistance("--iters", "--iters"));
    assertEquals(1, NearestNames.editDistance("--component", "--components"));
    assertEquals(7, NearestNames.editDistance("", "--iters"));
    assertEquals(NearestNames.editDistance("--lr", "--k"), NearestNames.editDistance("--k", "--lr"));
  }

  @Test
  void theNearestNamesComeFirstAtMostThree() {
    assertEquals("", NearestNames.didYouMean("--x", List.of()));
    assertEquals("; did you mean --iters?", NearestNames.didYouMean("--iter", List.of("--iters")));
    // From --seeds: --seed is 1 edit, --speed and --need2 2, --sheet 3; the tie keeps the given order.
    assertEquals("; did you mean --seed or --speed or --need2?",
        NearestNames.didYouMean("--seeds", List.of("--sheet", "--speed", "--seed", "--need2")));
  }
}
