package dev.marginal.tensor;

/**
 * Plain-loop kernels: the fallback when the Vector API is absent, and the reference in tests. The transcendental
 * functions are {@code StrictMath}'s (fdlibm, in double), whose results are fixed; {@code Math.exp} and
 * {@code Math.log} may be replaced by JIT intrinsics that differ by an ulp.
 */
final class ScalarKernels implements Kernels {
  static final ScalarKernels INSTANCE = new ScalarKernels();

  private ScalarKernels() {}

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    float[] row = new float[n];
    for (int i = 0; i < m; i++) {
      java.util.Arrays.fill(row, 0f);
      for (int p = 0; p < k; p++) {
        float aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        if (aip == 0f) {
          continue;
        }
        if (transB) {
          for (int j = 0; j < n; j++) {
            row[j] += aip * b[bOff + j * k + p];
          }
        } else {
          int base = bOff + p * n;
          for (int j = 0; j < n; j++) {
            row[j] += aip * b[base + j];
          }
        }
      }
      int ci = cOff + i * n;
      if (accumulate) {
        for (int j = 0; j < n; j++) {
          c[ci + j] += row[j];
        }
      } else {
        System.arraycopy(row, 0, c, ci, n);
      }
    }
  }

  @Override
  public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = (float) StrictMath.tanh(x[xOff + i]);
    }
  }

  @Override
  public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = (float) StrictMath.exp(x[xOff + i]);
    }
  }

  @Override
  public void log(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = (float) StrictMath.log(x[xOff + i]);
    }
  }

  @Override
  public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      double v = x[xOff + i];
      double e = StrictMath.exp(-Math.abs(v));
      y[yOff + i] = (float) (v >= 0 ? 1 / (1 + e) : e / (1 + e));
    }
  }

  @Override
  public void softplus(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      double v = x[xOff + i];
      y[yOff + i] = (float) (Math.max(v, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(v))));
    }
  }

  @Override
  public void boxMuller(double[] u1, double[] u2, int pairs, double[] z) {
    Fdlibm.boxMuller(u1, u2, 0, pairs, z);
  }

  @Override
  public void columnSums(float[] x, int rows, int width, int from, int to, float[] out) {
    double[] acc = new double[to - from];
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      for (int j = from; j < to; j++) {
        acc[j - from] += x[base + j];
      }
    }
    for (int j = from; j < to; j++) {
      out[j] = (float) acc[j - from];
    }
  }

  @Override
  public void bernoulliLogMass(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count, float[] out,
      int outOff) {
    float[] sp = new float[d];
    for (int r = 0; r < count; r++) {
      int lo = lOff + r * d;
      softplus(logits, lo, sp, 0, d);
      out[outOff + r] = LogMassSum.ofTerms(x, xOffsets[r], logits, lo, sp, 0, d);
    }
  }

  @Override
  public String name() {
    return "scalar";
  }
}
