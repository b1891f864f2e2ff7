package dev.marginal.tensor;

import static dev.marginal.tensor.GemmMicroKernel.MR;
import static dev.marginal.tensor.GemmMicroKernel.NR;

import java.util.Arrays;

/**
 * Blocked, packed matrix multiply on the Vector API, after Goto and van de Geijn (2008): for each block of
 * {@value #KC} summation steps, B is packed into column panels and A into row panels of at most {@value #MC} rows,
 * and {@link GemmMicroKernel} computes {@code MR × NR} tiles of C from them.
 *
 * <p>Work is split into a grid of chunks over rows and columns of C, never over the summation index. When several
 * chunks share a column of panels, B is packed whole first (and A too when several column chunks would each need
 * it), in parallel, then the chunks run; a grid of one row of chunks (the grid of every product of at most
 * {@value #COLUMN_SPLIT_ROWS} rows with a column panel per chunk) leaves each chunk to pack its own panels of B
 * block by block, and a product of more rows with at least half as many rows as columns is split by rows alone. The
 * number of chunks grows with the multiply-adds (at least {@value #CHUNK_MACS} per chunk) and the grid is chosen from
 * the shape alone. Every element of C is summed in the same order whatever the grid, so C is
 * bit-identical for any thread count.
 *
 * <p>References: K. Goto and R. van de Geijn, Anatomy of high-performance matrix multiplication, ACM TOMS 34 (2008).
 */
final class VectorGemm {
  /**
   * Most summation steps per packed block (blocks are of near-equal length). Each block passes over its tiles of C
   * once, loading and storing them, so long blocks save those passes: a {@code KC × NR} panel of B (100 KiB with
   * 512-bit vectors) streams from L2 as fast as a 32 KiB one read from L1. On two Zen 5 cores, 800 instead of 256
   * took 5000 × 200 × 784 and 1024³ from about 240 to about 300 GFLOP/s (BENCHMARKS.md, "GEMM summation blocks").
   */
  static final int KC = 800;
  /** Rows of A packed at a time; the packed {@code MC × KC} block of A (300 KiB) stays in L2. */
  static final int MC = 96;
  /** Problems with at most this many multiply-adds skip packing and threads altogether. */
  static final long SMALL_MACS = 1L << 15;
  /**
   * Products with fewer rows than this run on the direct path when there are at most two threads, whatever their
   * size: packing B costs as much as a few rows of products per value, and the direct path reads B where it lies.
   * Two threads on the Intel Xeon of BENCHMARKS.md: 20 × 784 × 200 and 64 × 784 × 200 run 30% faster, 100 × 200 ×
   * 200 20%; from 128 rows the two paths are even, and at 256 the packed one is faster. With eight-lane vectors
   * (AVX2, six-row tiles) the threshold is 64: on the AMD EPYC Zen 1 of BENCHMARKS.md the 100-row products of
   * K = 5 training ran faster packed inside the step, though not alone. Both give the same bits.
   */
  static final int DIRECT_ROWS = GemmMicroKernel.L >= 16 ? 128 : 64;
  /**
   * Products with at most this many rows are split by columns only, so that each chunk packs its own panels of B,
   * block by block, just before its tiles read them (from L1 or L2) instead of all of B being packed first. Two
   * threads on the Intel Xeon of BENCHMARKS.md: 128 × 784 × 200 runs 17–30% faster, 256 × 784 × 200 and the
   * 200 × 784 × 1000 weight gradient 5–20%.
   */
  static final int COLUMN_SPLIT_ROWS = 256;
  /** Multiply-adds a chunk must have: below this the hand-off to another thread costs more than it saves. */
  static final long CHUNK_MACS = 1L << 20;
  /** The most chunks one multiply is split into. */
  static final int MAX_CHUNKS = 16;

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private VectorGemm() {}

