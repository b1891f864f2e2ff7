package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.targets.Target;

/**
 * The importance-weighted forward KL, a counter to mode collapse for targets of low dimension: for the first
 * {@code fraction} of the iterations the surrogate q is fitted by maximum likelihood to points drawn approximately
 * from the target, KL(p ‖ q) = E_p[log p(x) − log q(x)], instead of by the reverse KL.
 *
 * <p>Each such step draws {@code proposals} points y_i from a broad Gaussian g = N(c, diag(s²)) in the surrogate's
 * space, weights them by w_i ∝ p̃(y_i) / g(y_i) (self-normalized importance sampling, so the unknown log Z cancels),
 * resamples the step's batch from the w_i (systematic resampling; Douc, Cappé &amp; Moulines 2005), and takes a
 * step on −mean IWAE_K log q(x) over the batch, for decoder and encoder alike: the maximum-likelihood step of
 * {@code fit} on data drawn from p. The resampled points are exact draws from p only as the number of
 * proposals grows; at a finite number they are biased towards g, and the forward KL needs g to cover p, which a
 * fixed Gaussian does only in few dimensions: the effective sample size of the weights falls exponentially with
 * the dimension (the weights' ESS is reported by {@link ImportanceResampling}). Forward KL covers every mode that g
 * reaches, where reverse KL, mode-seeking, collapses (39 or 40 of the 40-mode mixture's modes against 3 or 4:
 * BENCHMARKS.md); its fits leak some mass between modes, which reverse KL would penalize. Related: the α = 2
 * divergence with AIS of Midgley et al. (2023, "Flow annealed importance sampling bootstrap") and the
 * importance-weighted forward objectives of Bornschein &amp; Bengio (2015, reweighted wake-sleep).
 *
 * <p>The batch size and K of the step are the run's {@link ReverseKlOptions#batchSize()} and
 * {@link ReverseKlOptions#numSamples()}; the optimizers and their schedule are the run's. After the forward
 * phase the run continues by reverse KL.
 *
 * @param fraction share of the iterations, from the first, spent on the forward KL, in [0, 1]; 0 = off
 * @param proposals proposal draws per step, in [1, {@link #MAX_PROPOSALS}]
 * @param scale the proposal's standard deviation s in every coordinate; 0 = automatic ({@link #scalesFor})
 */
public record ForwardKl(double fraction, int proposals, double scale) {
  /** Proposal draws per step by default. */
  public static final int DEFAULT_PROPOSALS = 1024;
  /** Most proposal draws per step (each holds a point of the target's dimension). */
  public static final int MAX_PROPOSALS = 1 << 20;
  /** Off. */
  public static final ForwardKl NONE = new ForwardKl(0, DEFAULT_PROPOSALS, 0);
  /**
   * Standard deviation of the automatic proposal on a bounded coordinate, in the unconstrained space: a box's
   * uniform distribution pulls back to a logistic of standard deviation π/√3 ≈ 1.8, which N(0, 3²) covers.
   */
  public static final double BOUNDED_SCALE = 3;
  /** The automatic proposal's standard deviation as a share of the plot box's half-width. */
  public static final double BOX_SHARE = 0.75;

  public ForwardKl {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw ParameterException.of("forwardFraction", "must be in [0, 1] (0 = off), got " + fraction);
    }
    if (proposals < 1 || proposals > MAX_PROPOSALS) {
      throw ParameterException.of("forwardProposals", "must be in [1, " + MAX_PROPOSALS + "], got " + proposals);
    }
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw ParameterException.of("forwardScale", "must be >= 0 and finite (0 = automatic), got " + scale);
    }
    ParameterException.float32("forwardScale", scale);
  }

  /** The forward KL over the first {@code fraction} of the run, with the default proposals. */
  public static ForwardKl over(double fraction) {
    return new ForwardKl(fraction, DEFAULT_PROPOSALS, 0);
  }

  /** Whether any step uses the forward KL. */
  public boolean active() {
    return fraction > 0;
  }

  /** Whether step {@code step} of a run of {@code iterations} steps uses the forward KL. */
  public boolean appliesAt(long step, long iterations) {
    return active() && step < fraction * iterations;
  }

  /**
   * The proposal's centre for the density the trainer fits: on a coordinate where {@code original}'s support is
   * ℝ, the middle of its plot box for the first two coordinates and 0 beyond; 0 on a bounded coordinate (the
   * middle of a box after its pull-back).
   */
  public double[] centresFor(Target original) {
    int d = original.dim();
    double[] c = new double[d];
    double[] box = original.box();
    for (int j = 0; j < Math.min(2, d); j++) {
      if (unbounded(original, j)) {
        c[j] = (box[2 * j] + box[2 * j + 1]) / 2;
      }
    }
    return c;
  }

  /**
   * The proposal's standard deviations for the density the trainer fits: {@code scale} everywhere when set;
   * otherwise, on a coordinate where the support is ℝ, {@value #BOX_SHARE} of the plot box's half-width for the
   * first two coordinates and of its larger half-width beyond (3 on [−4, 4]², 36 for the 40-mode mixture on
   * [−48, 48]²), and {@value #BOUNDED_SCALE} on a bounded coordinate's unconstrained scale.
   */
  public double[] scalesFor(Target original) {
    int d = original.dim();
    double[] s = new double[d];
    double[] box = original.box();
    double wide = Math.max(box[1] - box[0], box[3] - box[2]) / 2;
    for (int j = 0; j < d; j++) {
      if (scale > 0) {
        s[j] = scale;
      } else if (!unbounded(original, j)) {
        s[j] = BOUNDED_SCALE;
      } else {
        s[j] = BOX_SHARE * (j < 2 ? (box[2 * j + 1] - box[2 * j]) / 2 : wide);
      }
    }
    return s;
  }

  private static boolean unbounded(Target t, int j) {
    return t.support().lower(j) == Double.NEGATIVE_INFINITY && t.support().upper(j) == Double.POSITIVE_INFINITY;
  }
}
