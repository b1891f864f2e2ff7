package dev.marginal.train;

import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Support;
import dev.marginal.tensor.Tensor;
import dev.marginal.targets.Target;

/**
 * Samples of a reverse-KL surrogate on its target's support. The surrogate LVM lives on ℝ^dim; for a target with
 * bounded {@link Target#support()} its draws y are mapped through the support's bijection, x = T(y), so that the
 * sampler is q_X = T#q_Y with log q_X(x) = log q_Y(y) − log |det J_T(y)|. On ℝ^dim this is the LVM's own sampler.
 */
public final class Surrogates {
  private Surrogates() {}

  /**
   * {@code n} draws of the surrogate for {@code target}, {@code [n, dim]}, every one inside the support.
   *
   * @param key the randomness; the same key gives the same draws
   */
  public static Tensor sample(DeepLvm surrogate, Target target, RngKey key, int n) {
    return onSupport(surrogate.sample(key, n, false), target.support());
  }

  /** Maps draws {@code y} of the LVM ({@code [n, dim]}) onto {@code support}; the identity on ℝ^dim. */
  public static Tensor onSupport(Tensor y, Support support) {
    return support.isReal() ? y : support.bijection().forward(y);
  }
}