  /**
   * See {@link Kernels#prepare}: {@code op(B)} packed whole, column panel q at {@code q·k·NR}, the layout the packed
   * path reads when it packs B whole itself; the other paths (small, direct, transposed products) read B as it lies,
   * so where products of {@code rows} rows would take one of those, B is left unpacked.
   */
  static PreparedOperand prepare(boolean transB, int k, int n, float[] b, int bOff, int rows) {
    if (rows <= 0 || n == 0 || k == 0 || path(rows, n, k) != Path.BLOCKED) {
      return new PreparedOperand(transB, k, n, b, bOff, null);
    }
    int colPanels = GemmPacking.panels(n, NR);
    float[] packed = new float[Math.toIntExact((long) colPanels * k * NR)];
    GemmPacking.packB(transB, k, n, b, bOff, null, NR, 0, colPanels, 0, k, packed, 0);
    return new PreparedOperand(transB, k, n, b, bOff, packed);
  }

  /**
   * See {@link Kernels#gemmPrepared}: the path {@link #gemm} would take for this shape, the packed one reading the
   * prepared panels instead of packing B. Each element of C is the same chain of fused multiply-adds either way.
   */
  static void gemmPrepared(boolean transA, int m, float[] a, int aOff, PreparedOperand b, float[] c, int cOff,
      boolean accumulate) {
    int n = b.n;
    int k = b.k;
    if (b.packed == null || m == 0 || n == 0 || k == 0 || path(m, n, k) != Path.BLOCKED) {
      gemm(transA, b.transB, m, n, k, a, aOff, b.b, b.bOff, c, cOff, accumulate);
      return;
    }
    Blocked g = new Blocked(transA, b.transB, m, n, k, a, aOff, null, b.b, b.bOff, null, c, cOff, accumulate);
    g.preparedB = b.packed;
    g.run();
  }

  /** The paths of a product with neither dimension nor the summation empty. */
  private enum Path { SMALL, DIRECT, TRANSPOSED, BLOCKED }

  /** Which path {@link #gemm} takes for an {@code m × n × k} product (the shape and the thread count decide). */
  private static Path path(int m, int n, int k) {
    if ((long) m * n * k <= SMALL_MACS) {
      return Path.SMALL;
    }
    if (Blocked.chunkCount((long) m * n * k) == 1 || (m < DIRECT_ROWS && Parallel.threads() <= 2)) {
      return Path.DIRECT;
    }
    return paddedWork(n, m) * 4 < paddedWork(m, n) * 3 ? Path.TRANSPOSED : Path.BLOCKED;
  }

