package dev.marginal.distributions;

/** Max-shifted log-sum-exp over a prefix of an array; −∞ when every term is −∞. */
final class LogSum {
  private LogSum() {}

  static double of(double[] v, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, v[i]);
    }
    if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
      return max;
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += StrictMath.exp(v[i] - max);
    }
    return max + StrictMath.log(s);
  }
}
