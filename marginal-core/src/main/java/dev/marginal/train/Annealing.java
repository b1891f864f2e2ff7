package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.targets.AnnealedTarget;
import dev.marginal.targets.Target;

/**
 * Annealing of a reverse-KL target, a counter to mode collapse: the surrogate is trained against the tempered
 * target {@link AnnealedTarget} log p̃_β(x) = β·log p̃(x) + (1 − β)·log N(x; 0, s²I), with β rising linearly from
 * {@code startBeta} to 1 over the first {@code fraction} of the iterations and 1 after:
 *
 * <pre>
 *   β(t) = min(1, β₀ + (1 − β₀)·t / (fraction·T))     for steps t = 0, 1, ..., T − 1
 * </pre>
 *
 * The linear rise from β₀ = 0.01 is the schedule Rezende &amp; Mohamed (2015, §6.1) used for their U1–U4 energies
 * (β_t = min(1, 0.01 + t/10⁴)); the Gaussian reference makes every intermediate density integrable, the geometric
 * path of annealed importance sampling (Neal 2001). Annealed variational objectives: Huang et al. (2018).
 *
 * <p>The tempering applies to the density the trainer fits: for a target with bounded support that is its pull-back
 * to ℝ^dim, so there the reference is a Gaussian on the unconstrained coordinates. Evaluations always use the
 * original target. A run that is resumed with a different number of iterations follows the schedule of the new
 * length, as the learning-rate schedule does.
 *
 * @param fraction share of the iterations over which β rises, in [0, 1]; 0 = no annealing (β = 1 throughout)
 * @param startBeta β at step 0, in (0, 1]
 * @param scale s, the reference's standard deviation; 0 = automatic ({@link #scaleFor})
 */
public record Annealing(double fraction, double startBeta, double scale) {
  /** β at step 0 by default, Rezende &amp; Mohamed's. */
  public static final double DEFAULT_START_BETA = 0.01;
  /** No annealing. */
  public static final Annealing NONE = new Annealing(0, DEFAULT_START_BETA, 0);

  public Annealing {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw ParameterException.of("annealFraction", "must be in [0, 1] (0 = no annealing), got " + fraction);
    }
    if (!(startBeta > 0 && startBeta <= 1)) {
      throw ParameterException.of("annealStartBeta", "must be in (0, 1], got " + startBeta);
    }
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw ParameterException.of("annealScale", "must be >= 0 and finite (0 = automatic), got " + scale);
    }
    ParameterException.float32("annealScale", scale);
  }

  /** Annealing over {@code fraction} of the run from β₀ = 0.01 with the automatic reference scale. */
  public static Annealing over(double fraction) {
    return new Annealing(fraction, DEFAULT_START_BETA, 0);
  }

  /** Whether β ever differs from 1. */
  public boolean active() {
    return fraction > 0 && startBeta < 1;
  }

  /** β at step {@code step} of a run of {@code iterations} steps (the formula in the class doc). */
  public double beta(long step, long iterations) {
    if (!active()) {
      return 1;
    }
    double span = fraction * iterations;
    if (!(step < span)) {
      return 1;
    }
    return Math.min(1, startBeta + (1 - startBeta) * (step / span));
  }

  /**
   * The reference's standard deviation for the density the trainer fits: {@code scale} when set; otherwise half of
   * the largest half-width of {@code original}'s plot box when its support is ℝ^dim (so that N(0, s²I) spans
   * where the target's mass is drawn: 24 for the 40-mode mixture on [−48, 48]², 2 on [−4, 4]²), and 1 on the
   * unconstrained coordinates of a target with bounded support.
   */
  public double scaleFor(Target original) {
    if (scale > 0) {
      return scale;
    }
    if (!original.support().isReal()) {
      return 1;
    }
    double[] b = original.box();
    return Math.max(Math.max(-b[0], b[1]), Math.max(-b[2], b[3])) / 2;
  }
}
