package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;

/**
 * SUMO's unbiasedness against the exact log p(x) of a linear-Gaussian model, and the power of that test: two biased
 * variants (no Δ-correction; the seed repository's factorial tail) must fail it.
 */
class SumoTest {
  private static final int DRAWS = 20_000;
  private static final float SHIFT = 0.3f;
  private static final float SCALE = 1.3f;
  private final LinearGaussianModel model = Fixtures.correlatedModel();
  private final Tensor x = Fixtures.data(model);
  private final double[] logPx = model.exactLogMarginal(x);

  private DiagNormal proposal(Tape tape) {
    return Fixtures.imperfectProposal(tape, model, x, SHIFT, SCALE);
  }

  private void assertUnbiased(int minTerms, long seed) {
    assertUnbiased(Sumo.of(minTerms), seed);
  }

  private void assertUnbiased(Sumo sumo, long seed) {
    int minTerms = sumo.minTerms();
    Estimate e = sumo.estimate(model, x, proposal(new Tape()), RngKey.of(seed), DRAWS);
    for (int i = 0; i < x.dim(0); i++) {
      Fixtures.assertWithinFourSe("SUMO m=" + minTerms + " point " + i, e.mean()[i], e.stdErr()[i], logPx[i]);
    }
    Fixtures.assertWithinFourSe("SUMO m=" + minTerms + " all points", e.overallMean(), e.overallStdErr(),
        Fixtures.mean(logPx));
  }

  @Test
  void sumoIsUnbiasedForLogMarginalWithOneMinimumTerm() {
    assertUnbiased(1, 41);
  }

  @Test
  void sumoIsUnbiasedForLogMarginalWithFourMinimumTerms() {
    assertUnbiased(4, 42);
  }

  @Test
  void sumoIsUnbiasedWithALateCutoff() {
    // The default tail's geometric part multiplies late increments by weights up to ~10⁴–10⁵, so rare draws with
    // K ≈ 130 dominate the standard error above. Pushing the cutoff to 2000 delays the geometric part (the variance
    // is still infinite, but the divergence starts where draws are rare) at a cost of E[K] ≈ 8.2, and tightens the
    // same check.
    assertUnbiased(Sumo.of(1).withTail(SumoTail.of(2000, 0.9)), 43);
  }

  @Test
  void sumoIsUnbiasedWithAnEarlyGeometricTail() {
    // With the geometric part from k = 2 on (P(K ≥ k) = ½·0.6^(k−2)), most of E[SUMO] − IWAE_m sits in terms
    // weighted by the geometric tail, so an estimator that weights them as 1/k, or drops them, fails this check.
    assertUnbiased(Sumo.of(1).withTail(SumoTail.of(2, 0.6)), 44);
  }

  /** Log-weights for {@code DRAWS} repeats of every point, with the given number of samples per repeat and point. */
  private float[][] logWeightSequences(int[][] counts, long seed) {
    int b = x.dim(0);
    int n = DRAWS * b;
    int[] rows = new int[n];
    int[] flatCounts = new int[n];
    RngKey[] keys = new RngKey[n];
    RngKey key = RngKey.of(seed);
    for (int r = 0; r < DRAWS; r++) {
      for (int i = 0; i < b; i++) {
        rows[r * b + i] = i;
        flatCounts[r * b + i] = counts[r][i];
        keys[r * b + i] = key.foldIn(r).foldIn(i);
      }
    }
    Tape tape = new Tape();
    float[] lw = ImportanceSamples.draw(model, tape.constant(x.gather(rows)), proposal(tape).gather(rows),
        flatCounts, keys).logWeights().value().buffer();
    float[][] out = new float[n][];
    int at = 0;
    for (int t = 0; t < n; t++) {
      out[t] = java.util.Arrays.copyOfRange(lw, at, at + flatCounts[t]);
      at += flatCounts[t];
    }
    return out;
  }

  /** IWAE_j = log((1/j) Σ_{i≤j} w_i) for j = 1..L, in double. */
  private static double[] prefixIwae(float[] logWeights) {
    double[] lw = new double[logWeights.length];
    for (int i = 0; i < lw.length; i++) {
      lw[i] = logWeights[i];
    }
    double[] c = LogSpace.logCumSumExp(lw);
    for (int j = 0; j < c.length; j++) {
      c[j] -= Math.log(j + 1);
    }
    return c;
  }

