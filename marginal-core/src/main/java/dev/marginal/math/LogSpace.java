package dev.marginal.math;

/**
 * Log-space arithmetic on plain arrays, in double. Every function subtracts the maximum before exponentiating,
 * and returns −∞ (not NaN) when every input is −∞.
 */
public final class LogSpace {
  /** log 2π. */
  public static final double LOG_2PI = StrictMath.log(2 * Math.PI);

  private LogSpace() {}

  /** log Σ exp(x_i). */
  public static double logSumExp(double[] x) {
    return logSumExp(x, 0, x.length);
  }

  /** log Σ exp(x_i) over {@code x[from .. to)}. */
  public static double logSumExp(double[] x, int from, int to) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      if (Double.isNaN(x[i])) {
        return Double.NaN;
      }
      m = Math.max(m, x[i]);
    }
    if (m == Double.NEGATIVE_INFINITY || m == Double.POSITIVE_INFINITY) {
      return m;
    }
    double s = 0;
    for (int i = from; i < to; i++) {
      s += StrictMath.exp(x[i] - m);
    }
    return m + StrictMath.log(s);
  }

  /** log Σ exp(x_i) of floats, accumulated in double. */
  public static double logSumExp(float[] x, int from, int to) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      if (Float.isNaN(x[i])) {
        return Double.NaN;
      }
      m = Math.max(m, x[i]);
    }
    if (m == Double.NEGATIVE_INFINITY || m == Double.POSITIVE_INFINITY) {
      return m;
    }
    double s = 0;
    for (int i = from; i < to; i++) {
      s += StrictMath.exp(x[i] - m);
    }
    return m + StrictMath.log(s);
  }

  /** log of the mean of exp(x_i): {@code logSumExp(x) − log n}. */
  public static double logMeanExp(double[] x) {
    return logSumExp(x) - StrictMath.log(x.length);
  }

  /** log(e^a + e^b), stable; −∞ when both are −∞. */
  public static double logAddExp(double a, double b) {
    double hi = Math.max(a, b);
    if (hi == Double.NEGATIVE_INFINITY || hi == Double.POSITIVE_INFINITY || Double.isNaN(hi)) {
      return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : hi;
    }
    return hi + StrictMath.log1p(StrictMath.exp(Math.min(a, b) - hi));
  }

  /** Prefix sums in log space: {@code out[j] = log Σ_{i≤j} exp(x_i)}; leading −∞ stay −∞. */
  public static double[] logCumSumExp(double[] x) {
    double[] out = new double[x.length];
    double c = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < x.length; i++) {
      c = logAddExp(c, x[i]);
      out[i] = c;
    }
    return out;
  }

  /**
   * log(1 − eˣ) for x ≤ 0, accurate everywhere (Mächler 2012): log(−expm1(x)) near 0, log1p(−eˣ) below −log 2.
   */
  public static double log1mExp(double x) {
    if (x > 0) {
      return Double.NaN;
    }
    return x > -StrictMath.log(2) ? StrictMath.log(-StrictMath.expm1(x)) : StrictMath.log1p(-StrictMath.exp(x));
  }

  /** log(1 + eˣ) without overflow; log1p keeps precision for very negative x. */
  public static double softplus(double x) {
    return Math.max(x, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
  }
}
