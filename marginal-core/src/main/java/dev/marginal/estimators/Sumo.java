package dev.marginal.estimators;

import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;

/**
 * SUMO ("stochastically unbiased marginalization objective"), an unbiased estimator of log p(x) by Russian
 * roulette over the IWAE sequence. For each point draw 𝒦 ≥ 1 from a {@link SumoTail}, then m + 𝒦 importance samples
 * z_1, z_2, … ~ q(z|x) forming one nested sequence, with prefix bounds {@code IWAE_j = log((1/j) Σ_{i≤j} w_i)} and
 * increments {@code Δ_j = IWAE_{j+1} − IWAE_j}:
 *
 * <pre>
 *   SUMO = IWAE_m + Σ_{k=1..𝒦} Δ_{m+k−1} / P(𝒦 ≥ k)
 * </pre>
 *
 * <p>Bias and variance: {@code E[SUMO] = IWAE_m + Σ_k E[Δ_{m+k−1}] = lim_j E[IWAE_j] = log p(x)}, exactly unbiased
 * because each term is weighted by the inverse probability that it is included and 𝒦 is drawn without a cap
 * ({@link SumoTail#sample}). The cost is random (E = m + 5.08 model evaluations with the default tail). The
 * variance is infinite with the paper's tail, and with any tail of finite E[𝒦] ({@link SumoTail} explains why): a
 * rare large 𝒦 multiplies a small Δ by a weight 1/P(𝒦 ≥ k) that grows geometrically, so a run of draws is
 * typically dominated by one or two such terms and its sample standard error has no stable scale. Report a
 * {@link RobustInterval} instead; a larger m or a better q shrinks the increments (E[Δ_j²] ~ Var(w/p)/j²) and
 * with them the spread. Clip gradients when training on it. {@code exp(SUMO)} is not unbiased for p(x), and SUMO
 * is not a bound: single draws can exceed log p(x).
 *
 * <p>Zero weights: a log-weight of −∞ (w = 0) contributes nothing, as in {@link Iwae}. When every log-weight of a
 * point is −∞ SUMO is −∞; when only the first r ≤ m are, the value is finite (the limit as those log-weights tend
 * to −∞); when the leading run of zero weights reaches past m, the limit of the formula is +∞, and that is returned.
 *
 * <p>Implementation: 𝒦 is drawn per point from {@code pointKeys[i].foldIn(ImportanceSamples.CHOICE_STREAM)}, every
 * point's samples go through the model as one matrix of Σ_i (m + 𝒦_i) rows, and the ragged prefix series is
 * evaluated by one segment primitive in double.
 *
 * <p>Training: the model follows SUMO's gradient; the encoder, which does not change E[SUMO], minimizes the variance
 * through {@link #encoderLoss(Var)}.
 *
 * <p>Reference: Luo et al., "SUMO: Unbiased Estimation of Log Marginal Probability for Latent Variable Models",
 * ICLR 2020.
 */
public final class Sumo implements LogMarginalEstimator {
  /** The default minimum number of terms m. */
  public static final int DEFAULT_MIN_TERMS = 1;

  private final int minTerms;
  private final SumoTail tail;

  private Sumo(int minTerms, SumoTail tail) {
    if (minTerms < 1) {
      throw new IllegalArgumentException("minTerms must be >= 1, got " + minTerms);
    }
    this.minTerms = minTerms;
    this.tail = java.util.Objects.requireNonNull(tail, "tail");
  }

  /** SUMO with {@link #DEFAULT_MIN_TERMS} and the paper's tail. */
  public static Sumo create() {
    return new Sumo(DEFAULT_MIN_TERMS, SumoTail.DEFAULT);
  }

  /** SUMO with m guaranteed terms and the paper's tail. */
  public static Sumo of(int minTerms) {
    return new Sumo(minTerms, SumoTail.DEFAULT);
  }

  /** The same estimator with another tail distribution. */
  public Sumo withTail(SumoTail newTail) {
    return new Sumo(minTerms, newTail);
  }

  /** m. */
  public int minTerms() {
    return minTerms;
  }

  /** The distribution of 𝒦. */
  public SumoTail tail() {
    return tail;
  }

  @Override
  public double expectedSamplesPerPoint() {
    return minTerms + tail.expectedTerms();
  }

  /** The number of extra terms 𝒦_i for each point (what {@link #logMarginal} draws). */
  public int[] sampleExtraTerms(RngKey[] pointKeys) {
    int[] k = new int[pointKeys.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = tail.sample(pointKeys[i].foldIn(ImportanceSamples.CHOICE_STREAM));
    }
    return k;
  }

  @Override
  public Var logMarginal(LatentVariableModel model, Var x, DiagNormal q, RngKey[] pointKeys) {
    int[] extra = sampleExtraTerms(pointKeys);
    int[] counts = new int[extra.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = minTerms + extra[i];
    }
    ImportanceSamples s = ImportanceSamples.draw(model, x, q, counts, pointKeys);
    return fromLogWeights(s.logWeights(), counts);
  }

  /**
   * SUMO from flat log-weights: point i owns the next {@code counts[i] = m + 𝒦_i} entries, in sampling order.
   *
   * @param logWeights shape {@code [Σ counts]}
   * @return shape {@code [counts.length]}
   */
  public Var fromLogWeights(Var logWeights, int[] counts) {
    int[] starts = Segments.starts(counts);
    double[] a = new double[starts[counts.length]];
    for (int i = 0; i < counts.length; i++) {
      int extra = counts[i] - minTerms;
      if (extra < 1) {
        throw new IllegalArgumentException("point " + i + " has " + counts[i] + " samples, needs more than m = "
            + minTerms);
      }
      // Δ_j for j < m is part of IWAE_m (weight 1); Δ_{m+k−1} carries 1 / P(𝒦 ≥ k).
      for (int j = 1; j < minTerms; j++) {
        a[starts[i] + j - 1] = 1.0;
      }
      for (int k = 1; k <= extra; k++) {
        a[starts[i] + minTerms + k - 2] = tail.termWeight(k);
      }
    }
    return Segments.prefixSeries(logWeights, starts, a);
  }

  /**
   * The encoder's objective E[SUMO²] as the batch mean of {@code sumo²}. Since E[SUMO] = log p(x) does not depend on
   * q, minimizing the second moment over q minimizes the estimator's variance.
   *
   * @param sumo per-point SUMO values, shape {@code [B]}
   */
  public static Var encoderLoss(Var sumo) {
    return sumo.square().mean();
  }

  @Override
  public String toString() {
    return "Sumo[m=" + minTerms + ", " + tail + "]";
  }
}
