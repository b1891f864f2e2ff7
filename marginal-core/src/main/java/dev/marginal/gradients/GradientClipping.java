package dev.marginal.gradients;

import dev.marginal.autodiff.Parameter;
import java.util.List;

/**
 * Clipping of accumulated gradients by their global L2 norm over a list of parameters: if
 * {@code ‖g‖ = √(Σ_p Σ_i g_{p,i}²) > maxNorm}, every gradient is scaled by {@code maxNorm / ‖g‖}, which keeps the
 * direction. Heavy-tailed estimators such as SUMO need it: a rare large draw otherwise dominates a step.
 * Non-finite gradients are left untouched and reported through the returned norm (NaN or ∞).
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** The global L2 norm of the parameters' accumulated gradients, in double. */
  public static double globalNorm(List<Parameter> parameters) {
    double s = 0;
    for (Parameter p : parameters) {
      for (float g : p.gradBuffer()) {
        s += (double) g * g;
      }
    }
    return Math.sqrt(s);
  }

  /**
   * Scales the gradients in place so that their global norm is at most {@code maxNorm}.
   *
   * @param maxNorm the largest allowed norm, &gt; 0
   * @return the norm before clipping
   */
  public static double clipByGlobalNormInPlace(List<Parameter> parameters, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
    }
    double norm = globalNorm(parameters);
    if (norm > maxNorm && Double.isFinite(norm)) {
      float scale = (float) (maxNorm / norm);
      for (Parameter p : parameters) {
        float[] g = p.gradBuffer();
        for (int i = 0; i < g.length; i++) {
          g[i] *= scale;
        }
      }
    }
    return norm;
  }
}
