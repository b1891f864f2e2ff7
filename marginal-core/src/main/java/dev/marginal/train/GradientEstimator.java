package dev.marginal.train;

import java.util.Locale;

/**
 * How the encoder's gradient is estimated when training on IWAE: by reparameterization (backpropagating the bound),
 * by DReG (doubly reparameterized, Tucker et al. 2018: lower variance for large K), or by the score function with
 * VIMCO's leave-one-out baseline (Mnih &amp; Rezende 2016: what discrete latents need; high variance).
 */
public enum GradientEstimator {
  REPARAM, DREG, SCORE;

  public static GradientEstimator parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown gradient estimator '" + s + "' (expected reparam, dreg or score)");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
