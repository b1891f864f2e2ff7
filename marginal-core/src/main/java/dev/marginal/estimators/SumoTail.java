package dev.marginal.estimators;

import dev.marginal.random.RngKey;

/**
 * The distribution of SUMO's number of extra terms 𝒦 ≥ 1, given by its survival function
 *
 * <pre>
 *   P(𝒦 ≥ k) = 1                              k ≤ 1
 *            = 1/k                            1 ≤ k &lt; cutoff
 *            = (1/cutoff) · ratio^(k − cutoff)  k ≥ cutoff
 * </pre>
 *
 * With the defaults (cutoff 80, ratio 0.9, as in Luo et al. 2020) E[𝒦] = H₇₉ + (1/80)/(1 − 0.9) ≈ 5.078: the
 * harmonic part keeps the SUMO estimator's variance finite, the geometric tail keeps the expected cost finite.
 *
 * <p>Sampling is by inverse CDF from exactly this survival function: u ~ U(0, 1], 𝒦 = the largest k with
 * P(𝒦 ≥ k) ≥ u, so P(𝒦 ≥ k) = P(u ≤ P(𝒦 ≥ k)) holds exactly.
 *
 * <p>References: Luo, Beatson, Norouzi, Zhu, Duvenaud, Adams, Chen, "SUMO: Unbiased Estimation of Log Marginal
 * Probability for Latent Variable Models", ICLR 2020.
 *
 * @param cutoff the first k of the geometric tail, ≥ 2
 * @param ratio the tail's decay per term, in (0, 1)
 */
public record SumoTail(int cutoff, double ratio) {
  /** The paper's cutoff. */
  public static final int DEFAULT_CUTOFF = 80;
  /** The paper's tail ratio. */
  public static final double DEFAULT_RATIO = 0.9;
  /** The paper's tail. */
  public static final SumoTail DEFAULT = new SumoTail(DEFAULT_CUTOFF, DEFAULT_RATIO);

  /** Validates the parameters. */
  public SumoTail {
    if (cutoff < 2) {
      throw new IllegalArgumentException("cutoff must be >= 2, got " + cutoff);
    }
    if (!(ratio > 0 && ratio < 1)) {
      throw new IllegalArgumentException("ratio must lie in (0, 1), got " + ratio);
    }
  }

  /** A tail with the given cutoff and ratio. */
  public static SumoTail of(int cutoff, double ratio) {
    return new SumoTail(cutoff, ratio);
  }

  /** P(𝒦 ≥ k). */
  public double survival(int k) {
    if (k <= 1) {
      return 1.0;
    }
    if (k < cutoff) {
      return 1.0 / k;
    }
    return StrictMath.pow(ratio, k - cutoff) / cutoff;
  }

  /** The weight 1 / P(𝒦 ≥ k) of SUMO's k-th extra term. */
  public double termWeight(int k) {
    return 1.0 / survival(k);
  }

  /** Draws 𝒦 from {@code key} (one uniform in (0, 1]). */
  public int sample(RngKey key) {
    return inverseSurvival(key.uniformOpen());
  }

  /** The largest k with P(𝒦 ≥ k) ≥ u, for u ∈ (0, 1]. */
  public int inverseSurvival(double u) {
    if (!(u > 0 && u <= 1)) {
      throw new IllegalArgumentException("u must lie in (0, 1], got " + u);
    }
    int k;
    if (u > 1.0 / cutoff) {
      k = (int) Math.min(cutoff - 1, Math.floor(1.0 / u));
    } else {
      k = cutoff + (int) Math.floor(StrictMath.log(u * cutoff) / StrictMath.log(ratio));
    }
    // The closed forms can be off by one where u sits on a boundary up to rounding; settle it on the definition.
    while (k > 1 && survival(k) < u) {
      k--;
    }
    while (survival(k + 1) >= u) {
      k++;
    }
    return Math.max(k, 1);
  }

  /** E[𝒦] = Σ_{k≥1} P(𝒦 ≥ k) = H_{cutoff−1} + (1/cutoff)/(1 − ratio). */
  public double expectedTerms() {
    double h = 0;
    for (int k = 1; k < cutoff; k++) {
      h += 1.0 / k;
    }
    return h + 1.0 / cutoff / (1 - ratio);
  }

  /** Var[𝒦] = Σ_{k≥1} (2k − 1) P(𝒦 ≥ k) − E[𝒦]², summed until the tail is below 1e-15. */
  public double varianceOfTerms() {
    double second = 0;
    for (int k = 1;; k++) {
      double s = survival(k);
      second += (2.0 * k - 1) * s;
      if (k > cutoff && (2.0 * k - 1) * s < 1e-15) {
        break;
      }
    }
    double mean = expectedTerms();
    return second - mean * mean;
  }
}
