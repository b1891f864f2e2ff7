package dev.marginal.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. Loaded only when {@code jdk.incubator.vector} is in the boot layer.
 */
final class VectorKernels implements Kernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VectorKernels() {}

  static Kernels create() {
    return new VectorKernels();
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    // Simple row-parallel kernel; each output row is owned by one chunk.
    int chunks = Math.min(m, 64);
    boolean worth = (long) m * n * k > 1 << 18;
    Parallel.forEach(chunks, worth, ch -> {
      int lo = (int) ((long) m * ch / chunks);
      int hi = (int) ((long) m * (ch + 1) / chunks);
      float[] bt = null;
      float[] row = new float[n];
      for (int i = lo; i < hi; i++) {
        java.util.Arrays.fill(row, 0f);
        for (int p = 0; p < k; p++) {
          float aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
          if (transB) {
            for (int j = 0; j < n; j++) {
              row[j] += aip * b[bOff + j * k + p];
            }
          } else {
            FloatVector av = FloatVector.broadcast(S, aip);
            int base = bOff + p * n;
            int j = 0;
            for (; j <= n - S.length(); j += S.length()) {
              FloatVector r = FloatVector.fromArray(S, row, j);
              av.fma(FloatVector.fromArray(S, b, base + j), r).intoArray(row, j);
            }
            for (; j < n; j++) {
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
    });
  }

  @Override
  public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
    int i = 0;
    for (; i <= n - S.length(); i += S.length()) {
      FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.TANH).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = (float) Math.tanh(x[xOff + i]);
    }
  }

  @Override
  public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
    int i = 0;
    for (; i <= n - S.length(); i += S.length()) {
      FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.EXP).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = (float) Math.exp(x[xOff + i]);
    }
  }

  @Override
  public void log(float[] x, int xOff, float[] y, int yOff, int n) {
    int i = 0;
    for (; i <= n - S.length(); i += S.length()) {
      FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.LOG).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = (float) Math.log(x[xOff + i]);
    }
  }

  @Override
  public String name() {
    return "vector-" + S.vectorBitSize();
  }
}
