package dev.marginal.distributions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.Golden;
import dev.marginal.random.RngKey;
import org.junit.jupiter.api.Test;

class GaussianMixtureTest {
  /** Golden values from scipy 1.10.1 multivariate_normal.logpdf, script golden/make_golden.py. */
  private static final Golden LOGPDF = Golden.load("gmm_logpdf.txt");

  @Test
  void logProbMatchesScipyForEveryCovarianceType() {
    double[] w = LOGPDF.vector("weights");
    double[][] mu = LOGPDF.matrix("means", 3);
    double[][] points = LOGPDF.matrix("points", 3);
    GaussianMixture full = GaussianMixture.ofFull(w, mu, LOGPDF.tensor3("full_covariances", 3, 3));
    GaussianMixture diag = GaussianMixture.ofDiagonal(w, mu, LOGPDF.matrix("diag_variances", 3));
    GaussianMixture sph = GaussianMixture.ofSpherical(w, mu, LOGPDF.vector("spherical_variances"));
    assertArrayEquals(LOGPDF.vector("full_logpdf"), full.logProb(points), 1e-12);
    assertArrayEquals(LOGPDF.vector("diag_logpdf"), diag.logProb(points), 1e-12);
    assertArrayEquals(LOGPDF.vector("spherical_logpdf"), sph.logProb(points), 1e-12);
    assertEquals(LOGPDF.vector("full_logpdf")[1], full.logProb(points[1]), 1e-12);
  }

  /** The diagonal of each covariance, bit for bit as {@code covariance(c)} holds it, for every type. */
  @Test
  void covarianceDiagonalIsTheFullMatrixsDiagonal() {
    double[] w = {0.4, 0.6};
    double[][] mu = {{0, 1, 2}, {-1, 0.5, 3}};
    GaussianMixture[] mixtures = {
      GaussianMixture.ofFull(w, mu, new double[][][] {
        {{2, 0.3, 0.1}, {0.3, 1.5, -0.2}, {0.1, -0.2, 0.7}}, {{1.1, 0, 0}, {0, 0.1 + 0.2, 0}, {0, 0, 4}}}),
      GaussianMixture.ofDiagonal(w, mu, new double[][] {{0.1 + 0.2, 2, 1e-300}, {5, 1.0 / 3, 7}}),
      GaussianMixture.ofSpherical(w, mu, new double[] {0.1 + 0.2, 1.0 / 3})};
    for (GaussianMixture m : mixtures) {
      for (int c = 0; c < 2; c++) {
        double[][] full = m.covariance(c);
        double[] diagonal = m.covarianceDiagonal(c);
        assertEquals(3, diagonal.length);
        for (int i = 0; i < 3; i++) {
          assertEquals(Double.doubleToLongBits(full[i][i]), Double.doubleToLongBits(diagonal[i]),
              m.covarianceType() + " " + c + " " + i);
        }
        diagonal[0] = -1;
        assertEquals(full[0][0], m.covarianceDiagonal(c)[0], 0, "a copy");
      }
    }
  }

  @Test
  void responsibilitiesAreBayesRule() {
    GaussianMixture m = GaussianMixture.ofSpherical(new double[] {0.25, 0.75},
        new double[][] {{0, 0}, {1, 2}}, new double[] {1, 2});
    double[] x = {0.5, 0.3};
    double p0 = 0.25 * Math.exp(-0.5 * (0.25 + 0.09)) / (2 * Math.PI);
    double p1 = 0.75 * Math.exp(-0.5 * (0.25 + 2.89) / 2) / (2 * Math.PI * 2);
    double[] r = m.responsibilities(x);
    assertEquals(p0 / (p0 + p1), r[0], 1e-14);
    assertEquals(p1 / (p0 + p1), r[1], 1e-14);
    assertEquals(Math.log(p0 + p1), m.logProb(x), 1e-14);
  }

  @Test
  void responsibilitiesOfAFarPointSumToOne() {
    // Three identical components: at x = 1e9, log p(x) is about -5e17, whose ulp (64) swamps log 3, so
    // e^{l_c - log p(x)} was 1 for every component; each has probability 1/3.
    GaussianMixture m = GaussianMixture.ofSpherical(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
        new double[][] {{0, 0}, {0, 0}, {0, 0}}, new double[] {1, 1, 1});
    double[] r = m.responsibilities(new double[] {1e9, 0});
    for (double rc : r) {
      assertEquals(1.0 / 3, rc, 1e-15);
    }
  }

