package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BoundsTest {
  private static final int REPEATS = 4000;
  private final LinearGaussianModel model = Fixtures.correlatedModel();
  private final Tensor x = Fixtures.data(model);
  private final double logPx = Fixtures.mean(model.exactLogMarginal(x));

  private Estimate estimate(LogMarginalEstimator estimator, long seed) {
    DiagNormal q = Fixtures.imperfectProposal(new Tape(), model, x, 0.3f, 1.3f);
    return estimator.estimate(model, x, q, RngKey.of(seed), REPEATS);
  }

  private static void assertBelow(String what, Estimate lower, double upperMean, double upperSe) {
    double se = Math.hypot(lower.overallStdErr(), upperSe);
    double z = (upperMean - lower.overallMean()) / se;
    System.out.printf("%s: gap %.5f, se %.5f, z = %.2f%n", what, upperMean - lower.overallMean(), se, z);
    assertTrue(z > 4, () -> what + ": expected a significant gap, z = " + z);
  }

  @Test
  void iwaeIncreasesWithKTowardsTheLogMarginal() {
    Estimate elbo = estimate(Elbo.of(1), 1);
    Estimate iwae5 = estimate(Iwae.of(5), 2);
    Estimate iwae50 = estimate(Iwae.of(50), 3);
    assertBelow("ELBO < IWAE_5", elbo, iwae5.overallMean(), iwae5.overallStdErr());
    assertBelow("IWAE_5 < IWAE_50", iwae5, iwae50.overallMean(), iwae50.overallStdErr());
    assertBelow("IWAE_50 < log p(x)", iwae50, logPx, 0);
    // The gap log p(x) − E[IWAE_K] ≈ c/K for large K: K·gap should be roughly constant from K = 5 to K = 50.
    double scaled5 = 5 * (logPx - iwae5.overallMean());
    double scaled50 = 50 * (logPx - iwae50.overallMean());
    System.out.printf("K·gap: K=5 %.4f, K=50 %.4f%n", scaled5, scaled50);
    assertTrue(scaled50 / scaled5 > 0.5 && scaled50 / scaled5 < 2, "K·gap changed from " + scaled5 + " to "
        + scaled50);
  }

  @Test
  void elboGapIsTheKlToThePosterior() {
    // E[ELBO] = log p(x) − KL(q ‖ p(z|x)); both sides in closed form for Gaussians.
    Tape tape = new Tape();
    DiagNormal q = Fixtures.imperfectProposal(tape, model, x, 0.3f, 1.3f);
    double[] klExact = klToPosterior(q);
    Estimate elbo = Elbo.of(8).estimate(model, x, q, RngKey.of(4), REPEATS);
    double[] exact = model.exactLogMarginal(x);
    for (int i = 0; i < x.dim(0); i++) {
      Fixtures.assertWithinFourSe("ELBO point " + i, elbo.mean()[i], elbo.stdErr()[i], exact[i] - klExact[i]);
    }
  }

  @Test
  void analyticKlElboHasTheSameMeanAsTheMonteCarloElbo() {
    DiagNormal q = Fixtures.imperfectProposal(new Tape(), model, x, 0.3f, 1.3f);
    Estimate mc = Elbo.of(1).estimate(model, x, q, RngKey.of(5), REPEATS);
    Estimate analytic = Elbo.of(1).withAnalyticKl(true).estimate(model, x, q, RngKey.of(6), REPEATS);
    double se = Math.hypot(mc.overallStdErr(), analytic.overallStdErr());
    Fixtures.assertWithinFourSe("analytic-KL ELBO vs Monte Carlo ELBO", analytic.overallMean(), se,
        mc.overallMean());
  }

  @Test
  void exactPosteriorMakesEveryEstimatorExact() {
    LinearGaussianModel exactModel = Fixtures.orthogonalModel();
    Tensor data = Fixtures.data(exactModel);
    double[] logPxExact = exactModel.exactLogMarginal(data);
    Tape tape = new Tape();
    DiagNormal q = exactModel.diagonalPosterior(tape, data);
    Var xs = tape.constant(data);
    LogMarginalEstimator[] estimators = {Elbo.of(1), Elbo.of(3), Iwae.of(10), Sumo.of(1), Sumo.of(4)};
    for (LogMarginalEstimator e : estimators) {
      for (long seed = 0; seed < 20; seed++) {
        float[] v = e.logMarginal(exactModel, xs, q, RngKey.of(seed)).value().buffer();
        for (int i = 0; i < v.length; i++) {
          // Float log-weights of magnitude ~5 round at ~1e-6; SUMO multiplies increments of that size by ≤ ~10².
          assertEquals(logPxExact[i], v[i], 2e-4, e + " point " + i + " seed " + seed);
        }
      }
    }
  }

  @Test
  void logWeightsAreConstantUnderTheExactPosterior() {
    LinearGaussianModel exactModel = Fixtures.orthogonalModel();
    Tensor data = Fixtures.data(exactModel);
    double[][] cov = exactModel.posteriorCovariance();
    assertEquals(0.0, cov[0][1], 1e-7, "orthogonal columns give a diagonal posterior");
    Tape tape = new Tape();
    ImportanceSamples s = ImportanceSamples.draw(exactModel, tape.constant(data),
        exactModel.diagonalPosterior(tape, data), new int[] {50, 50, 50, 50},
        ImportanceSamples.pointKeys(RngKey.of(7), 4));
    float[] lw = s.logWeights().value().buffer();
    double[] exact = exactModel.exactLogMarginal(data);
    for (int t = 0; t < lw.length; t++) {
      assertEquals(exact[t / 50], lw[t], 2e-5, "sample " + t);
    }
  }

  @Test
  void repeatsOfEstimateEqualSingleCallsWithFoldedKeys() {
    Tape tape = new Tape();
    DiagNormal q = Fixtures.imperfectProposal(tape, model, x, 0.3f, 1.3f);
    RngKey key = RngKey.of(8);
    Sumo sumo = Sumo.of(2);
    Estimate est = sumo.estimate(model, x, q, key, 3);
    double[] manual = new double[x.dim(0)];
    for (int r = 0; r < 3; r++) {
      float[] v = sumo.logMarginal(model, tape.constant(x), q, key.foldIn(r)).value().buffer();
      for (int i = 0; i < v.length; i++) {
        manual[i] += v[i] / 3.0;
      }
    }
    for (int i = 0; i < manual.length; i++) {
      assertEquals(manual[i], est.mean()[i], 1e-5);
    }
  }

  @Test
  void naivePriorSamplingIsAWeakerLowerBoundThanIwae() {
    DiagNormal q = Fixtures.imperfectProposal(new Tape(), model, x, 0.3f, 1.3f);
    Estimate prior = NaivePriorSampling.of(50).estimate(model, x, q, RngKey.of(9), REPEATS);
    Estimate iwae = estimate(Iwae.of(50), 10);
    assertBelow("prior sampling K=50 < IWAE_50", prior, iwae.overallMean(), iwae.overallStdErr());
    assertBelow("prior sampling K=50 < log p(x)", prior, logPx, 0);
  }

  /** KL(q_i ‖ p(z|x_i)) for Gaussians: ½[tr(Σ⁻¹S) + (m−μ)ᵀΣ⁻¹(m−μ) − d + log det Σ − log det S]. */
  private double[] klToPosterior(DiagNormal q) {
    double[][] post = model.posteriorMean(x);
    double[][] cov = model.posteriorCovariance();
    double det = cov[0][0] * cov[1][1] - cov[0][1] * cov[0][1];
    double[][] inv = {{cov[1][1] / det, -cov[0][1] / det}, {-cov[0][1] / det, cov[0][0] / det}};
    float[] loc = q.loc().value().buffer();
    float[] logScale = q.logScale().value().buffer();
    double[] kl = new double[post.length];
    for (int i = 0; i < post.length; i++) {
      double s0 = Math.exp(2.0 * logScale[2 * i]);
      double s1 = Math.exp(2.0 * logScale[2 * i + 1]);
      double m0 = loc[2 * i] - post[i][0];
      double m1 = loc[2 * i + 1] - post[i][1];
      double trace = inv[0][0] * s0 + inv[1][1] * s1;
      double quad = inv[0][0] * m0 * m0 + 2 * inv[0][1] * m0 * m1 + inv[1][1] * m1 * m1;
      kl[i] = 0.5 * (trace + quad - 2 + Math.log(det) - Math.log(s0 * s1));
    }
    return kl;
  }
}
