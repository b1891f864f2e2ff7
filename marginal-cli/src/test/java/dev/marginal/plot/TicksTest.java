package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TicksTest {
  @Test
  void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
    assertEquals(1.0, Ticks.niceStep(0.9), 0);
    assertEquals(2.0, Ticks.niceStep(1.3), 0);
    assertEquals(5.0, Ticks.niceStep(4.2), 0);
    assertEquals(10.0, Ticks.niceStep(7), 0);
    assertEquals(0.02, Ticks.niceStep(0.013), 1e-15);
  }

  @Test
  void ticksAreRoundAndInsideTheRange() {
    assertEquals(List.of(-4.0, -2.0, 0.0, 2.0, 4.0), Ticks.between(-4, 4, 5));
    List<Double> t = Ticks.between(0.13, 0.91, 4);
    assertTrue(t.get(0) >= 0.13 && t.get(t.size() - 1) <= 0.91, t.toString());
    assertTrue(Ticks.between(1, 1, 5).isEmpty());
  }

  @Test
  void labelsAreShort() {
    assertEquals("0", Ticks.label(0));
    assertEquals("0.2", Ticks.label(0.2));
    assertEquals("-4", Ticks.label(-4));
    assertEquals("0.3", Ticks.label(0.1 + 0.2));
    assertEquals("1.5e-4", Ticks.label(1.5e-4));
    assertEquals("2e6", Ticks.label(2e6));
  }

  @Test
  void logTicksArePowersOfTenOrRoundValues() {
    assertEquals(List.of(0.1, 1.0, 10.0, 100.0, 1000.0), Ticks.logBetween(-1.3, 3.01, 5));
    // Twenty decades: every fifth power.
    assertEquals(List.of(1e-10, 1e-5, 1.0, 1e5, 1e10), Ticks.logBetween(-10, 10, 5));
    // Fewer than three powers inside: 2 and 5 times them as well.
    assertEquals(List.of(2.0, 5.0, 10.0, 20.0), Ticks.logBetween(0.1, 1.5, 5));
    // Less than a decade (89 to 288): round linear values.
    assertEquals(List.of(100.0, 150.0, 200.0, 250.0), Ticks.logBetween(Math.log10(89), Math.log10(288), 5));
    assertTrue(Ticks.logBetween(2, 2, 5).isEmpty());
  }
}
