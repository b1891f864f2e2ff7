package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Moments of each toy density against values derived by hand (or by quadrature for the spirals), with tolerances
 * of four standard errors: 4·s/√n for means, 4·√((m₄ − s⁴)/n) for variances.
 */
class ToyDataTest {
  private static final int N = 20_000;

  @Test
  void everyGeneratorIsDeterministicForAKey() {
    for (String name : ToyData.NAMES) {
      Dataset a = ToyData.generate(name, 500, RngKey.of(7));
      Dataset b = ToyData.generate(name, 500, RngKey.of(7));
      Dataset c = ToyData.generate(name, 500, RngKey.of(8));
      assertArrayEquals(a.values(), b.values(), name);
      assertFalse(Arrays.equals(a.values(), c.values()), name);
      assertEquals(500, a.rows(), name);
      assertEquals(ToyData.COLUMNS, a.columns(), name);
      for (float v : a.values()) {
        assertTrue(Float.isFinite(v), name);
      }
    }
  }

  /** The source names the key's seed, so the same points load back from it, as the CLI's data argument. */
  @Test
  void theSourceNamesTheSeedAndLoadsTheSamePoints() {
    for (long seed : new long[] {0, 7, -3}) {
      Dataset a = ToyData.generate("moons", 50, RngKey.of(seed));
      assertEquals("toy:moons?n=50&seed=" + seed, a.source());
      Dataset b = DataSources.load(a.source());
      assertArrayEquals(a.values(), b.values());
      assertEquals(a.source(), b.source());
    }
  }

  @Test
  void unknownNameListsTheValidOnes() {
    DataException e = assertThrows(DataException.class, () -> ToyData.generate("swissroll", 10, RngKey.of(0)));
    assertEquals("toy:swissroll: unknown toy dataset (expected one of moons, 8gaussians, rings, checkerboard,"
        + " pinwheel, 2spirals, circles, funnel)", e.getMessage());
  }

  @Test
  void moonsHaveTheirMeanAndScale() {
    // x: ±1 offsets of 2cos t, y: 2 sin t − 0.2 and 0.8 − 2 sin t; E sin t = 2/π, E cos² = E sin² = 1/2.
    double eySq = 0.5 * ((2 - 0.8 * 2 / Math.PI + 0.08) + (0.64 - 3.2 * 2 / Math.PI + 2 + 0.04));
    assertMoments("moons", 0, 3.04, 0.3, eySq - 0.09);
  }

  @Test
  void eightGaussiansHaveTheirMeanAndScale() {
    double var = (16 * 0.5 + 0.25) / (1.414 * 1.414);
    assertMoments("8gaussians", 0, var, 0, var);
  }

  @Test
  void ringsHaveTheirMeanAndScale() {
    double meanSqRadius = (0.0625 + 0.25 + 0.5625 + 1) / 4;
    double var = 9 * meanSqRadius / 2 + 0.08 * 0.08;
    assertMoments("rings", 0, var, 0, var);
  }

  @Test
  void checkerboardIsUniformOnTheBoard() {
    assertMoments("checkerboard", 0, 64.0 / 12, 0, 64.0 / 12);
    float[] v = ToyData.generate("checkerboard", N, RngKey.of(1)).values();
    for (int i = 0; i < N; i++) {
      int cx = (int) Math.floor(v[2 * i] / 2);
      int cy = (int) Math.floor(v[2 * i + 1] / 2);
      assertTrue(Math.abs(v[2 * i]) <= 4 && Math.abs(v[2 * i + 1]) <= 4);
      assertEquals(0, Math.floorMod(cx + cy, 2), "every point lies on a square of one colour");
    }
  }

  @Test
  void pinwheelHasItsMeanAndScale() {
    // Five-fold symmetry makes the covariance isotropic: var = E|x|²/2 = 2·E[r² + t²].
    double var = 2 * (1 + 0.09 + 0.01);
    assertMoments("pinwheel", 0, var, 0, var);
  }

