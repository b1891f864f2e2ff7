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
}