  /** See {@link Kernels#gemm}. */
  static void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    gemmRowScaled(transA, transB, m, n, k, a, aOff, null, b, bOff, null, c, cOff, accumulate);
  }

  /**
   * See {@link Kernels#gemmRowScaled}. The blocked path scales rows as it packs them; the others (small, direct and
   * transposed products) multiply scaled copies of the operands.
   */
  static void gemmRowScaled(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
      float[] aRowScale, float[] b, int bOff, float[] bRowScale, float[] c, int cOff, boolean accumulate) {
    RowScaling.check(transA, transB, m, k, aRowScale, bRowScale);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      if (!accumulate) {
        Arrays.fill(c, cOff, cOff + m * n, 0f);
      }
      return;
    }
    Path path = path(m, n, k);
    boolean small = path == Path.SMALL;
    boolean direct = path == Path.DIRECT;
    boolean transposed = path == Path.TRANSPOSED;
    if ((small || direct || transposed) && (aRowScale != null || bRowScale != null)) {
      float[] as = aRowScale == null ? a : RowScaling.scaledRows(a, aOff, aRowScale, m, k);
      float[] bs = bRowScale == null ? b : RowScaling.scaledRows(b, bOff, bRowScale, k, n);
      gemm(transA, transB, m, n, k, as, aRowScale == null ? aOff : 0, bs, bRowScale == null ? bOff : 0, c, cOff,
          accumulate);
      return;
    }
    if (small) {
      GemmSmall.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else if (direct) {
      GemmDirect.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else if (transposed) {
      transposed(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else {
      new Blocked(transA, transB, m, n, k, a, aOff, aRowScale, b, bOff, bRowScale, c, cOff, accumulate).run();
    }
  }

  /** Row and column chunks of the packed path's grid for an {@code m × n × k} product (the shape alone decides). */
  static int[] chunkGrid(int m, int n, int k) {
    Blocked g = new Blocked(false, false, m, n, k, null, 0, null, null, 0, null, null, 0, false);
    return new int[] {g.rowChunks, g.colChunks};
  }

  /** Rows times columns of C that the micro-kernel computes, tiles padded to {@code MR × NR}. */
  private static long paddedWork(int rows, int cols) {
    return (long) GemmPacking.panels(rows, MR) * MR * GemmPacking.panels(cols, NR) * NR;
  }

  /**
   * Computes {@code Cᵀ = op(B)ᵀ·op(A)ᵀ} into scratch and transposes it back, for C with few columns (a weight
   * gradient with four outputs would otherwise fill an eighth of each tile). Every element is the same chain of
   * fused multiply-adds over the summation index in the same order, so C is bit-identical to the direct product.
   */
  private static void transposed(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    Workspace ws = WORKSPACE.get();
    float[] t = ws.transposedC = Workspace.atLeast(ws.transposedC, m * n);
    if (accumulate) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          t[j * m + i] = c[cOff + i * n + j];
        }
      }
    }
    new Blocked(!transB, !transA, n, m, k, b, bOff, null, a, aOff, null, t, 0, accumulate).run();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        c[cOff + i * n + j] = t[j * m + i];
      }
    }
  }

  /** Per-thread buffers, grown on demand and kept for the next call. */
  private static final class Workspace {
    float[] packedB = new float[0];
    float[] packedA = new float[0];
    float[] transposedC = new float[0];
    float[] blockA = new float[MC * KC];
    float[] chunkB = new float[0];
    final float[] tile = new float[MR * NR];

    static float[] atLeast(float[] buf, int size) {
      return buf.length >= size ? buf : new float[size];
    }
  }

  /** One multiply: its shape, its chunk grid and the operands. */
  private static final class Blocked {
    final boolean transA;
    final boolean transB;
    final int m;
    final int n;
    final int k;
    final float[] a;
    final int aOff;
    final float[] b;
    final int bOff;
    /** Scales of the rows of A and of B ({@link Kernels#gemmRowScaled}), or null. */
    final float[] aRowScale;
    final float[] bRowScale;
    final float[] c;
    final int cOff;
    final boolean accumulate;
    final int rowPanels;
    final int colPanels;
    final int kBlocks;
    /** Chunks along rows and along columns of C. */
    final int rowChunks;
    final int colChunks;
    /** The whole of B packed (when several row chunks read each panel), else null: each chunk packs its own. */
    float[] packedB;
    /** The whole of A packed (when several column chunks would otherwise each pack it), else null. */
    float[] packedA;
    /** B packed whole beforehand ({@link #prepare}), read as {@link #packedB} and never packed here, else null. */
    float[] preparedB;

    Blocked(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] aRowScale,
        float[] b, int bOff, float[] bRowScale, float[] c, int cOff, boolean accumulate) {
      this.aRowScale = aRowScale;
      this.bRowScale = bRowScale;
      this.transA = transA;
      this.transB = transB;
      this.m = m;
      this.n = n;
      this.k = k;
      this.a = a;
      this.aOff = aOff;
      this.b = b;
      this.bOff = bOff;
      this.c = c;
      this.cOff = cOff;
      this.accumulate = accumulate;
      rowPanels = GemmPacking.panels(m, MR);
      colPanels = GemmPacking.panels(n, NR);
      kBlocks = GemmPacking.panels(k, KC);
      int chunks = chunkCount((long) m * n * k);
      int bestRows = 1;
      double bestCost = Double.MAX_VALUE;
      for (int r = 1; r <= chunks; r *= 2) {
        int cols = chunks / r;
        if (r > rowPanels || cols > colPanels) {
          continue;
        }
        double cost = chunkCost(r, cols);
        if (cost < bestCost) {
          bestCost = cost;
          bestRows = r;
        }
      }
      if (m <= COLUMN_SPLIT_ROWS && chunks <= colPanels) {
        bestRows = 1;
      } else if (m > COLUMN_SPLIT_ROWS && 2L * m >= n && chunks <= rowPanels) {
        // By rows only: B packed whole once and each chunk packing its own rows of A, rather than A packed whole and
        // read through by every column chunk. Two threads on a 2-core AMD EPYC (Zen 1), inside one process: 1024³
        // 75 → 80 GFLOP/s, 2048 × 512 × 512 75 → 84, 1000 × 784 × 200 80 → 82, 784 × 1024 × 1000 75 → 79; with far
        // more columns than rows the column split stays (300 × 4096 × 256: 79 against 76 by rows). BENCHMARKS.md.
        bestRows = chunks;
      }
      rowChunks = bestRows;
      colChunks = chunks / bestRows;
    }

    /** A power of two, at most {@link #MAX_CHUNKS}, with at least {@link #CHUNK_MACS} per chunk. */
    static int chunkCount(long macs) {
      long c = Math.max(1, Math.min(MAX_CHUNKS, macs / CHUNK_MACS));
      return Integer.highestOneBit((int) c);
    }

    /** Multiply-adds of the largest chunk of an {@code r × cols} grid, counting the padding of edge tiles. */
    double chunkCost(int r, int cols) {
      return (double) GemmPacking.panels(rowPanels, r) * MR * GemmPacking.panels(colPanels, cols) * NR * k;
    }

    void run() {
      int chunks = rowChunks * colChunks;
      Workspace ws = WORKSPACE.get();
      if (preparedB != null) {
        packedB = preparedB;
      } else if (rowChunks > 1) {
        packedB = ws.packedB = Workspace.atLeast(ws.packedB, colPanels * k * NR);
      }
      if (colChunks > 1) {
        packedA = ws.packedA = Workspace.atLeast(ws.packedA, rowPanels * k * MR);
      }
      int parts = packParts() + (packedA == null ? 0 : chunks);
      if (parts > 0) {
        Parallel.forEach(parts, chunks > 1, this::pack);
      }
      Parallel.forEach(chunks, chunks > 1, this::chunk);
    }

    /** Parts B is packed in before the chunks run: one per chunk when B is packed whole, else none. */
    int packParts() {
      return packedB == null || preparedB != null ? 0 : rowChunks * colChunks;
    }

    /**
     * Packs part {@code g} of B (the first {@link #packParts} parts) or of A (the {@code chunks} after them), so
     * packing runs in parallel.
     */
    void pack(int g) {
      int chunks = rowChunks * colChunks;
      int bParts = packParts();
      if (g < bParts) {
        int q0 = colPanels * g / chunks;
        GemmPacking.packB(transB, k, n, b, bOff, bRowScale, NR, q0, colPanels * (g + 1) / chunks, 0, k, packedB,
            q0 * k * NR);
      } else if (packedA != null) {
        int h = g - bParts;
        GemmPacking.packA(transA, m, k, a, aOff, aRowScale, MR, 0, rowPanels * h / chunks,
            rowPanels * (h + 1) / chunks, 0, k, packedA, 0, k * MR);
      }
    }

    /** First summation index of block {@code kb}: blocks of near-equal length. */
    int kStart(int kb) {
      return (int) ((long) k * kb / kBlocks);
    }

    /** Computes the block of C of chunk {@code ch}: row panels and column panels split as evenly as possible. */
    void chunk(int ch) {
      int rc = ch / colChunks;
      int cc = ch % colChunks;
      int ip0 = (int) ((long) rowPanels * rc / rowChunks);
      int ip1 = (int) ((long) rowPanels * (rc + 1) / rowChunks);
      int q0 = (int) ((long) colPanels * cc / colChunks);
      int q1 = (int) ((long) colPanels * (cc + 1) / colChunks);
      Workspace ws = WORKSPACE.get();
      for (int kb = 0; kb < kBlocks; kb++) {
        // The first block starts each sum from zero unless accumulating, so C needs no clearing pass.
        boolean fromZero = kb == 0 && !accumulate;
        int p0 = kStart(kb);
        int kc = kStart(kb + 1) - p0;
        float[] pb = packedB;
        int bFirst = p0 * NR;
        int bStride = k * NR;
        if (pb == null) {
          // The only chunk on these columns: it packs their block of B itself, just before its tiles read it.
          pb = ws.chunkB = Workspace.atLeast(ws.chunkB, (q1 - q0) * kc * NR);
          GemmPacking.packB(transB, k, n, b, bOff, bRowScale, NR, q0, q1, p0, kc, pb, 0);
          bFirst = -q0 * kc * NR;
          bStride = kc * NR;
        }
        for (int i0 = ip0 * MR; i0 < ip1 * MR && i0 < m; i0 += MC) {
          int blockPanels = Math.min(MC / MR, ip1 - i0 / MR);
          float[] pa;
          int aBase;
          int aStride;
          if (packedA != null) {
            pa = packedA;
            aBase = (i0 / MR) * k * MR + p0 * MR;
            aStride = k * MR;
          } else {
            pa = ws.blockA = Workspace.atLeast(ws.blockA, blockPanels * kc * MR);
            GemmPacking.packA(transA, m, k, a, aOff, aRowScale, MR, i0, 0, blockPanels, p0, kc, pa, 0, kc * MR);
            aBase = 0;
            aStride = kc * MR;
          }
          for (int q = q0; q < q1; q++) {
            int bBase = bFirst + q * bStride;
            for (int ip = 0; ip < blockPanels; ip++) {
              tile(ws, kc, pa, aBase + ip * aStride, pb, bBase, i0 + ip * MR, q * NR, fromZero);
            }
          }
        }
      }
    }

    /**
     * Adds the products of one tile to C at row {@code i}, column {@code j} (or, {@code fromZero}, writes them over
     * what C held). An edge tile is copied into a scratch tile, updated there and copied back: by the same kernel, by
     * the kernel one vector wide when its columns fit in one vector, or, when they fit in half of one, by the kernel of
     * row pairs (the 8 columns left of 200 take about half the time they took one vector wide). Each element of C is
     * the same chain of fused multiply-adds in every case, so it sees exactly the same arithmetic.
     */
    void tile(Workspace ws, int kc, float[] pa, int ai, float[] pb, int bi, int i, int j, boolean fromZero) {
      int rows = Math.min(MR, m - i);
      int cols = Math.min(NR, n - j);
      int ci = cOff + i * n + j;
      if (rows == MR && cols == NR) {
        GemmMicroKernel.tile(kc, pa, ai, pb, bi, c, ci, n, fromZero);
        return;
      }
      float[] t = ws.tile;
      // Row r of the scratch tile: in pairs of rows for a panel at most half a vector wide, else at r·NR.
      boolean pairs = GemmMicroKernel.ROW_PAIRS && cols <= GemmMicroKernel.HALF;
      if (!fromZero) {
        Arrays.fill(t, 0f);
        for (int r = 0; r < rows; r++) {
          System.arraycopy(c, ci + r * n, t, pairs ? scratchRow(r) : r * NR, cols);
        }
      }
      if (pairs) {
        GemmMicroKernel.rowPairTile(kc, pa, ai, pb, bi, t, fromZero);
      } else if (cols <= GemmMicroKernel.L) {
        // The panel's second vector is all padding: half the work.
        GemmMicroKernel.oneVectorTile(kc, pa, ai, pb, bi, t, fromZero);
      } else {
        GemmMicroKernel.tile(kc, pa, ai, pb, bi, t, 0, NR, fromZero);
      }
      for (int r = 0; r < rows; r++) {
        System.arraycopy(t, pairs ? scratchRow(r) : r * NR, c, ci + r * n, cols);
      }
    }

    /** Where row r of a tile of row pairs starts in the scratch tile ({@link GemmMicroKernel#rowPairTile}). */
    private static int scratchRow(int r) {
      return (r / 2) * GemmMicroKernel.L + (r % 2) * GemmMicroKernel.HALF;
    }
  }
}
