package dev.marginal.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix multiply for problems too small to repay packing or forking: no buffers, no threads, straight loops over
 * the operands as stored. Without transposed B each row of C is updated by vector multiply-adds along a row of B;
 * with transposed B each element of C is a dot product of two rows contiguous in the summation index.
 */
final class GemmSmall {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private GemmSmall() {}

  static void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (transB) {
      dotForm(transA, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else {
      axpyForm(transA, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }
  }

  /** {@code C[i,:] += A[i,p]·B[p,:]} for each {@code p} in order. */
  private static void axpyForm(boolean transA, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * n;
      if (!accumulate) {
        Arrays.fill(c, ci, ci + n, 0f);
      }
      for (int p = 0; p < k; p++) {
        float aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        int bp = bOff + p * n;
        FloatVector av = FloatVector.broadcast(S, aip);
        int j = 0;
        for (; j <= n - L; j += L) {
          av.fma(FloatVector.fromArray(S, b, bp + j), FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
        }
        for (; j < n; j++) {
          c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
        }
      }
    }
  }

  /** {@code C[i,j] = Σ_p A[i,p]·B[j,p]} with B stored {@code [n, k]}. */
  private static void dotForm(boolean transA, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = transA
            ? stridedDot(k, a, aOff + i, m, b, bOff + j * k)
            : contiguousDot(k, a, aOff + i * k, b, bOff + j * k);
        int ci = cOff + i * n + j;
        c[ci] = accumulate ? c[ci] + s : s;
      }
    }
  }

  private static float contiguousDot(int k, float[] a, int ai, float[] b, int bi) {
    int p = 0;
    float s = 0f;
    if (k >= L) {
      FloatVector acc = FloatVector.zero(S);
      for (; p <= k - L; p += L) {
        acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), acc);
      }
      // Lanes summed in a fixed order: reduceLanes leaves the order open, and C must not depend on compilation.
      for (int q = 0; q < L; q++) {
        s += acc.lane(q);
      }
    }
    for (; p < k; p++) {
      s = Math.fma(a[ai + p], b[bi + p], s);
    }
    return s;
  }

  private static float stridedDot(int k, float[] a, int ai, int lda, float[] b, int bi) {
    float s = 0f;
    for (int p = 0; p < k; p++) {
      s = Math.fma(a[ai + p * lda], b[bi + p], s);
    }
    return s;
  }
}
