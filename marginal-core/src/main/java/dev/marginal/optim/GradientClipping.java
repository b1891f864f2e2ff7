package dev.marginal.optim;

import dev.marginal.autodiff.Parameter;
import java.util.List;

/**
 * Clipping of accumulated gradients by their global L2 norm (Pascanu et al. 2013). SUMO's estimator is
 * heavy-tailed, so its training benefits from a norm bound.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** The global L2 norm of the parameters' gradients, accumulated in double. */
  public static double globalNorm(List<Parameter> params) {
    double s = 0;
    for (Parameter p : params) {
      for (float g : p.gradBuffer()) {
        s += (double) g * g;
      }
    }
    return Math.sqrt(s);
  }

  /**
   * Scales all gradients by {@code min(1, maxNorm / norm)}.
   *
   * @return the norm before clipping (NaN or ∞ if some gradient is not finite; gradients are then left as is)
   */
  public static double clipByGlobalNormInPlace(List<Parameter> params, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
    }
    double norm = globalNorm(params);
    if (Double.isFinite(norm) && norm > maxNorm) {
      float scale = (float) (maxNorm / norm);
      for (Parameter p : params) {
        float[] g = p.gradBuffer();
        for (int i = 0; i < g.length; i++) {
          g[i] *= scale;
        }
      }
    }
    return norm;
  }
}
