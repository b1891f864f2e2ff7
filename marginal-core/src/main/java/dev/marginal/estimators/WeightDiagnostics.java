package dev.marginal.estimators;

/**
 * How trustworthy one point's importance-weighted estimate is, from its n log-weights log w_1..log w_n:
 *
 * <pre>
 *   ESS = (Σ w_i)² / Σ w_i² = 1 / Σ w̃_i²,   w̃_i = w_i / Σ_j w_j
 * </pre>
 *
 * the effective sample size of the self-normalized weights (Kong 1992; n when all weights are equal, 1 when one
 * dominates), and the Pareto k̂ of their upper tail ({@link ParetoTail}: PSIS, Vehtari et al. 2024). Above
 * {@link #KHAT_THRESHOLD} the estimate's error is not controlled in practice, whatever its printed standard error.
 *
 * @param ess the effective sample size, in [1, n] (NaN when every weight is zero)
 * @param paretoK k̂ (NaN when n &lt; 25)
 * @param numSamples n
 */
public record WeightDiagnostics(double ess, double paretoK, int numSamples) {
  /** The k̂ above which an importance-sampling estimate is not to be trusted (Vehtari et al. 2024). */
  public static final double KHAT_THRESHOLD = 0.7;

  /** The diagnostics of {@code logWeights[from..to)}. */
  public static WeightDiagnostics of(float[] logWeights, int from, int to) {
    double[] x = new double[to - from];
    for (int i = 0; i < x.length; i++) {
      x[i] = logWeights[from + i];
    }
    return of(x);
  }

  /** The diagnostics of all of {@code logWeights} (at least one). */
  public static WeightDiagnostics of(double[] logWeights) {
    if (logWeights.length < 1) {
      throw new IllegalArgumentException("need at least one log-weight");
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logWeights) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double sumSq = 0;
    if (max > Double.NEGATIVE_INFINITY && max < Double.POSITIVE_INFINITY) {
      // Max-shifted, so the largest weight is 1 and nothing overflows; ESS is scale-free.
      for (double v : logWeights) {
        double w = StrictMath.exp(v - max);
        sum += w;
        sumSq += w * w;
      }
    }
    double ess = sumSq > 0 ? sum * sum / sumSq : Double.NaN;
    return new WeightDiagnostics(ess, ParetoTail.khat(logWeights), logWeights.length);
  }

  /** Whether k̂ exceeds {@link #KHAT_THRESHOLD}. */
  public boolean unreliable() {
    return paretoK > KHAT_THRESHOLD;
  }
}
