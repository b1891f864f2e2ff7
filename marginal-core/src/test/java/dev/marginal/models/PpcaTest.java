package dev.marginal.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.Golden;
import dev.marginal.math.Cholesky;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import org.junit.jupiter.api.Test;

class PpcaTest {
  /** 300 points in 5-D with rank-2 structure, from golden/make_golden.py. */
  private static final double[][] DATA = Golden.csv("ppca_data.csv");
  /** Golden values from scikit-learn 1.2.1 PCA and numpy/scipy, script golden/make_golden.py. */
  private static final Golden G = Golden.load("ppca.txt");

  @Test
  void logProbMatchesScikitLearnPcaScoreSamples() {
    // scikit-learn's PCA is PPCA with W = componentsᵀ (explained variance − σ²)^{1/2}, fitted with 1/(n − 1).
    double[][] comp = G.matrix("sklearn_components", 5);
    double[] ev = G.vector("sklearn_explained_variance");
    double sigma2 = G.scalar("sklearn_noise_variance");
    double[][] w = new double[5][2];
    for (int i = 0; i < 5; i++) {
      for (int a = 0; a < 2; a++) {
        w[i][a] = comp[a][i] * Math.sqrt(ev[a] - sigma2);
      }
    }
    Ppca p = Ppca.of(G.vector("sklearn_mean"), w, sigma2);
    assertArrayEquals(G.vector("sklearn_score_samples"), p.logProb(DATA), 1e-10);
  }

