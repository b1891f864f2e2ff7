package dev.marginal.tensor;

import static dev.marginal.tensor.GemmMicroKernel.L;
import static dev.marginal.tensor.GemmMicroKernel.NR;
import static dev.marginal.tensor.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * Matrix multiply for problems too small for {@link VectorGemm}'s packed chunks but too large for {@link GemmSmall}:
 * the micro-kernel's register tiles, reading A and B where they lie instead of packing them. B is copied only when
 * stored transposed (into row-major order). A last block of fewer than {@code L} columns is computed as the one-vector
 * block that ends with the last column, overlapping the block before it, in place; where that cannot be (a sum added
 * to C, or fewer than {@code L} columns in all) it goes through zero-padded copies of its columns of B and C. From
 * {@link #SPLIT_MACS} multiply-adds on, the columns are computed in two parts, which two threads share, each copying
 * the part of a transposed B it reads; a product with fewer than {@code 2·NR} columns is split into two parts of rows
 * instead. The 100-row products of IWAE K = 5 training at {@code 100 × 200 × 50} are of this size, and a single
 * thread left the other idle.
 *
 * <p>Every element of C is one chain of fused multiply-adds over the summation index in increasing order, starting
 * from zero (or from C when accumulating), exactly as in {@link VectorGemm}'s packed path, so the two give
 * bit-identical results.
 */
final class GemmDirect {
  /** Products of at least this many multiply-adds are computed in two parts, on two threads where there are two. */
  static final long SPLIT_MACS = 1L << 18;
  /** Rows of C per tile of the direct path. */
  static final int MR = 8;
  /**
   * Whether two-vector tiles are six rows high instead of eight: where vectors are narrower than sixteen lanes, as
   * {@link GemmMicroKernel#MR}, so that the accumulators fit the sixteen vector registers.
   */
  static final boolean SIX_ROWS = GemmMicroKernel.MR == 6;
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private GemmDirect() {}

  /** See {@link Kernels#gemm}. */
  static void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    // A(i, p) = a[aOff + i·rowStep + p·sumStep]
    int rowStep = transA ? 1 : k;
    int sumStep = transA ? m : 1;
    // B in row-major order: as it lies, or a copy of the transposed one (rbOff 0).
    int rbOff = transB ? 0 : bOff;
    boolean shared = (long) m * n * k >= SPLIT_MACS;
    int blocks = n / NR;
    if (shared && blocks >= 2) {
      // Two parts split at a whole number of NR-column blocks, each copying the columns of B it reads: each column of
      // C is computed by the same calls whichever part it falls in, so the split changes no bit.
      int mid = firstPartBlocks(n) * NR;
      Parallel.forEach(2, true, part -> {
        int j0 = part == 0 ? mid : 0;
        int j1 = part == 0 ? n : mid;
        float[] rb = transB ? rowMajorCopy(n, k, b, bOff, j0, j1) : b;
        columnRange(j0, j1, m, n, k, a, aOff, rowStep, sumStep, rb, rbOff, c, cOff, accumulate);
      });
      return;
    }
    float[] rb = transB ? rowMajorCopy(n, k, b, bOff, 0, n) : b;
    if (shared && m >= 2 * MR) {
      // Too few columns to split (a product with fewer than 2·NR outputs): two parts of whole MR-row tiles instead.
      // Every element of C is the same chain of fused multiply-adds whichever rows a part holds.
      int mid = (m / MR + 1) / 2 * MR;
      Parallel.forEach(2, true, part -> {
        int i0 = part == 0 ? 0 : mid;
        int rows = part == 0 ? mid : m - mid;
        columnRange(0, n, rows, n, k, a, aOff + i0 * rowStep, rowStep, sumStep, rb, rbOff, c, cOff + i0 * n,
            accumulate);
      });
      return;
    }
    columnRange(0, n, m, n, k, a, aOff, rowStep, sumStep, rb, rbOff, c, cOff, accumulate);
  }

  /**
   * Blocks of {@code NR} columns in the part of a two-part split that holds the first columns and goes to a worker;
   * the calling thread takes the other part (a job's chunk 0, which the caller starts on at once; the worker picks
   * the job up within a microsecond as a rule, but now and then 100 µs or more later), with the last, narrower
   * columns (a one-vector block overlapping the one before, or a zero-padded copy). Counting work in vectors of
   * columns, such a last block as one, the worker's part is the whole number of blocks nearest to half, rounding
   * down. Before, the worker took the last columns: in a K = 5 step, the 100 × 784 × 200 product with B stored
   * transposed kept the caller waiting about 120 µs (its worker copied eight more columns of B, one at a time, then
   * padded them).
   *
   * @param n columns, at least {@code 2·NR}
   */
  static int firstPartBlocks(int n) {
    int vectors = (n + L - 1) / L;
    return (vectors + 1) / 4;
  }

  /**
   * Columns {@code [from, to)} of {@code [k, n]} row-major, in this thread's scratch, from B stored {@code [n, k]}:
   * {@link GemmPacking#copyTransposed} for the columns in whole groups of eight, the last few value by value. The
   * scratch's other columns are left as they were.
   */
  private static float[] rowMajorCopy(int n, int k, float[] b, int bOff, int from, int to) {
    Scratch s = SCRATCH.get();
    float[] rb = s.rowMajorB = Scratch.atLeast(s.rowMajorB, k * n);
    int grouped = from + ((to - from) & ~7);
    GemmPacking.copyTransposed(k, b, bOff + from * k, k, grouped - from, rb, from, n);
    for (int p = 0; p < k; p++) {
      for (int j = grouped, at = bOff + grouped * k + p; j < to; j++, at += k) {
        rb[p * n + j] = b[at];
      }
    }
    return rb;
  }

  /** Columns {@code [j0, j1)} of C; {@code j0} is a multiple of {@code NR}, and only the last range ends at {@code n}. */
  private static void columnRange(int j0, int j1, int m, int n, int k, float[] a, int aOff, int rowStep, int sumStep,
      float[] rb, int rbOff, float[] c, int cOff, boolean accumulate) {
    int j = j0;
    for (; j + NR <= j1; j += NR) {
      columns(2, m, k, a, aOff, rowStep, sumStep, rb, rbOff + j, n, c, cOff + j, n, accumulate);
    }
    for (; j + L <= j1; j += L) {
      columns(1, m, k, a, aOff, rowStep, sumStep, rb, rbOff + j, n, c, cOff + j, n, accumulate);
    }
    if (j < j1 && !accumulate && j1 - L >= j0) {
      // The last one-vector block ends at j1 and overlaps the block before: its first columns get the values they
      // already hold again (the same chains of multiply-adds, so the same bits), and no padded copy is needed.
      columns(1, m, k, a, aOff, rowStep, sumStep, rb, rbOff + j1 - L, n, c, cOff + j1 - L, n, false);
    } else if (j < j1) {
      padded(m, n, k, j, a, aOff, rowStep, sumStep, rb, rbOff, c, cOff, accumulate, SCRATCH.get());
    }
  }

  /** The last {@code n − j0 < L} columns, through zero-padded copies of B's and C's columns one vector wide. */
  private static void padded(int m, int n, int k, int j0, float[] a, int aOff, int rowStep, int sumStep,
      float[] b, int bOff, float[] c, int cOff, boolean accumulate, Scratch s) {
    int cols = n - j0;
    float[] pb = s.paddedB = Scratch.atLeast(s.paddedB, k * L);
    float[] pc = s.paddedC = Scratch.atLeast(s.paddedC, m * L);
    for (int p = 0; p < k; p++) {
      System.arraycopy(b, bOff + p * n + j0, pb, p * L, cols);
      java.util.Arrays.fill(pb, p * L + cols, (p + 1) * L, 0f);
    }
    if (accumulate) {
      for (int i = 0; i < m; i++) {
        System.arraycopy(c, cOff + i * n + j0, pc, i * L, cols);
      }
    }
    columns(1, m, k, a, aOff, rowStep, sumStep, pb, 0, L, pc, 0, L, accumulate);
    for (int i = 0; i < m; i++) {
      System.arraycopy(pc, i * L, c, cOff + i * n + j0, cols);
    }
  }

  /**
   * One block of {@code vectors · L} columns of C, all rows: {@code MR} rows at a time, then four, then row by row.
   * A single row is one chain of fused multiply-adds per vector, each waiting for the last; the four-row tile keeps
   * four or eight chains in flight, so the last four rows of a 20- or 100-row product (the IWAE batches) no longer
   * take longer than the sixteen or ninety-six before them.
   */
  private static void columns(int vectors, int m, int k, float[] a, int aOff, int rowStep, int sumStep,
      float[] b, int bi, int ldb, float[] c, int ci, int ldc, boolean accumulate) {
    int i = 0;
    if (vectors == 2 && SIX_ROWS) {
      for (int end = sixRowTiles(m) * 6; i < end; i += 6) {
        tile6x2(k, a, aOff + i * rowStep, rowStep, sumStep, b, bi, ldb, c, ci + i * ldc, ldc, accumulate);
      }
      for (; i + 4 <= m; i += 4) {
        tile4x2(k, a, aOff + i * rowStep, rowStep, sumStep, b, bi, ldb, c, ci + i * ldc, ldc, accumulate);
      }
    }
    for (; i + MR <= m; i += MR) {
      if (vectors == 2) {
        tile8x2(k, a, aOff + i * rowStep, rowStep, sumStep, b, bi, ldb, c, ci + i * ldc, ldc, accumulate);
      } else {
        tile8x1(k, a, aOff + i * rowStep, rowStep, sumStep, b, bi, ldb, c, ci + i * ldc, ldc, accumulate);
      }
    }
    if (i + 4 <= m) {
      if (vectors == 2) {
        tile4x2(k, a, aOff + i * rowStep, rowStep, sumStep, b, bi, ldb, c, ci + i * ldc, ldc, accumulate);
      } else {
        tile4x1(k, a, aOff + i * rowStep, rowStep, sumStep, b, bi, ldb, c, ci + i * ldc, ldc, accumulate);
      }
      i += 4;
    }
    for (; i < m; i++) {
      for (int v = 0; v < vectors; v++) {
        row(k, a, aOff + i * rowStep, sumStep, b, bi + v * L, ldb, c, ci + i * ldc + v * L, accumulate);
      }
    }
  }

  /**
   * Six-row tiles for the first rows of {@code m}: as many as leave a multiple of four rows for the four-row tiles,
   * else as many as fit (20 rows: two, then two of four; 100: sixteen, then one of four).
   */
  static int sixRowTiles(int m) {
    for (int t = m / 6; t >= 0; t--) {
      if ((m - 6 * t) % 4 == 0) {
        return t;
      }
    }
    return m / 6;
  }

  /** One row of C, one vector wide. */
  private static void row(int k, float[] a, int ai, int sumStep, float[] b, int bi, int ldb, float[] c, int ci,
      boolean accumulate) {
    FloatVector acc = accumulate ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
    for (int p = 0; p < k; p++, ai += sumStep, bi += ldb) {
      acc = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, b, bi), acc);
    }
    acc.intoArray(c, ci);
  }

  /**
   * Eight rows of C, one vector wide (eight accumulators): row r of A at {@code ai + r·rs}, summation step p at
   * {@code p·sumStep} further, B's step p at {@code bi + p·ldb}.
   */
  private static void tile8x1(int k, float[] a, int ai, int rs, int sumStep, float[] b, int bi, int ldb,
      float[] c, int ci, int ldc, boolean accumulate) {
    FloatVector c0 = init(c, ci, accumulate);
    FloatVector c1 = init(c, ci + ldc, accumulate);
    FloatVector c2 = init(c, ci + 2 * ldc, accumulate);
    FloatVector c3 = init(c, ci + 3 * ldc, accumulate);
    FloatVector c4 = init(c, ci + 4 * ldc, accumulate);
    FloatVector c5 = init(c, ci + 5 * ldc, accumulate);
    FloatVector c6 = init(c, ci + 6 * ldc, accumulate);
    FloatVector c7 = init(c, ci + 7 * ldc, accumulate);
    for (int p = 0; p < k; p++, ai += sumStep, bi += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      c0 = FloatVector.broadcast(S, a[ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[ai + rs]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[ai + 2 * rs]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[ai + 3 * rs]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, a[ai + 4 * rs]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, a[ai + 5 * rs]).fma(b0, c5);
      c6 = FloatVector.broadcast(S, a[ai + 6 * rs]).fma(b0, c6);
      c7 = FloatVector.broadcast(S, a[ai + 7 * rs]).fma(b0, c7);
    }
    c0.intoArray(c, ci);
    c1.intoArray(c, ci + ldc);
    c2.intoArray(c, ci + 2 * ldc);
    c3.intoArray(c, ci + 3 * ldc);
    c4.intoArray(c, ci + 4 * ldc);
    c5.intoArray(c, ci + 5 * ldc);
    c6.intoArray(c, ci + 6 * ldc);
    c7.intoArray(c, ci + 7 * ldc);
  }

  /** Eight rows of C, two vectors wide (sixteen accumulators, the micro-kernel's tile). */
  private static void tile8x2(int k, float[] a, int ai, int rs, int sumStep, float[] b, int bi, int ldb,
      float[] c, int ci, int ldc, boolean accumulate) {
    FloatVector c00 = init(c, ci, accumulate);
    FloatVector c01 = init(c, ci + L, accumulate);
    FloatVector c10 = init(c, ci + ldc, accumulate);
    FloatVector c11 = init(c, ci + ldc + L, accumulate);
    FloatVector c20 = init(c, ci + 2 * ldc, accumulate);
    FloatVector c21 = init(c, ci + 2 * ldc + L, accumulate);
    FloatVector c30 = init(c, ci + 3 * ldc, accumulate);
    FloatVector c31 = init(c, ci + 3 * ldc + L, accumulate);
    FloatVector c40 = init(c, ci + 4 * ldc, accumulate);
    FloatVector c41 = init(c, ci + 4 * ldc + L, accumulate);
    FloatVector c50 = init(c, ci + 5 * ldc, accumulate);
    FloatVector c51 = init(c, ci + 5 * ldc + L, accumulate);
    FloatVector c60 = init(c, ci + 6 * ldc, accumulate);
    FloatVector c61 = init(c, ci + 6 * ldc + L, accumulate);
    FloatVector c70 = init(c, ci + 7 * ldc, accumulate);
    FloatVector c71 = init(c, ci + 7 * ldc + L, accumulate);
    for (int p = 0; p < k; p++, ai += sumStep, bi += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector x = FloatVector.broadcast(S, a[ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ai + rs]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ai + 2 * rs]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ai + 3 * rs]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[ai + 4 * rs]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[ai + 5 * rs]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(S, a[ai + 6 * rs]);
      c60 = x.fma(b0, c60);
      c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(S, a[ai + 7 * rs]);
      c70 = x.fma(b0, c70);
      c71 = x.fma(b1, c71);
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

  /** Six rows of C, two vectors wide (twelve accumulators): {@link #tile8x2}'s arithmetic for the rows it has. */
  private static void tile6x2(int k, float[] a, int ai, int rs, int sumStep, float[] b, int bi, int ldb,
      float[] c, int ci, int ldc, boolean accumulate) {
    FloatVector c00 = init(c, ci, accumulate);
    FloatVector c01 = init(c, ci + L, accumulate);
    FloatVector c10 = init(c, ci + ldc, accumulate);
    FloatVector c11 = init(c, ci + ldc + L, accumulate);
    FloatVector c20 = init(c, ci + 2 * ldc, accumulate);
    FloatVector c21 = init(c, ci + 2 * ldc + L, accumulate);
    FloatVector c30 = init(c, ci + 3 * ldc, accumulate);
    FloatVector c31 = init(c, ci + 3 * ldc + L, accumulate);
    FloatVector c40 = init(c, ci + 4 * ldc, accumulate);
    FloatVector c41 = init(c, ci + 4 * ldc + L, accumulate);
    FloatVector c50 = init(c, ci + 5 * ldc, accumulate);
    FloatVector c51 = init(c, ci + 5 * ldc + L, accumulate);
    for (int p = 0; p < k; p++, ai += sumStep, bi += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector x = FloatVector.broadcast(S, a[ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ai + rs]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ai + 2 * rs]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ai + 3 * rs]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[ai + 4 * rs]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[ai + 5 * rs]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
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

  /** Four rows of C, one vector wide (four accumulators): {@link #tile8x1}'s arithmetic for the rows it has. */
  static void tile4x1(int k, float[] a, int ai, int rs, int sumStep, float[] b, int bi, int ldb,
      float[] c, int ci, int ldc, boolean accumulate) {
    FloatVector c0 = init(c, ci, accumulate);
    FloatVector c1 = init(c, ci + ldc, accumulate);
    FloatVector c2 = init(c, ci + 2 * ldc, accumulate);
    FloatVector c3 = init(c, ci + 3 * ldc, accumulate);
    for (int p = 0; p < k; p++, ai += sumStep, bi += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      c0 = FloatVector.broadcast(S, a[ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[ai + rs]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[ai + 2 * rs]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[ai + 3 * rs]).fma(b0, c3);
    }
    c0.intoArray(c, ci);
    c1.intoArray(c, ci + ldc);
    c2.intoArray(c, ci + 2 * ldc);
    c3.intoArray(c, ci + 3 * ldc);
  }

  /** Four rows of C, two vectors wide (eight accumulators): {@link #tile8x2}'s arithmetic for the rows it has. */
  static void tile4x2(int k, float[] a, int ai, int rs, int sumStep, float[] b, int bi, int ldb,
      float[] c, int ci, int ldc, boolean accumulate) {
    FloatVector c00 = init(c, ci, accumulate);
    FloatVector c01 = init(c, ci + L, accumulate);
    FloatVector c10 = init(c, ci + ldc, accumulate);
    FloatVector c11 = init(c, ci + ldc + L, accumulate);
    FloatVector c20 = init(c, ci + 2 * ldc, accumulate);
    FloatVector c21 = init(c, ci + 2 * ldc + L, accumulate);
    FloatVector c30 = init(c, ci + 3 * ldc, accumulate);
    FloatVector c31 = init(c, ci + 3 * ldc + L, accumulate);
    for (int p = 0; p < k; p++, ai += sumStep, bi += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector x = FloatVector.broadcast(S, a[ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ai + rs]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ai + 2 * rs]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ai + 3 * rs]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    c00.intoArray(c, ci);
    c01.intoArray(c, ci + L);
    c10.intoArray(c, ci + ldc);
    c11.intoArray(c, ci + ldc + L);
    c20.intoArray(c, ci + 2 * ldc);
    c21.intoArray(c, ci + 2 * ldc + L);
    c30.intoArray(c, ci + 3 * ldc);
    c31.intoArray(c, ci + 3 * ldc + L);
  }

  private static FloatVector init(float[] c, int ci, boolean accumulate) {
    return accumulate ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
  }

  /** Per-thread copies of B and of C's last columns, grown on demand. */
  private static final class Scratch {
    float[] rowMajorB = new float[0];
    float[] paddedB = new float[0];
    float[] paddedC = new float[0];

    static float[] atLeast(float[] buf, int size) {
      return buf.length >= size ? buf : new float[size];
    }
  }
}
