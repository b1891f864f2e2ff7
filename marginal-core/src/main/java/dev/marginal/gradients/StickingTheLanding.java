package dev.marginal.gradients;

import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.estimators.LatentVariableModel;
import dev.marginal.random.RngKey;

/**
 * "Sticking the landing" (STL): the reparameterized ELBO gradient with the score term dropped, by evaluating
 * log q(z|x) with q's parameters held constant (gradients still flow through z). The dropped term has expectation
 * zero, so the estimator stays unbiased, and its variance goes to zero as q approaches the exact posterior.
 *
 * <p>Reference: Roeder, Wu, Duvenaud, "Sticking the Landing: Simple, Lower-Variance Gradient Estimators for
 * Variational Inference", NeurIPS 2017.
 */
public final class StickingTheLanding {
  private StickingTheLanding() {}

  /**
   * The surrogate {@code mean_{i,k} [log p(x_i, z_ik) − log q_{stop}(z_ik|x_i)]}; its value equals the ELBO with
   * K samples, its gradient is the STL estimate. Maximize it.
   *
   * @param x shape {@code [B, D]}
   * @param q proposal, shape {@code [B, d]}
   * @param numSamples K ≥ 1
   */
  public static Var elboSurrogate(LatentVariableModel model, Var x, DiagNormal q, int numSamples,
      RngKey[] pointKeys) {
    int[] counts = new int[x.value().dim(0)];
    java.util.Arrays.fill(counts, numSamples);
    return ImportanceSamples.draw(model, x, q, counts, pointKeys, true).logWeights().mean();
  }
}
