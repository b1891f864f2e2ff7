package dev.marginal.estimators;

import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;

/**
 * The evidence lower bound, estimated with K samples z_k ~ q(z|x):
 * {@code ELBO_K = (1/K) Σ_k log w_k}, {@code log w = log p(x|z) + log p(z) − log q(z|x)}.
 *
 * <p>Bias: {@code E[ELBO] = log p(x) − KL(q(z|x) ‖ p(z|x))}, whatever K; more samples only reduce the variance
 * (as 1/K). With the analytic-KL variant, available when p(z) = N(0, I),
 * {@code ELBO = (1/K) Σ_k log p(x|z_k) − KL(q ‖ N(0, I))}: the same expectation, usually with less variance early
 * in training; near the optimum the Monte Carlo form can be better, because its log p(z) − log q(z) cancels the
 * fluctuations of log p(x|z) (with q the exact posterior every Monte Carlo log-weight equals log p(x)).
 *
 * <p>Reference: Kingma &amp; Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
 */
public final class Elbo implements LogMarginalEstimator {
  /** The default number of samples K. */
  public static final int DEFAULT_SAMPLES = 1;

  private final int numSamples;
  private final boolean analyticKl;

  private Elbo(int numSamples, boolean analyticKl) {
    if (numSamples < 1) {
      throw new IllegalArgumentException("numSamples must be >= 1, got " + numSamples);
    }
    this.numSamples = numSamples;
    this.analyticKl = analyticKl;
  }

  /** A Monte Carlo ELBO with {@link #DEFAULT_SAMPLES} sample. */
  public static Elbo create() {
    return new Elbo(DEFAULT_SAMPLES, false);
  }

  /** A Monte Carlo ELBO with K samples per point. */
  public static Elbo of(int numSamples) {
    return new Elbo(numSamples, false);
  }

  /** The same estimator with the KL term in closed form (the model's prior must be N(0, I)). */
  public Elbo withAnalyticKl(boolean analytic) {
    return new Elbo(numSamples, analytic);
  }

  /** K. */
  public int numSamples() {
    return numSamples;
  }

  /** Whether the KL term is computed in closed form. */
  public boolean analyticKl() {
    return analyticKl;
  }

  @Override
  public double expectedSamplesPerPoint() {
    return numSamples;
  }

  @Override
  public Var logMarginal(LatentVariableModel model, Var x, DiagNormal q, RngKey[] pointKeys) {
    int b = x.value().dim(0);
    if (analyticKl && !model.hasStandardNormalPrior()) {
      throw new IllegalArgumentException("the analytic-KL ELBO needs a standard-normal prior");
    }
    ImportanceSamples s = ImportanceSamples.draw(model, x, q,
        ImportanceSamples.constant(b, numSamples), pointKeys);
    if (analyticKl) {
      return s.logLikelihood().reshape(b, numSamples).mean(1, false).sub(q.klToStandardNormal());
    }
    return s.logWeights().reshape(b, numSamples).mean(1, false);
  }

  @Override
  public String toString() {
    return "Elbo[K=" + numSamples + (analyticKl ? ", analytic KL]" : "]");
  }
}
