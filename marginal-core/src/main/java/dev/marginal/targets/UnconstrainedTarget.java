package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.OptionalDouble;

/**
 * A target with bounded support pulled back to ℝ^dim through its support's bijection T:
 *
 * <pre>
 *   log p̃_Y(y) = log p̃(T(y)) + log |det J_T(y)|
 * </pre>
 *
 * By the change of variables ∫ p̃_Y dy = ∫ p̃ dx, so log Z is unchanged, and for a surrogate q_Y on ℝ^dim pushed
 * forward to q_X = T#q_Y, KL(q_Y ‖ p_Y) = KL(q_X ‖ p_X): training and scoring a surrogate on ℝ^dim against this
 * target is training and scoring the pushed-forward surrogate against the original one (the unconstraining of Stan
 * and NumPyro). Exact samples are the original's mapped through T⁻¹. The entropy differs from the original's by
 * E[log |det J_T|] and is not reported.
 */
public final class UnconstrainedTarget implements Target {
  private final Target target;
  private final SupportBijection bijection;

  private UnconstrainedTarget(Target target) {
    this.target = target;
    this.bijection = target.support().bijection();
  }

  /** The pull-back of {@code target}, or {@code target} itself when its support is already ℝ^dim. */
  public static Target of(Target target) {
    if (target.support().dim() != target.dim()) {
      throw new IllegalArgumentException("target " + target.name() + " is " + target.dim()
          + "-D but declares a " + target.support().dim() + "-D support");
    }
    return target.support().isReal() ? target : new UnconstrainedTarget(target);
  }

  /** The original target on its support. */
  public Target original() {
    return target;
  }

  /** The bijection T from ℝ^dim onto the original's support. */
  public SupportBijection bijection() {
    return bijection;
  }

  @Override
  public String name() {
    return target.name();
  }

  @Override
  public int dim() {
    return target.dim();
  }

  @Override
  public Var logDensity(Var y) {
    return target.logDensity(bijection.forward(y)).add(bijection.logAbsDetJacobian(y));
  }

  @Override
  public OptionalDouble logZ() {
    return target.logZ();
  }

  @Override
  public boolean hasSampler() {
    return target.hasSampler();
  }

  /** The original's exact samples mapped through T⁻¹. */
  @Override
  public Tensor sample(RngKey key, int n) {
    return bijection.inverse(target.sample(key, n));
  }

  @Override
  public String toString() {
    return name() + " on ℝ^" + dim();
  }
}
