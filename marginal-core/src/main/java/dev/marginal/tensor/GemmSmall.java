package dev.marginal.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix multiply for problems too small to repay packing or forking: no buffers, no threads, straight loops over
 * the operands as stored. Without transposed B each row of C is updated by vector multiply-adds along a row of B;
 * with transposed B each element of C is a dot product of two rows contiguous in the summation index, summed in an
 * order that does not depend on the vector width ({@link #contiguousDot}).
 */
final class GemmSmall {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Partial sums of a dot product of contiguous rows: term p goes to partial sum {@code p mod 16}. */
  static final int DOT_PARTIALS = 16;
  /** The dot products' species: the preferred one when it has 8 or 16 lanes, else 4 lanes (16 partials in all). */
  private static final VectorSpecies<Float> D = L == 8 || L == 16 ? S : FloatVector.SPECIES_128;
  private static final int DL = D.length();

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

  /**
   * {@code Σ_p a[ai+p]·b[bi+p]} in an order fixed by {@code k} alone, so that it does not depend on the vector width:
   * the terms of the first {@code 16·⌊k/16⌋} go to {@value #DOT_PARTIALS} float partial sums by {@code p mod 16}
   * (each a chain of fused multiply-adds in order of p), the partial sums are added to {@code 0f} in order of their
   * index, and the last {@code k mod 16} terms are then fused-multiply-added one by one.
   */
  private static float contiguousDot(int k, float[] a, int ai, float[] b, int bi) {
    int p = 0;
    float s = 0f;
    int grouped = k - k % DOT_PARTIALS;
    if (grouped > 0) {
      if (DL == 16) {
        FloatVector acc = FloatVector.zero(D);
        for (; p < grouped; p += 16) {
          acc = FloatVector.fromArray(D, a, ai + p).fma(FloatVector.fromArray(D, b, bi + p), acc);
        }
        s = addLanes(acc, s);
      } else if (DL == 8) {
        FloatVector acc0 = FloatVector.zero(D);
        FloatVector acc1 = FloatVector.zero(D);
        for (; p < grouped; p += 16) {
          acc0 = FloatVector.fromArray(D, a, ai + p).fma(FloatVector.fromArray(D, b, bi + p), acc0);
          acc1 = FloatVector.fromArray(D, a, ai + p + 8).fma(FloatVector.fromArray(D, b, bi + p + 8), acc1);
        }
        s = addLanes(acc1, addLanes(acc0, s));
      } else {
        FloatVector acc0 = FloatVector.zero(D);
        FloatVector acc1 = FloatVector.zero(D);
        FloatVector acc2 = FloatVector.zero(D);
        FloatVector acc3 = FloatVector.zero(D);
        for (; p < grouped; p += 16) {
          acc0 = FloatVector.fromArray(D, a, ai + p).fma(FloatVector.fromArray(D, b, bi + p), acc0);
          acc1 = FloatVector.fromArray(D, a, ai + p + 4).fma(FloatVector.fromArray(D, b, bi + p + 4), acc1);
          acc2 = FloatVector.fromArray(D, a, ai + p + 8).fma(FloatVector.fromArray(D, b, bi + p + 8), acc2);
          acc3 = FloatVector.fromArray(D, a, ai + p + 12).fma(FloatVector.fromArray(D, b, bi + p + 12), acc3);
        }
        s = addLanes(acc3, addLanes(acc2, addLanes(acc1, addLanes(acc0, s))));
      }
    }
    for (; p < k; p++) {
      s = Math.fma(a[ai + p], b[bi + p], s);
    }
    return s;
  }

  /** {@code s} plus the lanes in order of their index: reduceLanes leaves the order open. */
  private static float addLanes(FloatVector acc, float s) {
    for (int q = 0; q < DL; q++) {
      s += acc.lane(q);
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
