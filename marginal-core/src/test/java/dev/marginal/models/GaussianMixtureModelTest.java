package dev.marginal.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.Golden;
import dev.marginal.config.ParameterException;
import dev.marginal.distributions.CovarianceType;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.math.SymmetricEigen;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import org.junit.jupiter.api.Test;

class GaussianMixtureModelTest {
  /** The data set of golden/make_golden.py: 300 points in 3-D from three clusters. */
  private static final double[][] DATA = Golden.csv("gmm_data.csv");
  private static final double[][] MEANS_INIT = {{-1, 0, 0}, {1, 1, 0}, {0, -1, 1}};
  private static final double[] WEIGHTS_INIT = {1 / 3.0, 1 / 3.0, 1 / 3.0};

  /** The start that make_golden.py passes to scikit-learn: equal weights, unit covariances. */
  private static GaussianMixture goldenStart(CovarianceType type) {
    switch (type) {
      case FULL: {
        double[][] eye = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        return GaussianMixture.ofFull(WEIGHTS_INIT, MEANS_INIT, new double[][][] {eye, eye, eye});
      }
      case DIAG:
        return GaussianMixture.ofDiagonal(WEIGHTS_INIT, MEANS_INIT, new double[][] {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}});
      default:
        return GaussianMixture.ofSpherical(WEIGHTS_INIT, MEANS_INIT, new double[] {1, 1, 1});
    }
  }

  /** Golden values from scikit-learn 1.2.1 GaussianMixture, script golden/make_golden.py. */
  private static void assertMatchesScikitLearn(String file, CovarianceType type, double tol) {
    Golden g = Golden.load(file);
    GmmFit fit = GaussianMixtureModel.fit(DATA,
        GmmOptions.of(3).withTol(tol).withMaxIter(200).withInitialMixture(goldenStart(type)));
    assertEquals((int) g.scalar("n_iter"), fit.nIter(), file + " n_iter");
    assertEquals(g.scalar("converged") == 1, fit.converged(), file + " converged");
    assertEquals(g.scalar("lower_bound"), fit.lowerBound(), 1e-10, file + " lower_bound");
    assertArrayEquals(g.vector("weights"), fit.mixture().weights(), 1e-9, file + " weights");
    double[][] means = g.matrix("means", 3);
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(means[c], fit.mixture().mean(c), 1e-9, file + " mean " + c);
    }
    double[] cov = g.vector("covariances");
    GaussianMixture m = fit.mixture();
    for (int c = 0; c < 3; c++) {
      double[][] s = m.covariance(c);
      for (int i = 0; i < 3; i++) {
        switch (type) {
          case FULL:
            assertArrayEquals(java.util.Arrays.copyOfRange(cov, (c * 3 + i) * 3, (c * 3 + i) * 3 + 3), s[i], 1e-9);
            break;
          case DIAG:
            assertEquals(cov[c * 3 + i], s[i][i], 1e-9);
            break;
          default:
            assertEquals(cov[c], s[i][i], 1e-9);
        }
      }
    }
    assertArrayEquals(g.vector("score_samples"), fit.scoreSamples(DATA), 1e-8, file + " score_samples");
    assertEquals(g.scalar("score"), fit.score(DATA), 1e-10, file + " score");
    assertEquals(g.scalar("bic"), fit.bic(DATA), 1e-7, file + " bic");
    assertEquals(g.scalar("aic"), fit.aic(DATA), 1e-7, file + " aic");
  }

  @Test
  void emMatchesScikitLearnFullCovariance() {
    assertMatchesScikitLearn("gmm_full.txt", CovarianceType.FULL, 1e-3);
    assertMatchesScikitLearn("gmm_full_tol1e-9.txt", CovarianceType.FULL, 1e-9);
  }

  @Test
  void emMatchesScikitLearnDiagonalCovariance() {
    assertMatchesScikitLearn("gmm_diag.txt", CovarianceType.DIAG, 1e-3);
  }

  @Test
  void emMatchesScikitLearnSphericalCovariance() {
    assertMatchesScikitLearn("gmm_spherical.txt", CovarianceType.SPHERICAL, 1e-3);
  }

  @Test
  void lowerBoundNeverDecreases() {
    for (CovarianceType type : CovarianceType.values()) {
      GmmFit fit = GaussianMixtureModel.fit(DATA,
          GmmOptions.of(4).withCovarianceType(type).withTol(0).withMaxIter(60).withSeed(5));
      double[] h = fit.lowerBoundHistory();
      assertEquals(60, h.length);
      for (int i = 1; i < h.length; i++) {
        assertTrue(h[i] >= h[i - 1] - 1e-12, type + ": lower bound fell at iteration " + i + ": " + h[i - 1]
            + " -> " + h[i]);
      }
    }
  }

  @Test
  void covarianceFloorPreventsCollapseOnRepeatedPoint() {
    // 40 copies of one point next to a Gaussian cloud: one component captures the copies, whose empirical
    // covariance is exactly zero; only regCovar keeps it positive definite.
    double[][] x = clusters(RngKey.of(11), new double[][] {{0, 0}}, new double[] {1}, 200);
    double[][] data = java.util.Arrays.copyOf(x, 240);
    for (int i = 200; i < 240; i++) {
      data[i] = new double[] {6, 6};
    }
    GmmFit fit = GaussianMixtureModel.fit(data, GmmOptions.of(2).withSeed(1));
    double minEig = Double.POSITIVE_INFINITY;
    for (int c = 0; c < 2; c++) {
      double[] ev = SymmetricEigen.of(fit.mixture().covariance(c)).values();
      minEig = Math.min(minEig, ev[ev.length - 1]);
    }
    assertTrue(minEig >= GmmOptions.DEFAULT_REG_COVAR * (1 - 1e-6), "smallest covariance eigenvalue " + minEig);
    assertTrue(minEig <= 2e-6, "one component should sit on the repeated point, min eigenvalue " + minEig);
    assertTrue(Double.isFinite(fit.lowerBound()));
    // Without the floor the same fit collapses, and says so.
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> GaussianMixtureModel.fit(data, GmmOptions.of(2).withSeed(1).withRegCovar(0)));
    assertTrue(e.getMessage().contains("increase regCovar"), e.getMessage());
  }

  @Test
  void emptyComponentKeepsItsParametersAndFitStaysFinite() {
    double[][] far = {{1e4, 1e4, 1e4}, {0, 0, 0}, {0, 1, 0}};
    double[][] eye = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    GaussianMixture start = GaussianMixture.ofFull(WEIGHTS_INIT, far, new double[][][] {eye, eye, eye});
    GmmFit fit = GaussianMixtureModel.fit(DATA, GmmOptions.of(3).withInitialMixture(start));
    assertArrayEquals(far[0], fit.mixture().mean(0), 0);
    assertTrue(fit.mixture().weights()[0] < 1e-15);
    assertTrue(Double.isFinite(fit.lowerBound()));
  }

  @Test
  void bicPicksTrueComponentCount() {
    double[][] x = clusters(RngKey.of(12), new double[][] {{-6, 0}, {0, 6}, {6, 0}}, new double[] {1, 0.7, 1.2}, 200);
    int best = 0;
    double bestBic = Double.POSITIVE_INFINITY;
    for (int k = 1; k <= 5; k++) {
      GmmFit fit = GaussianMixtureModel.fit(x, GmmOptions.of(k).withNInit(2).withSeed(3));
      double bic = fit.bic(x);
      if (bic < bestBic) {
        bestBic = bic;
        best = k;
      }
      assertTrue(fit.aic(x) < bic, "AIC's penalty is smaller here (ln n > 2)");
    }
    assertEquals(3, best);
  }

  /** By default a fit uses the calling thread's setting ({@code Parallel.withThreads}), as every other fit does. */
  @Test
  void theDefaultThreadCountIsTheCallingThreadsSetting() {
    GmmOptions o = GmmOptions.of(2);
    assertEquals(0, o.threads());
    assertEquals(1, (int) Parallel.withThreads(1, o::workerThreads));
    assertEquals(3, (int) Parallel.withThreads(3, o::workerThreads));
    assertEquals(2, (int) Parallel.withThreads(1, () -> o.withThreads(2).workerThreads()), "an explicit count");
    double[][] x = clusters(RngKey.of(13), new double[][] {{0, 0}, {3, 3}}, new double[] {1, 1}, 500);
    GmmFit one = Parallel.withThreads(1, () -> GaussianMixtureModel.fit(x, o));
    GmmFit three = Parallel.withThreads(3, () -> GaussianMixtureModel.fit(x, o));
    assertEquals(one.lowerBound(), three.lowerBound(), 0);
    assertArrayEquals(one.mixture().means(), three.mixture().means());
  }

  @Test
  void sameSeedGivesIdenticalFitForAnyThreadCount() {
    double[][] x = clusters(RngKey.of(13), new double[][] {{0, 0, 0}, {3, 3, 0}, {0, 3, 3}}, new double[] {1, 1, 1},
        2500);
    GmmOptions o = GmmOptions.of(3).withSeed(9).withNInit(2).withTol(1e-6);
    GmmFit a = GaussianMixtureModel.fit(x, o.withThreads(1));
    GmmFit b = GaussianMixtureModel.fit(x, o.withThreads(2));
    GmmFit c = GaussianMixtureModel.fit(x, o.withThreads(3));
    for (GmmFit f : new GmmFit[] {b, c}) {
      assertEquals(a.lowerBound(), f.lowerBound(), 0);
      assertEquals(a.nIter(), f.nIter());
      assertArrayEquals(a.mixture().means(), f.mixture().means());
      assertArrayEquals(a.mixture().covariances(), f.mixture().covariances());
    }
  }

  @Test
  void moreRestartsNeverLowerTheBound() {
    GmmOptions o = GmmOptions.of(5).withSeed(4);
    double one = GaussianMixtureModel.fit(DATA, o).lowerBound();
    double four = GaussianMixtureModel.fit(DATA, o.withNInit(4)).lowerBound();
    assertTrue(four >= one, four + " < " + one);
  }

  /**
   * The lower-bound history grows with the iterations run: a maxIter of 2^31 - 1 allocated that many doubles up
   * front (more than an array holds), yet a fit that converges in a few iterations gives the same fit bit for bit.
   */
  @Test
  void aHugeMaxIterGivesTheSameFitAsASmallOne() {
    for (CovarianceType type : CovarianceType.values()) {
      GmmOptions o = GmmOptions.of(3).withCovarianceType(type).withSeed(2).withNInit(2);
      GmmFit small = GaussianMixtureModel.fit(DATA, o.withMaxIter(100));
      GmmFit huge = GaussianMixtureModel.fit(DATA, o.withMaxIter(Integer.MAX_VALUE));
      assertTrue(small.converged(), type + " converges within 100 iterations");
      assertTrue(huge.converged(), type.toString());
      assertEquals(small.nIter(), huge.nIter(), type.toString());
      assertEquals(small.nIter(), huge.lowerBoundHistory().length, type + ": the history holds the iterations run");
      assertArrayEquals(small.lowerBoundHistory(), huge.lowerBoundHistory(), type.toString());
      assertEquals(Double.doubleToLongBits(small.lowerBound()), Double.doubleToLongBits(huge.lowerBound()));
      assertEquals(small.mixture(), huge.mixture(), type.toString());
    }
  }

  /** A history longer than its first allocation grows and keeps every value in order. */
  @Test
  void aLongHistoryKeepsEveryIteration() {
    GmmOptions o = GmmOptions.of(4).withSeed(5).withTol(0).withCovarianceType(CovarianceType.DIAG);
    double[] shortRun = GaussianMixtureModel.fit(DATA, o.withMaxIter(60)).lowerBoundHistory();
    GmmFit longRun = GaussianMixtureModel.fit(DATA, o.withMaxIter(300));
    double[] h = longRun.lowerBoundHistory();
    assertEquals(300, longRun.nIter());
    assertEquals(300, h.length);
    assertArrayEquals(shortRun, java.util.Arrays.copyOf(h, 60));
    assertEquals(longRun.lowerBound(), h[299], 0);
    for (int i = 1; i < h.length; i++) {
      assertTrue(h[i] >= h[i - 1] - 1e-12, "iteration " + i + ": " + h[i - 1] + " -> " + h[i]);
    }
  }

  /**
   * Clusters that k-means leaves empty start from the data's per-column variance plus regCovar (their mean for a
   * spherical fit), and EM keeps it: computed here from the data, and the whole fit equal to what the code gave
   * before diagonal and spherical fits stopped building d × d matrices (lower bound and content hashes recorded
   * from that code).
   */
  @Test
  void emptyClustersStartFromTheColumnVariancesAsBefore() {
    double[][] x = repeatedPoints();
    int n = x.length;
    int d = x[0].length;
    double reg = GmmOptions.DEFAULT_REG_COVAR;
    double[] var = new double[d];
    double meanVar = 0;
    for (int j = 0; j < d; j++) {
      double mean = 0;
      for (double[] row : x) {
        mean += row[j];
      }
      mean /= n;
      double ss = 0;
      for (double[] row : x) {
        ss += (row[j] - mean) * (row[j] - mean);
      }
      var[j] = ss / n + reg;
      meanVar += var[j] / d;
    }
    // Recorded from the code before: the lower bound's bits and Arrays.deepHashCode of means() and covariances().
    long boundBits = 0x403094851872ea38L;
    int meansHash = -1576782516;
    java.util.Map<CovarianceType, Integer> covHash = java.util.Map.of(CovarianceType.FULL, -331637709,
        CovarianceType.DIAG, -323542207, CovarianceType.SPHERICAL, 735865537);
    for (CovarianceType type : CovarianceType.values()) {
      GmmFit f = GaussianMixtureModel.fit(x,
          GmmOptions.of(6).withCovarianceType(type).withSeed(3).withNInit(2).withMaxIter(20));
      GaussianMixture m = f.mixture();
      int empty = 0;
      for (int c = 0; c < m.components(); c++) {
        if (m.weights()[c] * n >= 0.5) {
          continue;
        }
        empty++;
        double[] diagonal = m.covarianceDiagonal(c);
        for (int j = 0; j < d; j++) {
          assertEquals(type == CovarianceType.SPHERICAL ? meanVar : var[j], diagonal[j], 0, type + " " + c + " " + j);
        }
      }
      assertEquals(2, empty, type + ": six centres on four spots leave two clusters empty");
      assertEquals(boundBits, Double.doubleToLongBits(f.lowerBound()), type.toString());
      assertEquals(meansHash, java.util.Arrays.deepHashCode(m.means()), type.toString());
      assertEquals(covHash.get(type), java.util.Arrays.deepHashCode(m.covariances()), type.toString());
    }
  }

  /**
   * A diagonal or spherical fit of wide data holds k·d numbers: 100,000 columns, whose d × d matrices (75 GiB each)
   * the fit once built for every component, fit in a blink. With one component the fit is the column means and
   * variances (plus regCovar), their mean for a spherical fit.
   */
  @Test
  void diagonalAndSphericalFitsOfWideDataHoldOnlyKTimesDNumbers() {
    int d = 100_000;
    double[][] x = new double[3][d];
    for (int r = 0; r < 3; r++) {
      for (int j = 0; j < d; j++) {
        x[r][j] = (r * 7 + j) % 5 + 0.25 * r * r;
      }
    }
    double reg = GmmOptions.DEFAULT_REG_COVAR;
    double[] mean = new double[d];
    double[] var = new double[d];
    double meanVar = 0;
    for (int j = 0; j < d; j++) {
      mean[j] = (x[0][j] + x[1][j] + x[2][j]) / 3;
      for (double[] row : x) {
        var[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / 3;
      }
      var[j] += reg;
      meanVar += var[j] / d;
    }
    GmmFit diag = GaussianMixtureModel.fit(x, GmmOptions.of(1).withCovarianceType(CovarianceType.DIAG));
    GmmFit sph = GaussianMixtureModel.fit(x, GmmOptions.of(1).withCovarianceType(CovarianceType.SPHERICAL));
    assertArrayEquals(mean, diag.mixture().mean(0), 1e-12);
    assertArrayEquals(mean, sph.mixture().mean(0), 1e-12);
    assertArrayEquals(var, diag.mixture().covarianceDiagonal(0), 1e-9);
    assertEquals(meanVar, sph.mixture().covarianceDiagonal(0)[d - 1], 1e-9);
  }

  /** Full covariances of data too wide for the heap are refused before they are allocated, naming what to change. */
  @Test
  void fullCovariancesOfWideDataAreRefusedBeforeAllocating() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        GaussianMixtureModel.covarianceBytes(3, 30_000, GmmOptions.of(1)) > Runtime.getRuntime().maxMemory(),
        "a heap under 60 GiB");
    double[][] x = new double[3][30_000];
    x[1][0] = 1;
    ParameterException e = org.junit.jupiter.api.Assertions.assertThrows(ParameterException.class,
        () -> GaussianMixtureModel.fit(x, GmmOptions.of(1)));
    assertTrue(e.getMessage().startsWith("30000-D data need a 30000 × 30000 covariance per component (about 6866 MiB"
        + " each)"), e.getMessage());
    assertTrue(e.getMessage().contains("use covarianceType DIAG or SPHERICAL, fewer components or fewer columns"),
        e.getMessage());
    assertEquals(java.util.List.of("covarianceType", "components"), e.parameters());
    // 10 components of 20,000 columns would need 4·10⁹ entries, more than one array holds, whatever the heap.
    ParameterException tooMany = org.junit.jupiter.api.Assertions.assertThrows(ParameterException.class,
        () -> GaussianMixtureModel.fit(new double[10][20_000], GmmOptions.of(10)));
    assertTrue(tooMany.getMessage().contains("more than the 2147483639 one array holds"), tooMany.getMessage());
    assertEquals(Long.MAX_VALUE, GaussianMixtureModel.covarianceBytes(3, Integer.MAX_VALUE, GmmOptions.of(1000)));
    assertEquals((8 + 1) * 8L * 4 * 2, GaussianMixtureModel.covarianceBytes(3, 2, GmmOptions.of(2)));
    assertEquals((8 + 2) * 8L * 2 * 2,
        GaussianMixtureModel.covarianceBytes(2049, 2, GmmOptions.of(2).withCovarianceType(CovarianceType.DIAG)));
    // A thousand chunks, whose scatters are summed four per thread at a time: eight held on two threads.
    assertEquals((8 + 8) * 8L * 4 * 2,
        GaussianMixtureModel.covarianceBytes(2048L * 1000, 2, GmmOptions.of(2).withThreads(2)));
  }

  /**
   * Twelve points on four distinct spots of 3-D, each spot repeated three times: six k-means centres leave clusters
   * empty, so a fit starts them from the data's broad fallback and EM keeps their parameters.
   */
  static double[][] repeatedPoints() {
    double[][] spots = {{0, 0, 0}, {4, 1, -2}, {1, 5, 3}, {-3, 2, 6}};
    double[][] x = new double[12][];
    for (int i = 0; i < x.length; i++) {
      x[i] = spots[i % spots.length].clone();
    }
    return x;
  }

  /** {@code perCluster} points around each centre with isotropic standard deviation {@code sd[c]}. */
  static double[][] clusters(RngKey key, double[][] centres, double[] sd, int perCluster) {
    int d = centres[0].length;
    double[][] x = new double[centres.length * perCluster][d];
    for (int c = 0; c < centres.length; c++) {
      double[] z = new double[perCluster * d];
      dev.marginal.random.Samplers.normals(key.foldIn(c), z, 0, z.length);
      for (int i = 0; i < perCluster; i++) {
        for (int j = 0; j < d; j++) {
          x[c * perCluster + i][j] = centres[c][j] + sd[c] * z[i * d + j];
        }
      }
    }
    return x;
  }
}
