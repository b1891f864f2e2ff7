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
    VectorGemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
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
