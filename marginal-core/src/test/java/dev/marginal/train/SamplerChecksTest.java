package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerChecksTest {
  private static final LogZEstimate LOG_Z = new LogZEstimate(0.5, 0.1, 90, 0.2, new double[0], 100);

  /** forwardKl = −H − forwardLogQ with H exact: its standard error is forwardLogQ's, and NaN where it is. */
  @Test
  void forwardKlHasTheStandardErrorOfTheForwardLogQ() {
    SamplerChecks known = new SamplerChecks(LOG_Z, 0, -3.0, 0.25, 0.5, Double.NaN, 0, 0);
    assertEquals(0.25, known.forwardKlSe());
    assertEquals(0.25, known.toMap().get("forwardKlSe"));
    SamplerChecks noEntropy = new SamplerChecks(LOG_Z, 0, -3.0, 0.25, Double.NaN, Double.NaN, 0, 0);
    assertTrue(Double.isNaN(noEntropy.forwardKlSe()));
    Map<String, Object> m = noEntropy.toMap();
    assertTrue(m.containsKey("forwardKlSe"));
    assertNull(m.get("forwardKlSe"));
  }
}
