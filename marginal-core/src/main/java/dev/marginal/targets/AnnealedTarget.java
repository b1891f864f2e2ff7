package dev.marginal.targets;

import dev.marginal.autodiff.Var;

/**
 * A target tempered towards a broad Gaussian, the geometric path of annealed importance sampling (Neal 2001):
 *
 * <pre>
 *   log p̃_β(x) = β·log p̃(x) + (1 − β)·log N(x; 0, s²I),   β ∈ [0, 1]
 * </pre>
 *
 * At β = 1 it is the target itself; at β = 0 it is the normalized Gaussian N(0, s²I); in between, the target's
 * barriers between modes are lowered by the factor β while the Gaussian keeps the density integrable (plain
 * p̃^β, as used by Rezende &amp; Mohamed 2015, §6.1, need not be integrable, for example on the box targets
 * pulled back to ℝ^dim). A reverse-KL surrogate trained on a rising β sees many modes early, when they are close
 * in log density, before the target sharpens (annealed variational objectives: Huang et al. 2018, "Improving
 * explorability in variational inference with annealed variational objectives"). The normalizer of p̃_β is not
 * known in general, so {@link #logZ()} is the default (unknown) except at the endpoints.
 */
public final class AnnealedTarget implements Target {
  private final Target target;
  private final double beta;
  private final double scale;

  private AnnealedTarget(Target target, double beta, double scale) {
    this.target = target;
    this.beta = beta;
    this.scale = scale;
  }

  /**
   * The tempered {@code target}.
   *
   * @param beta the inverse temperature, in [0, 1]
   * @param scale s, the standard deviation of the Gaussian reference, positive and finite
   */
  public static AnnealedTarget of(Target target, double beta, double scale) {
    if (!(beta >= 0 && beta <= 1)) {
      throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
    }
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("the reference scale must be positive and finite, got " + scale);
    }
    return new AnnealedTarget(target, beta, scale);
  }

  /** log N(x; 0, s²I) for each row of {@code x}, {@code [n]}. */
  public static Var referenceLogDensity(Var x, double scale) {
    int d = x.shape()[1];
    double logNorm = -0.5 * d * Math.log(2 * Math.PI) - d * Math.log(scale);
    return x.mul((float) (1 / scale)).square().sum(1, false).mul(-0.5f).add((float) logNorm);
  }

  public Target target() {
    return target;
  }

  public double beta() {
    return beta;
  }

  public double scale() {
    return scale;
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
  public Support support() {
    return target.support();
  }

  @Override
  public Var logDensity(Var x) {
    if (beta == 1) {
      return target.logDensity(x);
    }
    Var reference = referenceLogDensity(x, scale);
    if (beta == 0) {
      return reference;
    }
    return target.logDensity(x).mul((float) beta).add(reference.mul((float) (1 - beta)));
  }

  @Override
  public java.util.OptionalDouble logZ() {
    return beta == 1 ? target.logZ()
        : beta == 0 && support().isReal() ? java.util.OptionalDouble.of(0) : java.util.OptionalDouble.empty();
  }

  @Override
  public double[] box() {
    return target.box();
  }

  @Override
  public String toString() {
    return name() + " at β = " + beta;
  }
}