  /**
   * Runs a variant: {@code extra[r][i]} extra terms, and {@code value} maps a point's prefix bounds and its number of
   * extra terms to the estimate. Returns the z-score of the pooled mean against the exact log p(x).
   */
  private double variantZScore(String name, int minTerms, int[][] extra,
      ToDoubleBiFunction<double[], Integer> value, long seed) {
    int b = x.dim(0);
    int[][] counts = new int[DRAWS][b];
    for (int r = 0; r < DRAWS; r++) {
      for (int i = 0; i < b; i++) {
        counts[r][i] = minTerms + extra[r][i];
      }
    }
    float[][] lw = logWeightSequences(counts, seed);
    double[] err = new double[DRAWS * b];
    for (int t = 0; t < err.length; t++) {
      err[t] = value.applyAsDouble(prefixIwae(lw[t]), extra[t / b][t % b]) - logPx[t % b];
    }
    double z = Fixtures.zScore(Fixtures.mean(err), Fixtures.stdErr(err), 0);
    System.out.printf("%s: bias %.5f, se %.5f, z = %.2f%n", name, Fixtures.mean(err), Fixtures.stdErr(err), z);
    return z;
  }

  private int[][] correctTail(long seed) {
    int[][] k = new int[DRAWS][x.dim(0)];
    for (int r = 0; r < DRAWS; r++) {
      for (int i = 0; i < k[r].length; i++) {
        k[r][i] = SumoTail.DEFAULT.sample(RngKey.of(seed).foldIn(r).foldIn(i));
      }
    }
    return k;
  }

  @Test
  void referenceImplementationOfTheFormulaPassesTheTest() {
    // The same harness with the textbook formula must pass, so that the failures below are due to the variants.
    int m = 1;
    double z = variantZScore("SUMO (harness, m=1)", m, correctTail(51), (iwae, k) -> {
      double v = iwae[m - 1];
      for (int j = 1; j <= k; j++) {
        v += (iwae[m + j - 1] - iwae[m + j - 2]) / SumoTail.DEFAULT.survival(j);
      }
      return v;
    }, 52);
    assertTrue(Math.abs(z) <= 4, "z = " + z);
  }

  @Test
  void droppingTheCorrectionTermFailsTheUnbiasednessTest() {
    // IWAE_{m+K} with the same random K: a lower bound, visibly biased.
    for (int m : new int[] {1, 4}) {
      double z = variantZScore("IWAE_{m+K}, m=" + m, m, correctTail(53), (iwae, k) -> iwae[iwae.length - 1], 54);
      assertTrue(Math.abs(z) > 4, "the test should detect the missing correction, z = " + z);
    }
  }

  @Test
  void seedRepositorysTailSchemeFailsTheUnbiasednessTest() {
    // Continue from k to k + 1 with probability 1/(k + 1), so P(K ≥ k) = 1/k! (factorial decay), while weighting
    // Δ_{m+k−1} by its absolute term number m + k − 1 as if P(K ≥ k) were 1/k.
    int m = 1;
    int[][] k = new int[DRAWS][x.dim(0)];
    for (int r = 0; r < DRAWS; r++) {
      for (int i = 0; i < k[r].length; i++) {
        RngKey key = RngKey.of(55).foldIn(r).foldIn(i);
        int kk = 1;
        while (key.foldIn(kk).uniform() < 1.0 / (kk + 1)) {
          kk++;
        }
        k[r][i] = kk;
      }
    }
    double z = variantZScore("seed scheme, m=1", m, k, (iwae, kk) -> {
      double v = iwae[m - 1];
      for (int j = 1; j <= kk; j++) {
        v += (iwae[m + j - 1] - iwae[m + j - 2]) * (m + j - 1);
      }
      return v;
    }, 56);
    assertTrue(Math.abs(z) > 4, "the test should detect the seed scheme's bias, z = " + z);
  }

