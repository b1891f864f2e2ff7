package dev.marginal.estimators;

import java.util.List;

/**
 * Per-run summary of {@link WeightDiagnostics} over the rows of a data set: the mean and smallest effective sample
 * size, the largest and median Pareto k̂, and how many rows have k̂ above {@link WeightDiagnostics#KHAT_THRESHOLD}.
 * Rows whose k̂ is NaN (fewer than 25 samples) are left out of the k̂ figures.
 *
 * @param rows the number of rows
 * @param numSamples the importance samples per row (of the first row)
 * @param meanEss mean ESS over rows
 * @param minEss smallest ESS
 * @param medianK median k̂ (NaN when no row has one)
 * @param maxK largest k̂ (NaN when no row has one)
 * @param rowsAboveThreshold rows with k̂ &gt; 0.7
 */
public record DiagnosticsSummary(int rows, int numSamples, double meanEss, double minEss, double medianK,
    double maxK, int rowsAboveThreshold) {
  /** Summarizes per-row diagnostics (at least one row). */
  public static DiagnosticsSummary of(List<WeightDiagnostics> perRow) {
    int n = perRow.size();
    if (n == 0) {
      throw new IllegalArgumentException("no rows to summarize");
    }
    double essSum = 0;
    double essMin = Double.POSITIVE_INFINITY;
    double[] k = new double[n];
    int withK = 0;
    int above = 0;
    for (WeightDiagnostics d : perRow) {
      essSum += d.ess();
      essMin = Math.min(essMin, d.ess());
      if (!Double.isNaN(d.paretoK())) {
        k[withK++] = d.paretoK();
        above += d.unreliable() ? 1 : 0;
      }
    }
    java.util.Arrays.sort(k, 0, withK);
    double median = withK == 0 ? Double.NaN
        : withK % 2 == 1 ? k[withK / 2] : 0.5 * (k[withK / 2 - 1] + k[withK / 2]);
    double max = withK == 0 ? Double.NaN : k[withK - 1];
    return new DiagnosticsSummary(n, perRow.get(0).numSamples(), essSum / n, essMin, median, max, above);
  }

  /** Whether any row's estimate is flagged as untrustworthy (k̂ &gt; 0.7). */
  public boolean anyUnreliable() {
    return rowsAboveThreshold > 0;
  }

  /** A one-line warning naming how many rows exceed the threshold, or null when none does. */
  public String warning() {
    if (!anyUnreliable()) {
      return null;
    }
    return String.format("Pareto k̂ > %.1f for %d of %d rows (max %.2f): those importance-sampling estimates are not"
        + " to be trusted; a better proposal or another estimator (AIS) is needed", WeightDiagnostics.KHAT_THRESHOLD,
        rowsAboveThreshold, rows, maxK);
  }

  /**
   * The summary as report fields named {@code prefix + "ess_mean"}, {@code "ess_min"}, {@code "pareto_k_median"},
   * {@code "pareto_k_max"}, {@code "rows_pareto_k_above_0_7"} (NaN as null, for JSON), and {@code "warning"} when
   * any row is flagged.
   */
  public java.util.Map<String, Object> toMap(String prefix) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put(prefix + "ess_mean", finiteOrNull(meanEss));
    m.put(prefix + "ess_min", finiteOrNull(minEss));
    m.put(prefix + "pareto_k_median", finiteOrNull(medianK));
    m.put(prefix + "pareto_k_max", finiteOrNull(maxK));
    m.put(prefix + "rows_pareto_k_above_0_7", rowsAboveThreshold);
    if (anyUnreliable()) {
      m.put("warning", warning());
    }
    return m;
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
