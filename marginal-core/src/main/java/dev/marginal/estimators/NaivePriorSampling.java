package dev.marginal.estimators;

import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;

/**
 * Simple Monte Carlo from the prior: {@code log((1/K) Σ_k p(x|z_k))}, z_k ~ p(z). Importance sampling with q = p(z),
 * so also a lower bound in expectation and consistent as K → ∞, but the weights p(x|z_k) concentrate on a
 * vanishing fraction of prior draws as the latent dimension grows: it needs exponentially many samples and is a
 * baseline that shows why a proposal q(z|x) is needed. The proposal passed in is ignored.
 *
 * <p>Point i's prior draws come from {@code pointKeys[i].foldIn(ImportanceSamples.NOISE_STREAM)}.
 */
public final class NaivePriorSampling implements LogMarginalEstimator {
  private final int numSamples;

  private NaivePriorSampling(int numSamples) {
    if (numSamples < 1) {
      throw new IllegalArgumentException("numSamples must be >= 1, got " + numSamples);
    }
    this.numSamples = numSamples;
  }

  /** K prior samples per point. */
  public static NaivePriorSampling of(int numSamples) {
    return new NaivePriorSampling(numSamples);
  }

  @Override
  public double expectedSamplesPerPoint() {
    return numSamples;
  }

  @Override
  public Var logMarginal(LatentVariableModel model, Var x, DiagNormal q, RngKey[] pointKeys) {
    int b = x.value().dim(0);
    Tensor[] parts = new Tensor[b];
    for (int i = 0; i < b; i++) {
      parts[i] = model.samplePrior(pointKeys[i].foldIn(ImportanceSamples.NOISE_STREAM), numSamples);
    }
    Var z = x.tape().constant(Tensor.concat(0, parts));
    Var xRows = x.gather(ImportanceSamples.repeatIndex(ImportanceSamples.constant(b, numSamples)));
    return model.logLikelihood(xRows, z).reshape(b, numSamples).logMeanExp(1, false);
  }

  @Override
  public String toString() {
    return "NaivePriorSampling[K=" + numSamples + "]";
  }
}
