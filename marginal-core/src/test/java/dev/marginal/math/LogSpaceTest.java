package dev.marginal.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import org.junit.jupiter.api.Test;

/** LogSpace against direct double formulas where those are safe, and against known limits where they are not. */
class LogSpaceTest {
  private static final double NEG_INF = Double.NEGATIVE_INFINITY;
  private static final double POS_INF = Double.POSITIVE_INFINITY;

  /** Moderate values where exp and log are exact enough to serve as a reference. */
  private static double[] safe(long seed, int n) {
    float[] z = RngKey.of(seed).normals(n);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 3 * z[i];
    }
    return x;
  }

  private static double directLogSumExp(double[] x, int to) {
    double s = 0;
    for (int i = 0; i < to; i++) {
      s += Math.exp(x[i]);
    }
    return Math.log(s);
  }

  // ---------------------------------------------------------------- safe inputs

  @Test
  void logSumExpMatchesTheDirectFormula() {
    for (int n : new int[] {1, 2, 7, 100}) {
      double[] x = safe(n, n);
      assertEquals(directLogSumExp(x, n), LogSpace.logSumExp(x), 1e-13, "n = " + n);
      assertEquals(directLogSumExp(x, n) - Math.log(n), LogSpace.logMeanExp(x), 1e-13, "n = " + n);
      float[] f = new float[n + 2];
      for (int i = 0; i < n; i++) {
        f[i + 1] = (float) x[i];
      }
      double[] rounded = new double[n];
      for (int i = 0; i < n; i++) {
        rounded[i] = f[i + 1];
      }
      assertEquals(directLogSumExp(rounded, n), LogSpace.logSumExp(f, 1, n + 1), 1e-13, "float, n = " + n);
    }
  }

  @Test
  void logSumExpOfARangeIgnoresTheRest() {
    double[] x = {100, 1, 2, 3, 100};
    assertEquals(directLogSumExp(new double[] {1, 2, 3}, 3), LogSpace.logSumExp(x, 1, 4), 1e-14);
  }

  @Test
  void logAddExpMatchesTheDirectFormulaAndIsSymmetric() {
    double[] x = safe(20, 40);
    for (int i = 0; i < x.length; i += 2) {
      double a = x[i];
      double b = x[i + 1];
      assertEquals(Math.log(Math.exp(a) + Math.exp(b)), LogSpace.logAddExp(a, b), 1e-13);
      assertEquals(LogSpace.logAddExp(a, b), LogSpace.logAddExp(b, a));
    }
  }

  @Test
  void logCumSumExpMatchesDirectPrefixes() {
    double[] x = safe(21, 50);
    double[] c = LogSpace.logCumSumExp(x);
    for (int j = 0; j < x.length; j++) {
      assertEquals(directLogSumExp(x, j + 1), c[j], 1e-13, "prefix " + j);
    }
  }

  @Test
  void log1mExpMatchesTheDirectFormulaOnBothBranches() {
    for (double x = -10; x < -0.01; x += 0.37) {
      assertEquals(Math.log(1 - Math.exp(x)), LogSpace.log1mExp(x), 1e-12 * Math.abs(Math.log(1 - Math.exp(x))),
          "x = " + x);
    }
    assertEquals(Math.log(0.5), LogSpace.log1mExp(-Math.log(2)), 1e-15);
  }

  @Test
  void softplusMatchesTheDirectFormula() {
    for (double x = -20; x <= 20; x += 0.73) {
      double direct = Math.log(1 + Math.exp(x));
      assertEquals(direct, LogSpace.softplus(x), 1e-14 * Math.max(1, direct), "x = " + x);
    }
  }

  // ---------------------------------------------------------------- extreme inputs

  @Test
  void everythingOfNegativeInfinityIsNegativeInfinity() {
    double[] x = {NEG_INF, NEG_INF, NEG_INF};
    assertEquals(NEG_INF, LogSpace.logSumExp(x));
    assertEquals(NEG_INF, LogSpace.logSumExp(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 0, 2));
    assertEquals(NEG_INF, LogSpace.logMeanExp(x));
    assertEquals(NEG_INF, LogSpace.logAddExp(NEG_INF, NEG_INF));
    assertArrayEquals(x, LogSpace.logCumSumExp(x));
    assertEquals(NEG_INF, LogSpace.logSumExp(new double[0]));
  }

  @Test
  void negativeInfinityIsTheIdentityOfLogAddExp() {
    for (double a : new double[] {-1e300, -745, -3.5, 0, 2.25, 700, 1e300}) {
      assertEquals(a, LogSpace.logAddExp(a, NEG_INF), "a = " + a);
      assertEquals(a, LogSpace.logAddExp(NEG_INF, a), "a = " + a);
    }
    assertEquals(5.0, LogSpace.logSumExp(new double[] {NEG_INF, 5, NEG_INF}));
  }

  @Test
  void leadingNegativeInfinitiesStayNegativeInfinityInPrefixes() {
    double[] c = LogSpace.logCumSumExp(new double[] {NEG_INF, NEG_INF, 0, 1, NEG_INF});
    assertEquals(NEG_INF, c[0]);
    assertEquals(NEG_INF, c[1]);
    assertEquals(0.0, c[2]);
    assertEquals(Math.log(1 + Math.E), c[3], 1e-15);
    assertEquals(c[3], c[4]);
  }

  @Test
  void positiveInfinityAndNanPropagate() {
    assertEquals(POS_INF, LogSpace.logSumExp(new double[] {1, POS_INF, NEG_INF}));
    assertEquals(POS_INF, LogSpace.logAddExp(POS_INF, NEG_INF));
    assertEquals(POS_INF, LogSpace.logAddExp(POS_INF, POS_INF));
    assertTrue(Double.isNaN(LogSpace.logSumExp(new double[] {1, Double.NaN, POS_INF})));
    assertTrue(Double.isNaN(LogSpace.logSumExp(new float[] {1, Float.NaN}, 0, 2)));
    assertTrue(Double.isNaN(LogSpace.logAddExp(Double.NaN, NEG_INF)));
    assertTrue(Double.isNaN(LogSpace.logAddExp(POS_INF, Double.NaN)));
  }

  @Test
  void largeValuesDoNotOverflow() {
    assertEquals(1000 + Math.log(3), LogSpace.logSumExp(new double[] {1000, 1000, 1000}), 1e-12);
    assertEquals(1e300 + Math.log(2), LogSpace.logAddExp(1e300, 1e300), 0);
    assertEquals(-1000 + Math.log(2), LogSpace.logAddExp(-1000, -1000), 1e-12);
    assertEquals(710 + Math.log1p(Math.exp(-1)), LogSpace.logAddExp(709, 710), 1e-12);
  }

  @Test
  void log1mExpIsAccurateNearZeroAndFarBelow() {
    // log(1 − e^x) = log(−expm1(x)) ≈ log(−x) as x → 0⁻; ≈ −e^x as x → −∞.
    assertEquals(Math.log(1e-20), LogSpace.log1mExp(-1e-20), 1e-15 * Math.abs(Math.log(1e-20)));
    assertEquals(-Math.exp(-50), LogSpace.log1mExp(-50), 1e-15 * Math.exp(-50));
    assertEquals(-Math.exp(-800), LogSpace.log1mExp(-800));
    assertEquals(0.0, LogSpace.log1mExp(NEG_INF), 0);
    assertEquals(NEG_INF, LogSpace.log1mExp(0));
    assertEquals(NEG_INF, LogSpace.log1mExp(-0.0));
    assertTrue(Double.isNaN(LogSpace.log1mExp(1e-10)));
  }

  @Test
  void softplusHasTheRightLimits() {
    assertEquals(1000.0, LogSpace.softplus(1000));
    assertEquals(POS_INF, LogSpace.softplus(POS_INF));
    assertEquals(0.0, LogSpace.softplus(NEG_INF));
    // log1p keeps the tiny tail: softplus(x) ≈ e^x for x ≪ 0.
    assertEquals(Math.exp(-40), LogSpace.softplus(-40), 1e-15 * Math.exp(-40));
    assertEquals(Math.exp(-700), LogSpace.softplus(-700), 1e-15 * Math.exp(-700));
    assertEquals(Math.log(2), LogSpace.softplus(0), 0);
    assertTrue(Double.isNaN(LogSpace.softplus(Double.NaN)));
  }
}
