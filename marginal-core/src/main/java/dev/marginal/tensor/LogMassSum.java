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

  /**
   * {@link Kernels#bernoulliLogMassAndResidual} from separate kernels of {@code k}: the bias pass, the log mass,
   * σ, then the residuals.
   */
  static void withResidual(Kernels k, float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count,
      float[] bias, float[] out, int outOff, float[] residual) {
    if (bias != null) {
      for (int r = 0; r < count; r++) {
        for (int j = 0; j < d; j++) {
          logits[lOff + r * d + j] += bias[j];
        }
      }
    }
    k.bernoulliLogMass(x, xOffsets, logits, lOff, d, count, out, outOff);
    k.sigmoid(logits, lOff, residual, lOff, count * d);
    for (int r = 0; r < count; r++) {
      int base = lOff + r * d;
      for (int j = 0; j < d; j++) {
        residual[base + j] = x[xOffsets[r] + j] - residual[base + j];
      }
    }
  }
}