  /**
   * Data too wide for the d × d sample covariance are refused before it is allocated, naming the width; the count
   * that is checked holds the chunks' packed triangles or three d × d matrices, whichever is more.
   */
  @Test
  void wideDataAreRefusedBeforeTheSampleCovarianceIsAllocated() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Ppca.fitBytes(3, 40_000) > Runtime.getRuntime().maxMemory(),
        "a heap under 36 GiB");
    double[][] x = new double[3][40_000];
    x[1][0] = 1;
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Ppca.fit(x, 2));
    assertTrue(e.getMessage().startsWith("40000-D data need a 40000 × 40000 sample covariance (about 12207 MiB)"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("use fewer columns, or give the JVM more memory (-Xmx)"), e.getMessage());
    // 70,000 columns: 2.45·10⁹ distinct entries, more than one array holds (d(d + 1)/2 overflowed an int here).
    IllegalArgumentException packed = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Ppca.fit(new double[2][70_000], 2));
    assertTrue(packed.getMessage().contains("more than the 2147483639 one array holds"), packed.getMessage());
    assertEquals(3 * 8L * 10 * 10, Ppca.fitBytes(3, 10));
    // 4,096 chunks, of which the scatter's sum holds four at once (one thread).
    assertEquals(8L * (100 + 5 * 55), Ppca.fitBytes(4096L * 2048, 10));
    assertEquals(Long.MAX_VALUE, Ppca.fitBytes(Long.MAX_VALUE, Integer.MAX_VALUE));
  }

  @Test
  void fitMatchesMaximumLikelihoodClosedForm() {
    Ppca p = Ppca.fit(DATA, 2);
    assertEquals(G.scalar("ml_sigma2"), p.noiseVariance(), 1e-12);
    assertArrayEquals(G.vector("ml_logpdf"), p.logProb(DATA), 1e-10);
  }

  @Test
  void logProbEqualsDirectGaussianLogpdf() {
    int d = 6;
    int q = 3;
    double[] raw = new double[d * q + d];
    Samplers.normals(RngKey.of(21), raw, 0, raw.length);
    double[][] w = new double[d][q];
    double[] b = new double[d];
    for (int i = 0; i < d; i++) {
      b[i] = raw[d * q + i];
      for (int a = 0; a < q; a++) {
        w[i][a] = raw[i * q + a];
      }
    }
    Ppca p = Ppca.of(b, w, 0.37);
    Cholesky c = Cholesky.of(p.covariance());
    for (double[] x : p.sample(RngKey.of(22), 5)) {
      double[] e = new double[d];
      for (int i = 0; i < d; i++) {
        e[i] = x[i] - b[i];
      }
      double[] y = c.solveLower(e);
      double quad = 0;
      for (double v : y) {
        quad += v * v;
      }
      double direct = -0.5 * (d * Math.log(2 * Math.PI) + c.logDeterminant() + quad);
      assertEquals(direct, p.logProb(x), 1e-11);
    }
  }

  @Test
  void posteriorMatchesBayesRuleOnTinyCase() {
    // d = 2, q = 1: integrate p(z) p(x | z) on a fine grid for log p(x), E[z | x] and Var[z | x].
    Ppca p = Ppca.of(new double[] {0.5, -1}, new double[][] {{1.5}, {-0.7}}, 0.4);
    double[] x = {1.2, 0.3};
    double h = 1e-3;
    double z0 = 0;
    double z1 = 0;
    double z2 = 0;
    for (double z = -12; z <= 12; z += h) {
      double e0 = x[0] - (1.5 * z + 0.5);
      double e1 = x[1] - (-0.7 * z - 1);
      double joint = Math.exp(-0.5 * z * z - 0.5 * (e0 * e0 + e1 * e1) / 0.4)
          / (Math.sqrt(2 * Math.PI) * 2 * Math.PI * 0.4);
      z0 += joint * h;
      z1 += joint * z * h;
      z2 += joint * z * z * h;
    }
    double mean = z1 / z0;
    Ppca.Posterior post = p.posterior(x);
    assertEquals(Math.log(z0), p.logProb(x), 1e-9);
    assertEquals(mean, post.mean()[0], 1e-9);
    assertEquals(z2 / z0 - mean * mean, post.covariance()[0][0], 1e-9);
    assertArrayEquals(post.mean(), p.encode(new double[][] {x})[0], 0);
  }

  @Test
  void sampleMomentsMatchModelCovariance() {
    Ppca p = Ppca.fit(DATA, 2);
    int n = 40_000;
    double[][] xs = p.sample(RngKey.of(23), n);
    double[] b = p.mean();
    double[][] c = p.covariance();
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j <= i; j++) {
        double[] first = new double[n];
        double[] prod = new double[n];
        for (int s = 0; s < n; s++) {
          first[s] = xs[s][i];
          prod[s] = (xs[s][i] - b[i]) * (xs[s][j] - b[j]);
        }
        if (i == j) {
          assertWithinSe(b[i], first, "mean " + i);
        }
        assertWithinSe(c[i][j], prod, "covariance " + i + "," + j);
      }
    }
  }

  @Test
  void fitIsALocalMaximumOfTheLikelihood() {
    Ppca p = Ppca.fit(DATA, 2);
    double best = total(p.logProb(DATA));
    double[][] w = p.loadings();
    for (double eps : new double[] {-1e-3, 1e-3}) {
      assertTrue(total(Ppca.of(p.mean(), w, p.noiseVariance() * (1 + eps)).logProb(DATA)) < best);
      double[][] moved = p.loadings();
      moved[2][1] += eps;
      assertTrue(total(Ppca.of(p.mean(), moved, p.noiseVariance()).logProb(DATA)) < best);
      double[] shifted = p.mean();
      shifted[0] += eps;
      assertTrue(total(Ppca.of(shifted, w, p.noiseVariance()).logProb(DATA)) < best);
    }
  }

  private static double total(double[] v) {
    double s = 0;
    for (double a : v) {
      s += a;
    }
    return s;
  }

  /** |mean(v) − target| ≤ 4·sd(v)/√n, reporting the z-score. */
  private static void assertWithinSe(double target, double[] v, String what) {
    double mean = total(v) / v.length;
    double var = 0;
    for (double a : v) {
      var += (a - mean) * (a - mean);
    }
    double z = (mean - target) / Math.sqrt(var / (v.length - 1) / v.length);
    assertTrue(Math.abs(z) <= 4, what + ": mean " + mean + " vs " + target + ", z = " + z);
  }
}
