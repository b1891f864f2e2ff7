package dev.marginal.estimators;

import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;

/**
 * The importance-weighted bound with K samples z_k ~ q(z|x):
 * {@code IWAE_K = log((1/K) Σ_k w_k) = logsumexp_k(log w_k) − log K}, computed max-shifted.
 *
 * <p>Bias: a lower bound in expectation, {@code E[ELBO] = E[IWAE_1] ≤ E[IWAE_K] ≤ E[IWAE_{K+1}] ≤ log p(x)}, with
 * {@code log p(x) − E[IWAE_K] ≈ Var(w)/(2K p(x)²)} for large K, so the gap shrinks like 1/K. Its gradient
 * (backpropagating this value) weights each ∇ log w_k by the self-normalized weight
 * {@code w̃_k = w_k / Σ_j w_j}, held constant.
 *
 * <p>Reference: Burda, Grosse, Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016.
 */
public final class Iwae implements LogMarginalEstimator {
  private final int numSamples;

  private Iwae(int numSamples) {
    if (numSamples < 1) {
      throw new IllegalArgumentException("numSamples must be >= 1, got " + numSamples);
    }
    this.numSamples = numSamples;
  }

  /** IWAE with K samples per point. */
  public static Iwae of(int numSamples) {
    return new Iwae(numSamples);
  }

  /** K. */
  public int numSamples() {
    return numSamples;
  }

  @Override
  public double expectedSamplesPerPoint() {
    return numSamples;
  }

  @Override
  public Var logMarginal(LatentVariableModel model, Var x, DiagNormal q, RngKey[] pointKeys) {
    int b = x.value().dim(0);
    ImportanceSamples s = ImportanceSamples.draw(model, x, q,
        ImportanceSamples.constant(b, numSamples), pointKeys);
    return fromLogWeights(s.logWeights().reshape(b, numSamples));
  }

  /** {@code logsumexp(log w) − log K} over the last axis of {@code [B, K]} log-weights; shape {@code [B]}. */
  public static Var fromLogWeights(Var logWeights) {
    return logWeights.logMeanExp(-1, false);
  }

  @Override
  public String toString() {
    return "Iwae[K=" + numSamples + "]";
  }
}