  @Test
  void sampleMomentsMatchMixtureWithinStandardErrors() {
    GaussianMixture m = GaussianMixture.ofFull(new double[] {0.2, 0.5, 0.3},
        new double[][] {{-2, 0}, {1, 1}, {3, -2}},
        new double[][][] {{{1, 0.5}, {0.5, 2}}, {{0.5, -0.2}, {-0.2, 0.3}}, {{2, 0}, {0, 0.1}}});
    int n = 40_000;
    double[][] x = m.sample(RngKey.of(7), n).points();
    double[] target = m.mixtureMean();
    double[][] targetCov = m.mixtureCovariance();
    for (int i = 0; i < 2; i++) {
      assertWithinSe(target[i], column(x, i), "mean " + i);
      for (int j = 0; j <= i; j++) {
        final int a = i;
        final int b = j;
        double[] prod = new double[n];
        for (int s = 0; s < n; s++) {
          prod[s] = (x[s][a] - target[a]) * (x[s][b] - target[b]);
        }
        assertWithinSe(targetCov[a][b], prod, "covariance " + a + "," + b);
      }
    }
  }

  @Test
  void sampleLabelCountsAreMultinomialAndGrouped() {
    double[] w = {0.1, 0.6, 0.3};
    GaussianMixture m = GaussianMixture.ofDiagonal(w, new double[][] {{0}, {5}, {10}},
        new double[][] {{1}, {1}, {1}});
    int n = 20_000;
    int[] labels = m.sample(RngKey.of(8), n).labels();
    int[] counts = new int[3];
    for (int s = 0; s < n; s++) {
      counts[labels[s]]++;
      assertTrue(s == 0 || labels[s] >= labels[s - 1], "points come grouped by component");
    }
    for (int c = 0; c < 3; c++) {
      double se = Math.sqrt(n * w[c] * (1 - w[c]));
      double z = (counts[c] - n * w[c]) / se;
      assertTrue(Math.abs(z) <= 4, "count of component " + c + ": z = " + z);
    }
  }

  @Test
  void sameKeyGivesSameSample() {
    GaussianMixture m = GaussianMixture.ofSpherical(new double[] {0.5, 0.5}, new double[][] {{0}, {3}},
        new double[] {1, 1});
    assertArrayEquals(m.sample(RngKey.of(3), 50).points(), m.sample(RngKey.of(3), 50).points());
  }

  @Test
  void factoryRejectsBadParameters() {
    double[][] mu = {{0, 0}, {1, 1}};
    assertThrows(IllegalArgumentException.class,
        () -> GaussianMixture.ofSpherical(new double[] {0.5, 0.6}, mu, new double[] {1, 1}));
    assertThrows(IllegalArgumentException.class,
        () -> GaussianMixture.ofSpherical(new double[] {0.5, 0.5}, mu, new double[] {1, 0}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GaussianMixture.ofFull(new double[] {0.5, 0.5}, mu,
            new double[][][] {{{1, 0}, {0, 1}}, {{1, 2}, {2, 1}}}));
    assertTrue(e.getMessage().contains("component 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> GaussianMixture.ofFull(new double[] {1}, new double[][] {{0, 0}},
            new double[][][] {{{1, 0.5}, {0, 1}}}));
  }

  /**
   * C·d·d past an array's length is refused before anything of that size is allocated: in int, 2 · 32,768² wraps to
   * a negative size and 46,341² to a small positive one. The covariances are never read, so they may be empty.
   */
  @Test
  void fullCovariancesBeyondOneArrayAreRefused() {
    for (int[] kd : new int[][] {{2, 32_768}, {1, 46_341}}) {
      int k = kd[0];
      int d = kd[1];
      double[] w = new double[k];
      java.util.Arrays.fill(w, 1.0 / k);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GaussianMixture.ofFull(w, new double[k][d], new double[k][][]));
      assertEquals(k + " full covariances of " + d + " x " + d + " need " + (long) k * d * d
          + " numbers, more than the 2147483639 one array holds", e.getMessage());
    }
  }

  @Test
  void freeParameterCountFollowsScikitLearn() {
    double[] w = {0.5, 0.5};
    double[][] mu = {{0, 0, 0}, {1, 1, 1}};
    double[][][] eye = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
    assertEquals(2 * 3 + 1 + 2 * 6, GaussianMixture.ofFull(w, mu, eye).freeParameterCount());
    assertEquals(2 * 3 + 1 + 2 * 3,
        GaussianMixture.ofDiagonal(w, mu, new double[][] {{1, 1, 1}, {1, 1, 1}}).freeParameterCount());
    assertEquals(2 * 3 + 1 + 2, GaussianMixture.ofSpherical(w, mu, new double[] {1, 1}).freeParameterCount());
  }

  private static double[] column(double[][] x, int i) {
    double[] c = new double[x.length];
    for (int s = 0; s < x.length; s++) {
      c[s] = x[s][i];
    }
    return c;
  }

  /** |mean(v) − target| ≤ 4·sd(v)/√n, reporting the z-score. */
  private static void assertWithinSe(double target, double[] v, String what) {
    double mean = 0;
    for (double a : v) {
      mean += a;
    }
    mean /= v.length;
    double var = 0;
    for (double a : v) {
      var += (a - mean) * (a - mean);
    }
    double se = Math.sqrt(var / (v.length - 1) / v.length);
    double z = (mean - target) / se;
    assertTrue(Math.abs(z) <= 4, what + ": mean " + mean + " vs " + target + ", z = " + z);
  }
}
