package dev.marginal.tensor;

/**
 * The summation order of {@link Kernels#bernoulliLogMass} in plain Java, from softplus values already computed:
 * terms {@code x_j·l_j − sp_j} in float, sixteen double partial sums by {@code j mod 16}, padded with {@code +0}
 * terms to a multiple of sixteen, added in order. Sixteen independent chains keep the adder busy where the former
 * two-chain sum waited on each addition's latency.
 */
final class LogMassSum {
  static final int P = Kernels.LOG_MASS_PARTIALS;

  private LogMassSum() {}

  static float ofTerms(float[] x, int xo, float[] l, int lo, float[] sp, int so, int d) {
    double[] acc = new double[P];
    int j = 0;
    for (; j + P <= d; j += P) {
      for (int m = 0; m < P; m++) {
        acc[m] += x[xo + j + m] * l[lo + j + m] - sp[so + j + m];
      }
    }
    if (j < d) {
      for (int m = 0; m < P; m++) {
        acc[m] += j + m < d ? x[xo + j + m] * l[lo + j + m] - sp[so + j + m] : 0.0;
      }
    }
    return total(acc);
  }

  /** The partial sums added in order of their index. */
  static float total(double[] acc) {
    double s = acc[0];
    for (int m = 1; m < P; m++) {
      s += acc[m];
    }
    return (float) s;
  }
}
