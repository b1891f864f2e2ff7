package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinarizationTest {
  private static final float[] LEVELS = {0f, 0.05f, 0.3f, 0.5f, 0.9f, 1f};
  private static final int PER_LEVEL = 20_000;

  /** {@code PER_LEVEL} copies of each level, interleaved as pixels of one batch would be. */
  private static float[] intensities() {
    float[] p = new float[LEVELS.length * PER_LEVEL];
    for (int i = 0; i < p.length; i++) {
      p[i] = LEVELS[i % LEVELS.length];
    }
    return p;
  }

  @Test
  void dynamicBinarizationHasMeanEqualToIntensity() {
    float[] p = intensities();
    float[] x = Binarization.DYNAMIC.batch(p, RngKey.of(3));
    for (int level = 0; level < LEVELS.length; level++) {
      double sum = 0;
      for (int i = level; i < x.length; i += LEVELS.length) {
        assertTrue(x[i] == 0f || x[i] == 1f);
        sum += x[i];
      }
      double mean = sum / PER_LEVEL;
      double q = LEVELS[level];
      double se = Math.sqrt(q * (1 - q) / PER_LEVEL);
      if (se == 0) {
        assertEquals(q, mean, "intensities 0 and 1 are deterministic");
      } else {
        double z = (mean - q) / se;
        assertTrue(Math.abs(z) <= 4, "intensity " + q + ": mean " + mean + ", z = " + z);
      }
    }
  }

  @Test
  void dynamicBinarizationDiffersBetweenKeysAndRepeatsForOne() {
    float[] p = intensities();
    float[] a = Binarization.DYNAMIC.batch(p, RngKey.of(1));
    assertArrayEquals(a, Binarization.DYNAMIC.batch(p, RngKey.of(1)));
    assertFalse(Arrays.equals(a, Binarization.DYNAMIC.batch(p, RngKey.of(2))));
  }

  @Test
  void fixedBinarizationDrawsOnceBeforeTraining() {
    Dataset data = Dataset.of("test", List.of("a", "b"), new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.2f, 0.7f});
    Dataset prepared = Binarization.FIXED.prepare(data, RngKey.of(9));
    assertArrayEquals(prepared.values(), Binarization.FIXED.prepare(data, RngKey.of(9)).values());
    float[] batch = prepared.values();
    assertSame(batch, Binarization.FIXED.batch(batch, RngKey.of(1)));
    assertSame(data, Binarization.DYNAMIC.prepare(data, RngKey.of(9)));
    assertSame(data, Binarization.NONE.prepare(data, RngKey.of(9)));
  }

  @Test
  void thresholdIsDeterministicAtOneHalf() {
    float[] p = {0f, 0.49f, 0.5f, 0.51f, 1f};
    assertArrayEquals(new float[] {0, 0, 1, 1, 1}, Binarization.threshold(p));
  }

  @Test
  void intensitiesOutsideTheUnitIntervalAreRejected() {
    DataException e =
        assertThrows(DataException.class, () -> Binarization.binarize(new float[] {0.5f, 3f}, RngKey.of(0)));
    assertEquals("binarization needs intensities in [0, 1], found 3.0 at index 1", e.getMessage());
  }

  @Test
  void modesParseByName() {
    assertEquals(Binarization.DYNAMIC, Binarization.parse("dynamic"));
    assertEquals(Binarization.FIXED, Binarization.parse("FIXED"));
    assertEquals(Binarization.DYNAMIC, Binarization.DEFAULT);
    DataException e = assertThrows(DataException.class, () -> Binarization.parse("random"));
    assertEquals("unknown binarization 'random' (expected dynamic, fixed, threshold or none)", e.getMessage());
  }
}
