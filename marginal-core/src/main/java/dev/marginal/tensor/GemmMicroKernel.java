package dev.marginal.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loop of {@link VectorGemm}: one {@value #MR}-row by two-vector tile of C, kept in
 * sixteen vector accumulators while the summation index runs over a block of packed A and packed B.
 *
 * <p>Each step broadcasts one value of A per row and does one fused multiply-add per accumulator, so every
 * element of C is summed in order of increasing {@code p}; the result of a tile never depends on where it sits.
 */
final class GemmMicroKernel {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Lanes per vector. */
  static final int L = S.length();
  /** Rows of C per tile. */
  static final int MR = 8;
  /** Columns of C per tile: two vectors. */
  static final int NR = 2 * L;

  private GemmMicroKernel() {}

  /**
   * Adds one tile of products to C: {@code C[r][j] += Σ_p A[r][p]·B[p][j]} for {@code r < MR}, {@code j < NR}, the
   * sum taken in order of {@code p} by fused multiply-adds starting from the value already in C.
   *
   * <p>Everything stays in this one method: a vector passed to a call that the JIT does not inline is boxed, which
   * costs more than the arithmetic.
   *
   * @param kc length of the summation block
   * @param pa packed A, {@code MR} values per step starting at {@code ai}
   * @param pb packed B, {@code NR} values per step starting at {@code bi}
   * @param c output with row stride {@code ldc}, tile origin at {@code ci}
   */
  static void addTile(int kc, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc) {
    FloatVector c00 = FloatVector.fromArray(S, c, ci);
    FloatVector c01 = FloatVector.fromArray(S, c, ci + L);
    FloatVector c10 = FloatVector.fromArray(S, c, ci + ldc);
    FloatVector c11 = FloatVector.fromArray(S, c, ci + ldc + L);
    FloatVector c20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
    FloatVector c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
    FloatVector c30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
    FloatVector c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
    FloatVector c40 = FloatVector.fromArray(S, c, ci + 4 * ldc);
    FloatVector c41 = FloatVector.fromArray(S, c, ci + 4 * ldc + L);
    FloatVector c50 = FloatVector.fromArray(S, c, ci + 5 * ldc);
    FloatVector c51 = FloatVector.fromArray(S, c, ci + 5 * ldc + L);
    FloatVector c60 = FloatVector.fromArray(S, c, ci + 6 * ldc);
    FloatVector c61 = FloatVector.fromArray(S, c, ci + 6 * ldc + L);
    FloatVector c70 = FloatVector.fromArray(S, c, ci + 7 * ldc);
    FloatVector c71 = FloatVector.fromArray(S, c, ci + 7 * ldc + L);
    for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bi);
      FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
      FloatVector a = FloatVector.broadcast(S, pa[ai]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, pa[ai + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, pa[ai + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, pa[ai + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, pa[ai + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, pa[ai + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(S, pa[ai + 6]);
      c60 = a.fma(b0, c60);
      c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(S, pa[ai + 7]);
      c70 = a.fma(b0, c70);
      c71 = a.fma(b1, c71);
    }
    c00.intoArray(c, ci);
    c01.intoArray(c, ci + L);
    c10.intoArray(c, ci + ldc);
    c11.intoArray(c, ci + ldc + L);
    c20.intoArray(c, ci + 2 * ldc);
    c21.intoArray(c, ci + 2 * ldc + L);
    c30.intoArray(c, ci + 3 * ldc);
    c31.intoArray(c, ci + 3 * ldc + L);
    c40.intoArray(c, ci + 4 * ldc);
    c41.intoArray(c, ci + 4 * ldc + L);
    c50.intoArray(c, ci + 5 * ldc);
    c51.intoArray(c, ci + 5 * ldc + L);
    c60.intoArray(c, ci + 6 * ldc);
    c61.intoArray(c, ci + 6 * ldc + L);
    c70.intoArray(c, ci + 7 * ldc);
    c71.intoArray(c, ci + 7 * ldc + L);
  }

  /**
   * As {@link #addTile}, or with {@code fromZero} the sums start from zero instead of the values in C, which are then
   * only written: a first summation block needs no pass that clears C beforehand. Starting from {@code +0} gives the
   * same bits as adding to a cleared C.
   */
  static void tile(int kc, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc, boolean fromZero) {
    if (fromZero) {
      zeroTile(kc, pa, ai, pb, bi, c, ci, ldc);
    } else {
      addTile(kc, pa, ai, pb, bi, c, ci, ldc);
    }
  }

  /** The tile with every sum starting from zero; C is only written. One method for the JIT, like {@link #addTile}. */
  private static void zeroTile(int kc, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    FloatVector c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S);
    FloatVector c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S);
    FloatVector c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S);
    FloatVector c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S);
    FloatVector c71 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bi);
      FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
      FloatVector a = FloatVector.broadcast(S, pa[ai]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, pa[ai + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, pa[ai + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, pa[ai + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, pa[ai + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, pa[ai + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(S, pa[ai + 6]);
      c60 = a.fma(b0, c60);
      c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(S, pa[ai + 7]);
      c70 = a.fma(b0, c70);
      c71 = a.fma(b1, c71);
    }
    c00.intoArray(c, ci);
    c01.intoArray(c, ci + L);
    c10.intoArray(c, ci + ldc);
    c11.intoArray(c, ci + ldc + L);
    c20.intoArray(c, ci + 2 * ldc);
    c21.intoArray(c, ci + 2 * ldc + L);
    c30.intoArray(c, ci + 3 * ldc);
    c31.intoArray(c, ci + 3 * ldc + L);
    c40.intoArray(c, ci + 4 * ldc);
    c41.intoArray(c, ci + 4 * ldc + L);
    c50.intoArray(c, ci + 5 * ldc);
    c51.intoArray(c, ci + 5 * ldc + L);
    c60.intoArray(c, ci + 6 * ldc);
    c61.intoArray(c, ci + 6 * ldc + L);
    c70.intoArray(c, ci + 7 * ldc);
    c71.intoArray(c, ci + 7 * ldc + L);
  }
}
