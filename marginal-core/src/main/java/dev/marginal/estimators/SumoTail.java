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
 * geometric tail keeps the expected cost finite.
 *
 * <p>Variance: the cost of a finite E[𝒦] is an estimator with infinite variance. SUMO's variance is
 * {@code Σ_k E[Δ_k²] / P(𝒦 ≥ k)} (the increments are nearly uncorrelated), and along one nested sequence
 * {@code E[Δ_k²] ≈ Var(w/p(x)) / (k(k+1))}: the harmonic part contributes {@code ≈ Var(w/p)·Σ 1/(k+1)}, which grows
 * like log(cutoff), and the geometric part {@code Σ ratio^(cutoff−k)/k²}, which diverges. By Cauchy–Schwarz no
 * survival function gives both a finite variance and a finite E[𝒦] when E[Δ_k²] ~ 1/k². Even E|SUMO| diverges
 * with a geometric tail (like log log t in the size t of the largest value), so a sample mean of SUMO draws
 * converges to log p(x) only in probability (the weak law holds since {@code t·P(|SUMO| > t) → 0}), and its sample
 * standard error is not a reliable error bar: use {@link RobustInterval} or a bound from both sides.
 *
 * <p>Sampling is exact, without a cap on 𝒦: u ~ U(0, 1]; when u &gt; P(𝒦 ≥ k*), with k* the first k whose
 * P(𝒦 ≥ k) ≤ 2⁻⁴⁰ ({@link #deepStart()}, 302 with the defaults), 𝒦 = the largest k with P(𝒦 ≥ k) ≥ u (the inverse
 * CDF); otherwise 𝒦 = k* + G with G geometric, {@code P(G ≥ g) = ratio^g}, drawn by blocks of
 * {@link #geometricBlock()} terms from further uniforms (memorylessness: with probability ratio^B the excess is at
 * least B and the draw continues afresh). Each uniform lies on a 2⁻⁵³ grid, so each P(𝒦 ≥ k) is met up to an absolute
 * error below 2⁻⁵³. A single inverse-CDF uniform would instead cap 𝒦 at the k where P(𝒦 ≥ k) &lt; 2⁻⁵³ (387 with the
 * defaults), making SUMO unbiased for IWAE_{m+387} rather than log p(x).
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

  /**
   * Draws 𝒦 from {@code key}: one uniform in (0, 1] from {@code key}, and beyond {@link #deepStart()} further
   * uniforms from {@code key.foldIn(1)}, {@code key.foldIn(2)}, …. 𝒦 has no upper limit.
   */
  public int sample(RngKey key) {
    double u = key.uniformOpen();
    int deep = deepStart();
    if (u > survival(deep)) {
      return inverseSurvival(u);
    }
    return deep + geometricExcess(j -> key.foldIn(j).uniformOpen());
  }

  /** The probability below which {@link #sample} leaves the inverse CDF for the block draw. */
  static final double DEEP_TAIL = 0x1p-40;

  /** k*: the first k ≥ cutoff with P(𝒦 ≥ k) ≤ 2⁻⁴⁰, where sampling switches to the block draw. */
  public int deepStart() {
    int extra = (int) Math.floor(StrictMath.log(DEEP_TAIL * cutoff) / StrictMath.log(ratio));
    int k = cutoff + Math.max(0, extra - 1);
    while (survival(k) > DEEP_TAIL) {
      k++;
    }
    return k;
  }

  /** Supplies the j-th uniform in (0, 1], j = 1, 2, …. */
  @FunctionalInterface
  interface Uniforms {
    double get(long j);
  }

  /** The block length B of the geometric draw: ratio^B ≈ 2⁻²⁰, far above the 2⁻⁵³ grid of the uniforms. */
  int geometricBlock() {
    return (int) Math.max(1, Math.floor(-20 * StrictMath.log(2) / StrictMath.log(ratio)));
  }

  /** G ≥ 0 with P(G ≥ g) = ratio^g, from uniforms u_1, u_2, … (one per block of {@link #geometricBlock()}). */
  int geometricExcess(Uniforms uniforms) {
    return geometricExcess(uniforms, geometricBlock());
  }

  /** As {@link #geometricExcess(Uniforms)} with blocks of {@code block} terms (any block ≥ 1 gives the same law). */
  int geometricExcess(Uniforms uniforms, int block) {
    double blockSurvival = StrictMath.pow(ratio, block);
    int g = 0;
    for (long j = 1;; j++) {
      double u = uniforms.get(j);
      if (u <= blockSurvival) {
        g = Math.addExact(g, block);
        continue;
      }
      // The largest e < B with ratio^e ≥ u; the closed form settled on the definition.
      int e = (int) Math.min(block - 1, Math.floor(StrictMath.log(u) / StrictMath.log(ratio)));
      while (e > 0 && StrictMath.pow(ratio, e) < u) {
        e--;
      }
      while (e + 1 < block && StrictMath.pow(ratio, e + 1) >= u) {
        e++;
      }
      return g + e;
    }
  }

  /**
   * The largest k with P(𝒦 ≥ k) ≥ u, for u ∈ (0, 1]: the inverse CDF from one uniform. {@link #sample} uses it
   * only above 2⁻⁴⁰, since on a 2⁻⁵³ grid of u it could never exceed the k where P(𝒦 ≥ k) &lt; 2⁻⁵³.
   */
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
