package dev.marginal.estimators;

import java.util.Arrays;

/**
 * The Pareto k̂ of PSIS (Vehtari, Simpson, Gelman, Yao, Gabry 2024): the shape of a generalized Pareto distribution
 * fitted to the largest importance weights. With n weights, the tail is the M = ⌈min(n/5, 3√n)⌉ largest (those
 * strictly above the (M+1)-th largest, the cutoff u), shifted to {@code w − u}, and the shape is the
 * Zhang &amp; Stephens (2009) empirical-Bayes estimate with the weak prior of PSIS:
 *
 * <pre>
 *   θ_j = 1/x_(M) + (1 − √(J/(j − ½))) / (3·x_(⌊M/4 + ½⌋)),  j = 1..J,  J = 30 + ⌊√M⌋
 *   k(θ) = mean_i log(1 − θ x_i),   ℓ(θ) = M·(log(−θ/k(θ)) − k(θ) − 1)
 *   θ̂ = Σ_j θ_j e^{ℓ(θ_j)} / Σ_j e^{ℓ(θ_j)} (terms with normalized weight below 10·2⁻⁵² dropped)
 *   k̂ = (M·k(θ̂) + 10·½) / (M + 10)
 * </pre>
 *
 * k̂ estimates how many moments the weights have (1/k̂ of them): above 0.7 the importance-sampling estimate is not to
 * be trusted (its error decays too slowly for any practical n); 0.5–0.7 is slow, below 0.5 fine. Fewer than 5 tail
 * weights (n &lt; 25) give NaN. Weights are handled in log space and shifted by their maximum before exponentiating,
 * as in ArviZ, so the estimate does not depend on the weights' scale.
 *
 * <p>References: Zhang &amp; Stephens, "A new and efficient estimation method for the generalized Pareto
 * distribution", Technometrics 2009; Vehtari et al., "Pareto smoothed importance sampling", JMLR 2024. The
 * computation follows ArviZ 0.23.4 ({@code arviz.stats.psislw}), whose values the tests pin.
 */
final class ParetoTail {
  /** The prior strength of the Zhang–Stephens grid (ArviZ's {@code prior_bs}). */
  private static final double PRIOR_SCALE = 3;
  /** The weak prior on k: {@code prior_k} pseudo-observations at k = ½. */
  private static final double PRIOR_COUNT = 10;
  /** The smallest tail length that is fitted. */
  static final int MIN_TAIL = 5;

  private ParetoTail() {}

  /** The tail length M = ⌈min(n/5, 3√n)⌉. */
  static int tailLength(int n) {
    return (int) Math.ceil(Math.min(n / 5.0, 3 * StrictMath.sqrt(n)));
  }

  /** k̂ of the weights {@code exp(logWeights[from..to))}; NaN when the tail has fewer than 5 weights. */
  static double khat(float[] logWeights, int from, int to) {
    int n = to - from;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = logWeights[from + i];
    }
    return khat(x);
  }

  /** k̂ of the weights {@code exp(logWeights)} (the array is not modified). */
  static double khat(double[] logWeights) {
    int n = logWeights.length;
    double[] x = logWeights.clone();
    Arrays.sort(x);
    double max = x[n - 1];
    if (n < 2 || max == Double.NEGATIVE_INFINITY || Double.isNaN(max) || max == Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    int cutoffIndex = n - tailLength(n) - 1;
    if (cutoffIndex < 0) {
      return Double.NaN;
    }
    // The cutoff, floored at log of the smallest normal double as in ArviZ.
    double cutoff = Math.max(x[cutoffIndex] - max, StrictMath.log(Double.MIN_NORMAL));
    double expCutoff = StrictMath.exp(cutoff);
    int start = n;
    while (start > 0 && x[start - 1] - max > cutoff) {
      start--;
    }
    int m = n - start;
    if (m < MIN_TAIL) {
      return Double.NaN;
    }
    double[] tail = new double[m];
    for (int i = 0; i < m; i++) {
      tail[i] = StrictMath.exp(x[start + i] - max) - expCutoff;
    }
    return gpdShape(tail);
  }

  /**
   * The Zhang–Stephens estimate of the generalized Pareto shape, with the weak prior.
   *
   * @param x the exceedances, sorted ascending, all &gt; 0
   */
  static double gpdShape(double[] x) {
    int m = x.length;
    int grid = 30 + (int) StrictMath.sqrt(m);
    double[] theta = new double[grid];
    double[] logLik = new double[grid];
    double quartile = x[(int) (m / 4.0 + 0.5) - 1];
    for (int j = 0; j < grid; j++) {
      theta[j] = 1 / x[m - 1] + (1 - StrictMath.sqrt(grid / (j + 0.5))) / (PRIOR_SCALE * quartile);
      double k = meanLog1p(x, theta[j]);
      logLik[j] = m * (StrictMath.log(-theta[j] / k) - k - 1);
    }
    // Normalized weights 1 / Σ_i exp(ℓ_i − ℓ_j); negligible ones dropped before renormalizing (as in ArviZ).
    double[] weight = new double[grid];
    double total = 0;
    for (int j = 0; j < grid; j++) {
      double s = 0;
      for (int i = 0; i < grid; i++) {
        s += StrictMath.exp(logLik[i] - logLik[j]);
      }
      weight[j] = 1 / s;
      if (weight[j] < 10 * Math.ulp(1.0)) {
        weight[j] = 0;
      }
      total += weight[j];
    }
    double thetaHat = 0;
    for (int j = 0; j < grid; j++) {
      thetaHat += theta[j] * weight[j] / total;
    }
    double k = meanLog1p(x, thetaHat);
    return (m * k + PRIOR_COUNT * 0.5) / (m + PRIOR_COUNT);
  }

  /** mean_i log(1 − θ x_i). */
  private static double meanLog1p(double[] x, double theta) {
    double s = 0;
    for (double v : x) {
      s += StrictMath.log1p(-theta * v);
    }
    return s / x.length;
  }
}