  @Test
  void twoSpiralsHaveTheirMeanAndScale() {
    // t = 3π√u has density 2t/(3π)² on [0, 3π]; x = (−t cos t + v/2)/3 + 0.1ε, y = (t sin t + v/2)/3 + 0.1ε.
    double ex = expectOverT(t -> t * t * Math.cos(t) * Math.cos(t)) - 0.5 * expectOverT(t -> t * Math.cos(t));
    double ey = expectOverT(t -> t * t * Math.sin(t) * Math.sin(t)) + 0.5 * expectOverT(t -> t * Math.sin(t));
    assertMoments("2spirals", 0, (ex + 1.0 / 12) / 9 + 0.01, 0, (ey + 1.0 / 12) / 9 + 0.01);
  }

  @Test
  void circlesHaveTheirMeanAndScale() {
    double var = 9 * ((1 + 0.25) / 4 + 0.08 * 0.08);
    assertMoments("circles", 0, var, 0, var);
  }

  @Test
  void funnelHasTheSeedScales() {
    // x1 ~ N(0, 1.35²); x0·e^{−x1} ~ N(0, 1) (x0 itself is too heavy-tailed for a sharp moment test).
    float[] v = ToyData.generate("funnel", N, RngKey.of(1)).values();
    double[] x1 = new double[N];
    double[] z0 = new double[N];
    for (int i = 0; i < N; i++) {
      x1[i] = v[2 * i + 1];
      z0[i] = v[2 * i] * Math.exp(-x1[i]);
    }
    assertMean("funnel x1", x1, 0);
    assertVariance("funnel x1", x1, ToyData.FUNNEL_SCALE * ToyData.FUNNEL_SCALE);
    assertMean("funnel x0 / e^x1", z0, 0);
    assertVariance("funnel x0 / e^x1", z0, 1);
  }

  private static void assertMoments(String name, double mean0, double var0, double mean1, double var1) {
    float[] v = ToyData.generate(name, N, RngKey.of(1)).values();
    double[] x0 = new double[N];
    double[] x1 = new double[N];
    for (int i = 0; i < N; i++) {
      x0[i] = v[2 * i];
      x1[i] = v[2 * i + 1];
    }
    assertMean(name + " x0", x0, mean0);
    assertVariance(name + " x0", x0, var0);
    assertMean(name + " x1", x1, mean1);
    assertVariance(name + " x1", x1, var1);
  }

  private static void assertMean(String what, double[] x, double expected) {
    double m = mean(x);
    double se = Math.sqrt(centralMoment(x, m, 2) / x.length);
    double z = (m - expected) / se;
    assertTrue(Math.abs(z) <= 4, what + ": mean " + m + ", expected " + expected + ", z = " + z);
  }

  private static void assertVariance(String what, double[] x, double expected) {
    double m = mean(x);
    double s2 = centralMoment(x, m, 2);
    double se = Math.sqrt((centralMoment(x, m, 4) - s2 * s2) / x.length);
    double z = (s2 - expected) / se;
    assertTrue(Math.abs(z) <= 4, what + ": variance " + s2 + ", expected " + expected + ", z = " + z);
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double centralMoment(double[] x, double mean, int k) {
    double s = 0;
    for (double v : x) {
      s += Math.pow(v - mean, k);
    }
    return s / x.length;
  }

  /** E[g(t)] for t with density 2t/(3π)² on [0, 3π], by Simpson's rule on 2000 intervals. */
  private static double expectOverT(DoubleUnaryOperator g) {
    double b = 3 * Math.PI;
    int m = 2000;
    double h = b / m;
    double s = 0;
    for (int i = 0; i <= m; i++) {
      double t = i * h;
      double w = i == 0 || i == m ? 1 : (i % 2 == 1 ? 4 : 2);
      s += w * g.applyAsDouble(t) * 2 * t / (b * b);
    }
    return s * h / 3;
  }
}
