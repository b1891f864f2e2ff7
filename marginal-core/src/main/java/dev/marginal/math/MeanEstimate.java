package dev.marginal.math;

/**
 * A mean and its standard error, such as a mean log p(x) ± SE in nats: the value a report shows and the
 * uncertainty that goes with it, as numbers rather than a formatted string.
 *
 * <p>For values v_1..v_n: mean = (1/n) Σ v_i and stdErr = s / √n with s² = Σ (v_i − mean)² / (n − 1), the sample
 * standard deviation; accumulated in double. The standard error describes the spread of the values, so for
 * lower bounds (ELBO, IWAE) it covers the noise over rows or draws, not the bound's bias. One value has no spread
 * to measure: its standard error is NaN ("not available"), not 0, which would claim an exact mean.
 *
 * @param mean the mean
 * @param stdErr its standard error (NaN when there are fewer than two values)
 */
public record MeanEstimate(double mean, double stdErr) {
  /**
   * The mean of {@code values} and its standard error.
   *
   * @throws IllegalArgumentException if there are no values (a mean over none is undefined)
   */
  public static MeanEstimate of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values: the mean of none is undefined");
    }
    return new MeanEstimate(mean(values), standardError(values));
  }

  /**
   * The mean of the paired differences a_i − b_i and its standard error: two scores of the same points (two models'
   * log p(x) on the same held-out rows, say) compared point by point. Pairing removes the spread of the points
   * themselves, so the difference is known far better than either mean alone.
   *
   * @throws IllegalArgumentException if the arrays differ in length or are empty
   */
  public static MeanEstimate ofDifferences(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " values paired with " + b.length);
    }
    double[] d = new double[a.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = a[i] - b[i];
    }
    return of(d);
  }

  /**
   * (1/n) Σ v_i, summed left to right in double. Where finite values of magnitude near the largest double overflow
   * the sum, it is Σ (v_i / n) instead, which cannot (the sum is kept for every other input, bit for bit).
   */
  public static double mean(double[] values) {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    if (Double.isInfinite(s) && allFinite(values)) {
      double scaled = 0;
      for (double v : values) {
        scaled += v / values.length;
      }
      return scaled;
    }
    return s / values.length;
  }

  /** s / √n over {@code values}; NaN when there are fewer than two (one value says nothing of the spread). */
  public static double standardError(double[] values) {
    int n = values.length;
    if (n < 2) {
      return Double.NaN;
    }
    double m = mean(values);
    double ss = 0;
    for (double v : values) {
      ss += (v - m) * (v - m);
    }
    if (Double.isInfinite(ss) && allFinite(values)) {
      return scaledStandardError(values, m);
    }
    return Math.sqrt(ss / (n - 1) / n);
  }

  /**
   * s / √n for finite values whose squared deviations overflow (log densities of -1e300, say): the deviations,
   * halved so that none overflows, are divided by the largest before they are squared, and the scale is multiplied
   * back after the square root.
   */
  private static double scaledStandardError(double[] values, double m) {
    double scale = 0;
    for (double v : values) {
      scale = Math.max(scale, Math.abs(v / 2 - m / 2));
    }
    double ss = 0;
    for (double v : values) {
      double d = (v / 2 - m / 2) / scale;
      ss += d * d;
    }
    int n = values.length;
    return 2 * scale * Math.sqrt(ss / (n - 1) / n);
  }

  private static boolean allFinite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** This estimate negated (a mean log-likelihood as a negative log-likelihood): same standard error. */
  public MeanEstimate negate() {
    return new MeanEstimate(-mean, stdErr);
  }

  @Override
  public String toString() {
    return Double.isNaN(stdErr) ? String.format(java.util.Locale.ROOT, "%.4f (no standard error)", mean)
        : String.format(java.util.Locale.ROOT, "%.4f ± %.4f", mean, stdErr);
  }
}
