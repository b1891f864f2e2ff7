package dev.marginal.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loop of {@link VectorGemm}: one {@link #MR}-row by two-vector tile of C, kept in vector
 * accumulators while the summation index runs over a block of packed A and packed B: eight rows (sixteen
 * accumulators) where vectors have sixteen lanes (AVX-512, thirty-two vector registers), six rows (twelve) where they
 * have fewer (AVX2 and narrower, sixteen registers), so that the accumulators, two vectors of B and a broadcast of A
 * stay in registers. Eight rows there need nineteen, and the JIT spills accumulators to the stack on every step: on
 * a 2-core AMD EPYC (Zen 1, AVX2) the eight-row tile ran at about 30 GFLOP/s per core, the six-row one at 38
 * (BENCHMARKS.md).
 *
 * <p>Each step broadcasts one value of A per row and does one fused multiply-add per accumulator, so every
 * element of C is summed in order of increasing {@code p}; the result of a tile never depends on where it sits.
 */
final class GemmMicroKernel {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Lanes per vector. */
  static final int L = S.length();
  /** Rows of C per tile: eight with sixteen-lane vectors, else six. */
  static final int MR = L >= 16 ? 8 : 6;
  /** Columns of C per tile: two vectors. */
  static final int NR = 2 * L;
  /** Columns of a row pair's half vector in {@link #rowPairTile}. */
  static final int HALF = L / 2;
  /** Whether a tile of at most {@link #HALF} columns runs as row pairs: vectors of sixteen lanes. */
  static final boolean ROW_PAIRS = L == 16;
  /** B's first eight values in both halves of a vector. */
  private static final VectorShuffle<Float> LOW_HALF_TWICE = pairShuffle(-1, -1);
  /**
   * Two steps of packed A in one vector (lanes 0–7 step p, 8–15 step p + 1) spread to row pairs: {@code STEPh_q}
   * puts row 2q of step p + h in lanes 0–7 and row 2q + 1 in lanes 8–15.
   */
  private static final VectorShuffle<Float> STEP0_0 = pairShuffle(0, 0);
  private static final VectorShuffle<Float> STEP0_1 = pairShuffle(0, 1);
  private static final VectorShuffle<Float> STEP0_2 = pairShuffle(0, 2);
  private static final VectorShuffle<Float> STEP0_3 = pairShuffle(0, 3);
  private static final VectorShuffle<Float> STEP1_0 = pairShuffle(1, 0);
  private static final VectorShuffle<Float> STEP1_1 = pairShuffle(1, 1);
  private static final VectorShuffle<Float> STEP1_2 = pairShuffle(1, 2);
  private static final VectorShuffle<Float> STEP1_3 = pairShuffle(1, 3);
  /** Lanes 8–15: the odd row of each pair. */
  private static final VectorMask<Float> ODD_ROWS = ROW_PAIRS ? VectorMask.fromLong(S, 0xFF00L) : null;

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
    if (MR == 6) {
      sixRowTile(kc, pa, ai, pb, bi, c, ci, ldc, fromZero);
    } else if (fromZero) {
      zeroTile(kc, pa, ai, pb, bi, c, ci, ldc);
    } else {
      addTile(kc, pa, ai, pb, bi, c, ci, ldc);
    }
  }

  /**
   * The tile of {@link #MR} = 6 rows ({@link #tile}'s arithmetic for each element): twelve accumulators, which with
   * two vectors of B and a broadcast fit in sixteen vector registers.
   */
  private static void sixRowTile(int kc, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc,
      boolean fromZero) {
    FloatVector c00 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci);
    FloatVector c01 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + L);
    FloatVector c10 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + ldc);
    FloatVector c11 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + ldc + L);
    FloatVector c20 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 2 * ldc);
    FloatVector c21 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 2 * ldc + L);
    FloatVector c30 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 3 * ldc);
    FloatVector c31 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 3 * ldc + L);
    FloatVector c40 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 4 * ldc);
    FloatVector c41 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 4 * ldc + L);
    FloatVector c50 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 5 * ldc);
    FloatVector c51 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 5 * ldc + L);
    for (int p = 0; p < kc; p++, ai += 6, bi += NR) {
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
  }

  /**
   * Eight rows by at most {@link #HALF} columns of C, the tile of a last column panel at most half a vector wide
   * (only where {@link #ROW_PAIRS}): accumulator q holds row 2q in lanes 0–7 and row 2q + 1 in lanes 8–15, so a step
   * takes four fused multiply-adds where {@link #oneVectorTile} takes eight, each with half its lanes padding. Every
   * element of C is the same chain of fused multiply-adds, in order of {@code p}, as in {@link #tile}. C is read from
   * (unless {@code fromZero}) and written to {@code t} in pairs: row r at {@code (r / 2)·L + (r % 2)·HALF}.
   */
  static void rowPairTile(int kc, float[] pa, int ai, float[] pb, int bi, float[] t, boolean fromZero) {
    FloatVector c0 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 0);
    FloatVector c1 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, L);
    FloatVector c2 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 2 * L);
    FloatVector c3 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 3 * L);
    int p = 0;
    for (; p + 2 <= kc; p += 2, ai += 2 * MR, bi += 2 * NR) {
      FloatVector a = FloatVector.fromArray(S, pa, ai);
      FloatVector b = FloatVector.fromArray(S, pb, bi).rearrange(LOW_HALF_TWICE);
      c0 = a.rearrange(STEP0_0).fma(b, c0);
      c1 = a.rearrange(STEP0_1).fma(b, c1);
      c2 = a.rearrange(STEP0_2).fma(b, c2);
      c3 = a.rearrange(STEP0_3).fma(b, c3);
      b = FloatVector.fromArray(S, pb, bi + NR).rearrange(LOW_HALF_TWICE);
      c0 = a.rearrange(STEP1_0).fma(b, c0);
      c1 = a.rearrange(STEP1_1).fma(b, c1);
      c2 = a.rearrange(STEP1_2).fma(b, c2);
      c3 = a.rearrange(STEP1_3).fma(b, c3);
    }
    if (p < kc) {
      FloatVector b = FloatVector.fromArray(S, pb, bi).rearrange(LOW_HALF_TWICE);
      c0 = FloatVector.broadcast(S, pa[ai]).blend(FloatVector.broadcast(S, pa[ai + 1]), ODD_ROWS).fma(b, c0);
      c1 = FloatVector.broadcast(S, pa[ai + 2]).blend(FloatVector.broadcast(S, pa[ai + 3]), ODD_ROWS).fma(b, c1);
      c2 = FloatVector.broadcast(S, pa[ai + 4]).blend(FloatVector.broadcast(S, pa[ai + 5]), ODD_ROWS).fma(b, c2);
      c3 = FloatVector.broadcast(S, pa[ai + 6]).blend(FloatVector.broadcast(S, pa[ai + 7]), ODD_ROWS).fma(b, c3);
    }
    c0.intoArray(t, 0);
    c1.intoArray(t, L);
    c2.intoArray(t, 2 * L);
    c3.intoArray(t, 3 * L);
  }

  /**
   * Eight rows by one vector of C from packed panels, the tile of a last column panel at most one vector wide: the
   * first vector of {@link #tile}, read from and written to {@code t} (row stride {@link #NR}). Its offsets are fixed,
   * so the JIT keeps no bounds check per value, unlike the direct path's general {@code GemmDirect.tile8x1}.
   */
  static void oneVectorTile(int kc, float[] pa, int ai, float[] pb, int bi, float[] t, boolean fromZero) {
    if (MR == 6) {
      oneVectorSixRows(kc, pa, ai, pb, bi, t, fromZero);
      return;
    }
    FloatVector c0 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 0);
    FloatVector c1 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, NR);
    FloatVector c2 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 2 * NR);
    FloatVector c3 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 3 * NR);
    FloatVector c4 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 4 * NR);
    FloatVector c5 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 5 * NR);
    FloatVector c6 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 6 * NR);
    FloatVector c7 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 7 * NR);
    for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
      FloatVector b = FloatVector.fromArray(S, pb, bi);
      c0 = FloatVector.broadcast(S, pa[ai]).fma(b, c0);
      c1 = FloatVector.broadcast(S, pa[ai + 1]).fma(b, c1);
      c2 = FloatVector.broadcast(S, pa[ai + 2]).fma(b, c2);
      c3 = FloatVector.broadcast(S, pa[ai + 3]).fma(b, c3);
      c4 = FloatVector.broadcast(S, pa[ai + 4]).fma(b, c4);
      c5 = FloatVector.broadcast(S, pa[ai + 5]).fma(b, c5);
      c6 = FloatVector.broadcast(S, pa[ai + 6]).fma(b, c6);
      c7 = FloatVector.broadcast(S, pa[ai + 7]).fma(b, c7);
    }
    c0.intoArray(t, 0);
    c1.intoArray(t, NR);
    c2.intoArray(t, 2 * NR);
    c3.intoArray(t, 3 * NR);
    c4.intoArray(t, 4 * NR);
    c5.intoArray(t, 5 * NR);
    c6.intoArray(t, 6 * NR);
    c7.intoArray(t, 7 * NR);
  }

  /** {@link #oneVectorTile} for {@link #MR} = 6 rows. */
  private static void oneVectorSixRows(int kc, float[] pa, int ai, float[] pb, int bi, float[] t, boolean fromZero) {
    FloatVector c0 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 0);
    FloatVector c1 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, NR);
    FloatVector c2 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 2 * NR);
    FloatVector c3 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 3 * NR);
    FloatVector c4 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 4 * NR);
    FloatVector c5 = fromZero ? FloatVector.zero(S) : FloatVector.fromArray(S, t, 5 * NR);
    for (int p = 0; p < kc; p++, ai += 6, bi += NR) {
      FloatVector b = FloatVector.fromArray(S, pb, bi);
      c0 = FloatVector.broadcast(S, pa[ai]).fma(b, c0);
      c1 = FloatVector.broadcast(S, pa[ai + 1]).fma(b, c1);
      c2 = FloatVector.broadcast(S, pa[ai + 2]).fma(b, c2);
      c3 = FloatVector.broadcast(S, pa[ai + 3]).fma(b, c3);
      c4 = FloatVector.broadcast(S, pa[ai + 4]).fma(b, c4);
      c5 = FloatVector.broadcast(S, pa[ai + 5]).fma(b, c5);
    }
    c0.intoArray(t, 0);
    c1.intoArray(t, NR);
    c2.intoArray(t, 2 * NR);
    c3.intoArray(t, 3 * NR);
    c4.intoArray(t, 4 * NR);
    c5.intoArray(t, 5 * NR);
  }

  /**
   * Lanes 0–7 from {@code step·MR + 2·pair} and lanes 8–15 from the next value; {@code step < 0}: lane i from i mod 8.
   * Null unless {@link #ROW_PAIRS}.
   */
  private static VectorShuffle<Float> pairShuffle(int step, int pair) {
    if (!ROW_PAIRS) {
      return null;
    }
    return VectorShuffle.fromOp(S, i -> step < 0 ? i % HALF : step * MR + 2 * pair + i / HALF);
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
