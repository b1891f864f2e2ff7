package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TargetsTest {
  @Test
  void parsesEveryBuiltInName() {
    String[] specs = {"funnel", "neal-funnel", "neal-funnel:10", "mixture", "u1", "u2", "u3", "u4", "two-moons"};
    String[] names = {"funnel", "neal-funnel:2", "neal-funnel:10", "mixture", "u1", "u2", "u3", "u4", "two-moons"};
    int[] dims = {2, 2, 10, 2, 2, 2, 2, 2, 2};
    for (int i = 0; i < specs.length; i++) {
      Target t = Targets.of(specs[i]);
      assertEquals(names[i], t.name(), specs[i]);
      assertEquals(dims[i], t.dim(), specs[i]);
      assertEquals(Targets.of(t.name()).name(), t.name(), "name() round-trips through of()");
    }
  }

  @Test
  void builtInNamesIgnoreCaseAndSpaces() {
    assertInstanceOf(SeedFunnel.class, Targets.of("  Funnel "));
    assertEquals(5, Targets.of("NEAL-FUNNEL: 5").dim());
  }

  @Test
  void unknownNameListsTheValidOnes() {
    String m = assertThrows(IllegalArgumentException.class, () -> Targets.of("banana")).getMessage();
    assertEquals("unknown target 'banana'; valid targets: funnel, neal-funnel[:D], mixture, u1, u2, u3, u4, "
        + "two-moons, gmm40, many-well[:D], class:<fully.qualified.ClassName>", m);
  }

  @Test
  void misspeltNameSuggestsTheNearestBuiltIns() {
    String m = assertThrows(IllegalArgumentException.class, () -> Targets.of("funel")).getMessage();
    assertTrue(m.startsWith("unknown target 'funel'; did you mean funnel?; valid targets: funnel, "), m);
    assertTrue(message("gmm41").contains("; did you mean gmm40?;"), message("gmm41"));
    assertTrue(message("moons").contains("; did you mean two-moons?;"), message("moons"));
    assertTrue(message("u5").contains("; did you mean u1 or u2 or u3?;"), message("u5"));
    assertTrue(message("many-wells:4").contains("; did you mean many-well:4?;"), message("many-wells:4"));
    assertTrue(message("neal-funel:3").contains("; did you mean neal-funnel:3?;"), message("neal-funel:3"));
    assertTrue(message("funnel:3").contains("; did you mean neal-funnel:3?;"), message("funnel:3"));
  }

  private static String message(String spec) {
    return assertThrows(IllegalArgumentException.class, () -> Targets.of(spec)).getMessage();
  }

  @Test
  void badNealDimensionIsReported() {
    String m = assertThrows(IllegalArgumentException.class, () -> Targets.of("neal-funnel:ten")).getMessage();
    assertTrue(m.contains("neal-funnel:D"), m);
    m = assertThrows(IllegalArgumentException.class, () -> Targets.of("neal-funnel:1")).getMessage();
    assertTrue(m.contains("D >= 2"), m);
  }

  @Test
  void emptySpecificationIsReported() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Targets.of(" ")).getMessage()
        .contains("valid targets"));
    assertThrows(IllegalArgumentException.class, () -> Targets.of(null));
  }

  @Test
  void knownFactsAreExposed() {
    assertTrue(Targets.of("funnel").hasSampler());
    assertTrue(Targets.of("mixture").hasSampler());
    assertTrue(Targets.of("neal-funnel:4").hardRegion().isPresent());
    assertTrue(Targets.of("u2").hardRegion().isEmpty());
    for (String spec : new String[] {"funnel", "neal-funnel", "mixture", "u1", "u2", "u3", "u4", "two-moons"}) {
      Target t = Targets.of(spec);
      assertTrue(t.logZ().isPresent() && t.entropy().isPresent(), spec);
      double[] box = t.box();
      assertTrue(box.length == 4 && box[0] < box[1] && box[2] < box[3], spec);
    }
  }
}
