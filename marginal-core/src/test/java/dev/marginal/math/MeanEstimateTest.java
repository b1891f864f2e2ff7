package dev.marginal.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Mean and standard error against hand-computed values. */
class MeanEstimateTest {
  @Test
  void meanAndStandardErrorMatchHandComputedValues() {
    // 1, 2, 3, 6: mean 3, sample variance (4 + 1 + 0 + 9) / 3 = 14/3, standard error sqrt(14/3 / 4).
    MeanEstimate m = MeanEstimate.of(new double[] {1, 2, 3, 6});
    assertEquals(3.0, m.mean(), 0.0);
    assertEquals(Math.sqrt(14.0 / 12.0), m.stdErr(), 1e-12);
  }

  /** One value has no spread to measure: its standard error is NaN (not available), never 0, an exact mean. */
  @Test
  void oneValueHasNoStandardError() {
    MeanEstimate one = MeanEstimate.of(new double[] {5});
    assertEquals(5.0, one.mean(), 0.0);
    assertTrue(Double.isNaN(one.stdErr()), one.toString());
    assertTrue(Double.isNaN(MeanEstimate.standardError(new double[] {5})));
    assertTrue(Double.isNaN(MeanEstimate.ofDifferences(new double[] {-1}, new double[] {-2}).stdErr()));
    assertTrue(Double.isNaN(one.negate().stdErr()));
    assertEquals("5.0000 (no standard error)", one.toString());
    assertEquals("5.0000 ± 0.0000", MeanEstimate.of(new double[] {5, 5}).toString());
    // Two equal values do measure a spread, of zero.
    assertEquals(0.0, MeanEstimate.of(new double[] {5, 5}).stdErr(), 0.0);
  }

  @Test
  void pairedDifferencesRemoveTheSpreadOfThePoints() {
    double[] b = {-2.0, -3.0, -1.0, -2.5};
    // a − b per point: 0.1, −0.1, 0.3, 0.0; mean 0.075, sample sd sqrt(0.0875 / 3), standard error sd / 2.
    double[] a = {-1.9, -3.1, -0.7, -2.5};
    MeanEstimate d = MeanEstimate.ofDifferences(a, b);
    assertEquals(0.075, d.mean(), 1e-12);
    assertEquals(Math.sqrt(0.0875 / 3) / 2, d.stdErr(), 1e-12);
    // Swapping the pair negates the mean and keeps the standard error.
    assertEquals(-0.075, MeanEstimate.ofDifferences(b, a).mean(), 1e-12);
    assertEquals(d.stdErr(), MeanEstimate.ofDifferences(b, a).stdErr(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> MeanEstimate.ofDifferences(a, new double[] {1}));
  }

  /** A mean over no values is refused (it was NaN), directly and as paired differences. */
  @Test
  void noValuesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MeanEstimate.of(new double[0]));
    assertEquals("no values: the mean of none is undefined", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MeanEstimate.ofDifferences(new double[0], new double[0]));
  }

  /**
   * Finite values whose sum or squared deviations overflow (log densities near -1e300) get a finite mean and
   * standard error, the hand-computed ones scaled; values that are not finite still give what they gave.
   */
  @Test
  void finiteValuesWhoseSumsOverflowGetFiniteEstimates() {
    MeanEstimate m = MeanEstimate.of(new double[] {-1e300, -2e300, -3e300, -6e300});
    assertEquals(-3e300, m.mean(), 1e288);
    assertEquals(Math.sqrt(14.0 / 12.0) * 1e300, m.stdErr(), 1e288);
    assertEquals(-1.6e308, MeanEstimate.mean(new double[] {-1.5e308, -1.7e308}), 1e296);
    assertEquals(1e307, MeanEstimate.of(new double[] {-1.5e308, -1.7e308}).stdErr(), 1e295);
    MeanEstimate inf = MeanEstimate.of(new double[] {1, Double.NEGATIVE_INFINITY});
    assertEquals(Double.NEGATIVE_INFINITY, inf.mean());
    assertEquals(Double.NaN, inf.stdErr());
  }
}
