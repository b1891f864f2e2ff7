package dev.marginal.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16 × 16 block of floats transposed in sixteen 16-lane vectors: four rounds, each swapping the off-diagonal
 * halves of blocks of 16, 8, 4 and 2 rows with a lane permutation and a blend, then the rows stored as columns.
 * A 192 × 784 operand copies in 48 µs this way against 85 value by value (one load and one store per value; one
 * core of a Zen 4, BENCHMARKS.md); {@link GemmPacking} uses it for transposed operands where the vectors have sixteen
 * lanes, and {@link #panel8}, the same rounds on eight registers, to pack row panels of A. Values are only moved, so the bits are those of the copy. The rounds are written out register by register:
 * the same rounds as a loop over an array of sixteen vectors left the vectors boxed and ran eight to ten times slower.
 */
final class VectorTranspose {
  /** The kernels' vectors; nothing of another shape is made, even where this class is not used. */
  private static final VectorSpecies<Float> V = FloatVector.SPECIES_PREFERRED;
  /** Whether {@link #t16} can run: the preferred vectors have sixteen lanes. */
  static final boolean AVAILABLE = V.length() == 16;
  private static final VectorShuffle<Float>[] P = AVAILABLE ? shuffles(-1) : null;
  private static final VectorShuffle<Float>[] Q = AVAILABLE ? shuffles(1) : null;
  private static final VectorMask<Float>[] M = AVAILABLE ? masks() : null;

  private VectorTranspose() {}

  /** For each round (half-block size h = 8, 4, 2, 1), lane c takes lane c − h ({@code sign} −1) or c + h. */
  @SuppressWarnings("unchecked")
  private static VectorShuffle<Float>[] shuffles(int sign) {
    VectorShuffle<Float>[] out = new VectorShuffle[4];
    for (int s = 0; s < 4; s++) {
      int h = 8 >> s;
      int[] idx = new int[16];
      for (int c = 0; c < 16; c++) {
        idx[c] = (c + sign * h) & 15;
      }
      out[s] = VectorShuffle.fromArray(V, idx, 0);
    }
    return out;
  }

  /** For each round, the lanes whose index has the half-block bit set. */
  @SuppressWarnings("unchecked")
  private static VectorMask<Float>[] masks() {
    VectorMask<Float>[] out = new VectorMask[4];
    for (int s = 0; s < 4; s++) {
      int h = 8 >> s;
      boolean[] m = new boolean[16];
      for (int c = 0; c < 16; c++) {
        m[c] = (c & h) != 0;
      }
      out[s] = VectorMask.fromArray(V, m, 0);
    }
    return out;
  }

  /**
   * Writes the transpose of the 16 × 16 block of {@code b} whose row r starts at {@code src + r·lds} into {@code d}:
   * value (r, c) goes to {@code d[dst + c·ldd + r]}.
   */
  static void t16(float[] b, int src, int lds, float[] d, int dst, int ldd) {
    FloatVector v0 = FloatVector.fromArray(V, b, src);
    FloatVector v1 = FloatVector.fromArray(V, b, src + lds);
    FloatVector v2 = FloatVector.fromArray(V, b, src + 2 * lds);
    FloatVector v3 = FloatVector.fromArray(V, b, src + 3 * lds);
    FloatVector v4 = FloatVector.fromArray(V, b, src + 4 * lds);
    FloatVector v5 = FloatVector.fromArray(V, b, src + 5 * lds);
    FloatVector v6 = FloatVector.fromArray(V, b, src + 6 * lds);
    FloatVector v7 = FloatVector.fromArray(V, b, src + 7 * lds);
    FloatVector v8 = FloatVector.fromArray(V, b, src + 8 * lds);
    FloatVector v9 = FloatVector.fromArray(V, b, src + 9 * lds);
    FloatVector v10 = FloatVector.fromArray(V, b, src + 10 * lds);
    FloatVector v11 = FloatVector.fromArray(V, b, src + 11 * lds);
    FloatVector v12 = FloatVector.fromArray(V, b, src + 12 * lds);
    FloatVector v13 = FloatVector.fromArray(V, b, src + 13 * lds);
    FloatVector v14 = FloatVector.fromArray(V, b, src + 14 * lds);
    FloatVector v15 = FloatVector.fromArray(V, b, src + 15 * lds);
    FloatVector a;
    FloatVector c;
    // Round 1 swaps the off-diagonal 8 × 8 blocks, round 2 the 4 × 4 blocks inside them, and so on.
    VectorShuffle<Float> p = P[0];
    VectorShuffle<Float> q = Q[0];
    VectorMask<Float> m = M[0];
    VectorMask<Float> nm = m.not();
    a = v0.blend(v8.rearrange(p), m);
    c = v8.blend(v0.rearrange(q), nm);
    v0 = a;
    v8 = c;
    a = v1.blend(v9.rearrange(p), m);
    c = v9.blend(v1.rearrange(q), nm);
    v1 = a;
    v9 = c;
    a = v2.blend(v10.rearrange(p), m);
    c = v10.blend(v2.rearrange(q), nm);
    v2 = a;
    v10 = c;
    a = v3.blend(v11.rearrange(p), m);
    c = v11.blend(v3.rearrange(q), nm);
    v3 = a;
    v11 = c;
    a = v4.blend(v12.rearrange(p), m);
    c = v12.blend(v4.rearrange(q), nm);
    v4 = a;
    v12 = c;
    a = v5.blend(v13.rearrange(p), m);
    c = v13.blend(v5.rearrange(q), nm);
    v5 = a;
    v13 = c;
    a = v6.blend(v14.rearrange(p), m);
    c = v14.blend(v6.rearrange(q), nm);
    v6 = a;
    v14 = c;
    a = v7.blend(v15.rearrange(p), m);
    c = v15.blend(v7.rearrange(q), nm);
    v7 = a;
    v15 = c;
    p = P[1];
    q = Q[1];
    m = M[1];
    nm = m.not();
    a = v0.blend(v4.rearrange(p), m);
    c = v4.blend(v0.rearrange(q), nm);
    v0 = a;
    v4 = c;
    a = v1.blend(v5.rearrange(p), m);
    c = v5.blend(v1.rearrange(q), nm);
    v1 = a;
    v5 = c;
    a = v2.blend(v6.rearrange(p), m);
    c = v6.blend(v2.rearrange(q), nm);
    v2 = a;
    v6 = c;
    a = v3.blend(v7.rearrange(p), m);
    c = v7.blend(v3.rearrange(q), nm);
    v3 = a;
    v7 = c;
    a = v8.blend(v12.rearrange(p), m);
    c = v12.blend(v8.rearrange(q), nm);
    v8 = a;
    v12 = c;
    a = v9.blend(v13.rearrange(p), m);
    c = v13.blend(v9.rearrange(q), nm);
    v9 = a;
    v13 = c;
    a = v10.blend(v14.rearrange(p), m);
    c = v14.blend(v10.rearrange(q), nm);
    v10 = a;
    v14 = c;
    a = v11.blend(v15.rearrange(p), m);
    c = v15.blend(v11.rearrange(q), nm);
    v11 = a;
    v15 = c;
    p = P[2];
    q = Q[2];
    m = M[2];
    nm = m.not();
    a = v0.blend(v2.rearrange(p), m);
    c = v2.blend(v0.rearrange(q), nm);
    v0 = a;
    v2 = c;
    a = v1.blend(v3.rearrange(p), m);
    c = v3.blend(v1.rearrange(q), nm);
    v1 = a;
    v3 = c;
    a = v4.blend(v6.rearrange(p), m);
    c = v6.blend(v4.rearrange(q), nm);
    v4 = a;
    v6 = c;
    a = v5.blend(v7.rearrange(p), m);
    c = v7.blend(v5.rearrange(q), nm);
    v5 = a;
    v7 = c;
    a = v8.blend(v10.rearrange(p), m);
    c = v10.blend(v8.rearrange(q), nm);
    v8 = a;
    v10 = c;
    a = v9.blend(v11.rearrange(p), m);
    c = v11.blend(v9.rearrange(q), nm);
    v9 = a;
    v11 = c;
    a = v12.blend(v14.rearrange(p), m);
    c = v14.blend(v12.rearrange(q), nm);
    v12 = a;
    v14 = c;
    a = v13.blend(v15.rearrange(p), m);
    c = v15.blend(v13.rearrange(q), nm);
    v13 = a;
    v15 = c;
    p = P[3];
    q = Q[3];
    m = M[3];
    nm = m.not();
    a = v0.blend(v1.rearrange(p), m);
    c = v1.blend(v0.rearrange(q), nm);
    v0 = a;
    v1 = c;
    a = v2.blend(v3.rearrange(p), m);
    c = v3.blend(v2.rearrange(q), nm);
    v2 = a;
    v3 = c;
    a = v4.blend(v5.rearrange(p), m);
    c = v5.blend(v4.rearrange(q), nm);
    v4 = a;
    v5 = c;
    a = v6.blend(v7.rearrange(p), m);
    c = v7.blend(v6.rearrange(q), nm);
    v6 = a;
    v7 = c;
    a = v8.blend(v9.rearrange(p), m);
    c = v9.blend(v8.rearrange(q), nm);
    v8 = a;
    v9 = c;
    a = v10.blend(v11.rearrange(p), m);
    c = v11.blend(v10.rearrange(q), nm);
    v10 = a;
    v11 = c;
    a = v12.blend(v13.rearrange(p), m);
    c = v13.blend(v12.rearrange(q), nm);
    v12 = a;
    v13 = c;
    a = v14.blend(v15.rearrange(p), m);
    c = v15.blend(v14.rearrange(q), nm);
    v14 = a;
    v15 = c;
    v0.intoArray(d, dst);
    v1.intoArray(d, dst + ldd);
    v2.intoArray(d, dst + 2 * ldd);
    v3.intoArray(d, dst + 3 * ldd);
    v4.intoArray(d, dst + 4 * ldd);
    v5.intoArray(d, dst + 5 * ldd);
    v6.intoArray(d, dst + 6 * ldd);
    v7.intoArray(d, dst + 7 * ldd);
    v8.intoArray(d, dst + 8 * ldd);
    v9.intoArray(d, dst + 9 * ldd);
    v10.intoArray(d, dst + 10 * ldd);
    v11.intoArray(d, dst + 11 * ldd);
    v12.intoArray(d, dst + 12 * ldd);
    v13.intoArray(d, dst + 13 * ldd);
    v14.intoArray(d, dst + 14 * ldd);
    v15.intoArray(d, dst + 15 * ldd);
  }

  /**
   * Lane order of a panel step pair: lane {@code 8h + r} takes lane {@code 2r + h}, turning a register that holds, row
   * by row, the values of two summation steps into one that holds the first step's eight rows, then the second's.
   */
  private static final VectorShuffle<Float> STEP_PAIR = AVAILABLE
      ? VectorShuffle.fromOp(V, i -> 2 * (i % 8) + i / 8) : null;

  /**
   * Writes the 8 × 16 block of {@code a} whose row r starts at {@code src + r·lda} as sixteen steps of eight:
   * value (r, c) goes to {@code d[dst + 8c + r]}, the layout of a packed eight-row panel of A. The pairs of columns
   * are transposed as 8 × 8 elements of two floats (the first three rounds of {@link #t16}, between registers 4, 2
   * and 1 apart), then each register's lanes are put in step order.
   */
  static void panel8(float[] a, int src, int lda, float[] d, int dst) {
    panel8Scaled(a, src, lda, null, 0, d, dst);
  }

  /**
   * {@link #panel8}, row r multiplied by {@code scale[s0 + r]} as it is read (each product rounded to float), or not
   * at all when {@code scale} is null. One method for both, so that the transposition is compiled once, with its
   * vectors in registers.
   */
  static void panel8Scaled(float[] a, int src, int lda, float[] scale, int s0, float[] d, int dst) {
    FloatVector v0 = FloatVector.fromArray(V, a, src);
    FloatVector v1 = FloatVector.fromArray(V, a, src + lda);
    FloatVector v2 = FloatVector.fromArray(V, a, src + 2 * lda);
    FloatVector v3 = FloatVector.fromArray(V, a, src + 3 * lda);
    FloatVector v4 = FloatVector.fromArray(V, a, src + 4 * lda);
    FloatVector v5 = FloatVector.fromArray(V, a, src + 5 * lda);
    FloatVector v6 = FloatVector.fromArray(V, a, src + 6 * lda);
    FloatVector v7 = FloatVector.fromArray(V, a, src + 7 * lda);
    if (scale != null) {
      v0 = v0.mul(FloatVector.broadcast(V, scale[s0]));
      v1 = v1.mul(FloatVector.broadcast(V, scale[s0 + 1]));
      v2 = v2.mul(FloatVector.broadcast(V, scale[s0 + 2]));
      v3 = v3.mul(FloatVector.broadcast(V, scale[s0 + 3]));
      v4 = v4.mul(FloatVector.broadcast(V, scale[s0 + 4]));
      v5 = v5.mul(FloatVector.broadcast(V, scale[s0 + 5]));
      v6 = v6.mul(FloatVector.broadcast(V, scale[s0 + 6]));
      v7 = v7.mul(FloatVector.broadcast(V, scale[s0 + 7]));
    }
    FloatVector x;
    FloatVector y;
    VectorShuffle<Float> p = P[0];
    VectorShuffle<Float> q = Q[0];
    VectorMask<Float> m = M[0];
    VectorMask<Float> nm = m.not();
    x = v0.blend(v4.rearrange(p), m);
    y = v4.blend(v0.rearrange(q), nm);
    v0 = x;
    v4 = y;
    x = v1.blend(v5.rearrange(p), m);
    y = v5.blend(v1.rearrange(q), nm);
    v1 = x;
    v5 = y;
    x = v2.blend(v6.rearrange(p), m);
    y = v6.blend(v2.rearrange(q), nm);
    v2 = x;
    v6 = y;
    x = v3.blend(v7.rearrange(p), m);
    y = v7.blend(v3.rearrange(q), nm);
    v3 = x;
    v7 = y;
    p = P[1];
    q = Q[1];
    m = M[1];
    nm = m.not();
    x = v0.blend(v2.rearrange(p), m);
    y = v2.blend(v0.rearrange(q), nm);
    v0 = x;
    v2 = y;
    x = v1.blend(v3.rearrange(p), m);
    y = v3.blend(v1.rearrange(q), nm);
    v1 = x;
    v3 = y;
    x = v4.blend(v6.rearrange(p), m);
    y = v6.blend(v4.rearrange(q), nm);
    v4 = x;
    v6 = y;
    x = v5.blend(v7.rearrange(p), m);
    y = v7.blend(v5.rearrange(q), nm);
    v5 = x;
    v7 = y;
    p = P[2];
    q = Q[2];
    m = M[2];
    nm = m.not();
    x = v0.blend(v1.rearrange(p), m);
    y = v1.blend(v0.rearrange(q), nm);
    v0 = x;
    v1 = y;
    x = v2.blend(v3.rearrange(p), m);
    y = v3.blend(v2.rearrange(q), nm);
    v2 = x;
    v3 = y;
    x = v4.blend(v5.rearrange(p), m);
    y = v5.blend(v4.rearrange(q), nm);
    v4 = x;
    v5 = y;
    x = v6.blend(v7.rearrange(p), m);
    y = v7.blend(v6.rearrange(q), nm);
    v6 = x;
    v7 = y;
    VectorShuffle<Float> order = STEP_PAIR;
    v0.rearrange(order).intoArray(d, dst);
    v1.rearrange(order).intoArray(d, dst + 16);
    v2.rearrange(order).intoArray(d, dst + 32);
    v3.rearrange(order).intoArray(d, dst + 48);
    v4.rearrange(order).intoArray(d, dst + 64);
    v5.rearrange(order).intoArray(d, dst + 80);
    v6.rearrange(order).intoArray(d, dst + 96);
    v7.rearrange(order).intoArray(d, dst + 112);
  }
}