  @Test
  void fromLogWeightsMatchesTheFormulaByHand() {
    Sumo sumo = Sumo.of(2);
    float[] lw = {-1.0f, -2.5f, -0.5f, -3.0f, -1.5f, -2.0f, -0.7f};
    int[] counts = {3, 4};
    float[] v = sumo.fromLogWeights(new Tape().constant(Tensor.of(lw, 7)), counts).value().buffer();
    int at = 0;
    for (int i = 0; i < 2; i++) {
      double[] iwae = prefixIwae(java.util.Arrays.copyOfRange(lw, at, at + counts[i]));
      double expected = iwae[1];
      for (int k = 1; k <= counts[i] - 2; k++) {
        expected += (iwae[k + 1] - iwae[k]) * k;
      }
      assertEquals(expected, v[i], 1e-6);
      at += counts[i];
    }
  }

  @Test
  void everyPointDrawsItsOwnNumberOfTerms() {
    RngKey[] keys = ImportanceSamples.pointKeys(RngKey.of(57), 200);
    int[] k = Sumo.create().sampleExtraTerms(keys);
    java.util.Set<Integer> distinct = new java.util.HashSet<>();
    for (int v : k) {
      distinct.add(v);
    }
    assertTrue(distinct.size() > 5, "K should vary across points: " + distinct);
    int[] again = Sumo.create().sampleExtraTerms(ImportanceSamples.pointKeys(RngKey.of(58), 200));
    assertTrue(!java.util.Arrays.equals(k, again), "K should change with the step key");
  }

  @Test
  void gradientOfSumoReachesModelAndProposal() {
    Tape tape = new Tape();
    Var loc = tape.variable(proposal(tape).loc().value());
    DiagNormal q = DiagNormal.ofLogScale(loc, tape.constant(proposal(tape).logScale().value()));
    model.weight().zeroGrad();
    Var v = Sumo.of(2).logMarginal(model, tape.constant(x), q, RngKey.of(59));
    tape.backward(v.mean());
    assertTrue(tape.grad(loc).allFinite());
    assertTrue(model.weight().grad().abs().sum() > 0);
  }

  @Test
  void leadingZeroWeightsGiveTheLimitNotNaN() {
    Sumo sumo = Sumo.of(2);
    float inf = Float.NEGATIVE_INFINITY;
    int[] counts = {5};
    // A zero weight inside the first m terms: the limit of the formula as that log-weight tends to −∞. At −1000 the
    // weight is already 0 in double, so the finite formula gives the limit.
    float[] zeroFirst = {inf, -1.0f, -0.5f, -2.0f, -0.7f};
    float[] veryNegative = {-1000f, -1.0f, -0.5f, -2.0f, -0.7f};
    double limit = value(sumo, veryNegative, counts);
    assertTrue(Double.isFinite(limit));
    assertEquals(limit, value(sumo, zeroFirst, counts), 1e-9 * Math.abs(limit) + 1e-6);
    // All weights zero: −∞, as for IWAE.
    assertEquals(Double.NEGATIVE_INFINITY, value(sumo, new float[] {inf, inf, inf, inf, inf}, counts));
    assertEquals(Double.NEGATIVE_INFINITY, Iwae.fromLogWeights(new Tape().constant(
        Tensor.of(new float[] {inf, inf}, 1, 2))).value().buffer()[0]);
    // A run of zero weights past m: the formula's limit is +∞ (a Δ weighted by 1/P(K ≥ k) > 1 starts from −∞).
    assertEquals(Double.POSITIVE_INFINITY, value(sumo, new float[] {inf, inf, inf, -2.0f, -0.7f}, counts));
    // The gradient is finite and zero at the −∞ positions.
    Tape tape = new Tape();
    Var lw = tape.variable(Tensor.of(zeroFirst, 5));
    tape.backward(sumo.fromLogWeights(lw, counts).sum());
    float[] g = tape.grad(lw).buffer();
    assertEquals(0f, g[0]);
    for (float v : g) {
      assertTrue(Float.isFinite(v), java.util.Arrays.toString(g));
    }
  }

  private static double value(Sumo sumo, float[] lw, int[] counts) {
    return sumo.fromLogWeights(new Tape().constant(Tensor.of(lw, lw.length)), counts).value().buffer()[0];
  }
}
