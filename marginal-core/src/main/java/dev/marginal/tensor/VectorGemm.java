package dev.marginal.tensor;

import static dev.marginal.tensor.GemmMicroKernel.MR;
import static dev.marginal.tensor.GemmMicroKernel.NR;

import java.util.Arrays;

/**
 * Blocked, packed matrix multiply on the Vector API, after Goto and van de Geijn (2008): B is packed once into
 * column panels, A into row panels per block of {@value #KC} summation steps, and {@link GemmMicroKernel} computes
 * {@code MR × NR} tiles of C from them.
 *
 * <p>Work is split over blocks of C ({@value #MC} rows by a shape-dependent number of column panels) and never over
 * the summation index; the split depends only on the shape, so C is bit-identical for any thread count.
 *
 * <p>References: K. Goto and R. van de Geijn, Anatomy of high-performance matrix multiplication, ACM TOMS 34 (2008).
 */
final class VectorGemm {
  /** Summation steps per packed block: a {@code KC × NR} panel of B (32 KiB with 512-bit vectors) stays cached. */
  static final int KC = 256;
  /** Rows of C per work chunk; the packed {@code MC × KC} block of A (96 KiB) stays in L2. */
  static final int MC = 96;
  /** Problems with at most this many multiply-adds skip packing and threads altogether. */
  static final long SMALL_MACS = 1L << 15;
  /** Problems with fewer multiply-adds than this run on the calling thread only. */
  static final long PARALLEL_MIN_MACS = 1L << 20;
  /** Chunks to aim for when the rows alone give too few: enough to balance a few threads. */
  static final int TARGET_CHUNKS = 16;

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private VectorGemm() {}

  /** See {@link Kernels#gemm}. */
  static void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      if (!accumulate) {
        Arrays.fill(c, cOff, cOff + m * n, 0f);
      }
      return;
    }
    if ((long) m * n * k <= SMALL_MACS) {
      GemmSmall.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
      return;
    }
    new Blocked(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate).run();
  }

  /** Per-thread buffers, grown on demand and kept for the next call. */
  private static final class Workspace {
    float[] packedB = new float[0];
    float[] packedA = new float[0];
    float[] blockA = new float[MC * KC];
    final float[] tile = new float[MR * NR];

    static float[] atLeast(float[] buf, int size) {
      return buf.length >= size ? buf : new float[size];
    }
  }

  /** One multiply: its shape, its chunking and its packed operands. */
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
    final float[] c;
    final int cOff;
    final boolean accumulate;
    final int rowPanels;
    final int colPanels;
    final int rowBlocks;
    final int panelsPerBlock;
    final int colBlocks;
    final int kBlocks;
    final boolean worthIt;
    float[] packedB;
    /** The whole of A packed (when column blocks would otherwise each pack it again), else null. */
    float[] packedA;

    Blocked(boolean transA, boolean transB, int m, int n, int k,
        float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
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
      rowBlocks = GemmPacking.panels(m, MC);
      int wantedColBlocks = Math.min(colPanels, GemmPacking.panels(TARGET_CHUNKS, rowBlocks));
      panelsPerBlock = GemmPacking.panels(colPanels, wantedColBlocks);
      colBlocks = GemmPacking.panels(colPanels, panelsPerBlock);
      kBlocks = GemmPacking.panels(k, KC);
      worthIt = (long) m * n * k >= PARALLEL_MIN_MACS;
    }

    void run() {
      Workspace ws = WORKSPACE.get();
      packedB = ws.packedB = Workspace.atLeast(ws.packedB, colPanels * k * NR);
      Parallel.forEach(colBlocks, worthIt, cb -> GemmPacking.packB(transB, k, n, b, bOff, NR,
          cb * panelsPerBlock, Math.min(colPanels, (cb + 1) * panelsPerBlock), packedB));
      if (colBlocks > 1) {
        packedA = ws.packedA = Workspace.atLeast(ws.packedA, rowPanels * k * MR);
        int groups = Math.min(rowPanels, TARGET_CHUNKS);
        Parallel.forEach(groups, worthIt, g -> GemmPacking.packA(transA, m, k, a, aOff, MR, 0,
            rowPanels * g / groups, rowPanels * (g + 1) / groups, 0, k, packedA, 0, k * MR));
      }
      Parallel.forEach(rowBlocks * colBlocks, worthIt, this::chunk);
    }

    /** First summation index of block {@code kb}: blocks of near-equal length. */
    int kStart(int kb) {
      return (int) ((long) k * kb / kBlocks);
    }

    void chunk(int ch) {
      Workspace ws = WORKSPACE.get();
      int i0 = (ch / colBlocks) * MC;
      int rows = Math.min(MC, m - i0);
      int q0 = (ch % colBlocks) * panelsPerBlock;
      int q1 = Math.min(colPanels, q0 + panelsPerBlock);
      int blockPanels = GemmPacking.panels(rows, MR);
      if (!accumulate) {
        clearBlock(i0, rows, q0, q1);
      }
      for (int kb = 0; kb < kBlocks; kb++) {
        int p0 = kStart(kb);
        int kc = kStart(kb + 1) - p0;
        float[] pa;
        int aBase;
        int aStride;
        if (packedA != null) {
          pa = packedA;
          aBase = (i0 / MR) * k * MR + p0 * MR;
          aStride = k * MR;
        } else {
          pa = ws.blockA = Workspace.atLeast(ws.blockA, blockPanels * kc * MR);
          GemmPacking.packA(transA, m, k, a, aOff, MR, i0, 0, blockPanels, p0, kc, pa, 0, kc * MR);
          aBase = 0;
          aStride = kc * MR;
        }
        for (int q = q0; q < q1; q++) {
          int bBase = q * k * NR + p0 * NR;
          for (int ip = 0; ip < blockPanels; ip++) {
            tile(ws, kc, pa, aBase + ip * aStride, bBase, i0 + ip * MR, q * NR);
          }
        }
      }
    }

    /** Sets this chunk's block of C to zero, so that every tile can simply add its products. */
    void clearBlock(int i0, int rows, int q0, int q1) {
      int j0 = q0 * NR;
      int j1 = Math.min(n, q1 * NR);
      for (int i = i0; i < i0 + rows; i++) {
        Arrays.fill(c, cOff + i * n + j0, cOff + i * n + j1, 0f);
      }
    }

    /**
     * Adds the products of one tile to C at row {@code i}, column {@code j}. An edge tile is copied into a zero-padded
     * scratch tile, updated there by the same kernel and copied back, so it sees exactly the same arithmetic.
     */
    void tile(Workspace ws, int kc, float[] pa, int ai, int bi, int i, int j) {
      int rows = Math.min(MR, m - i);
      int cols = Math.min(NR, n - j);
      int ci = cOff + i * n + j;
      if (rows == MR && cols == NR) {
        GemmMicroKernel.addTile(kc, pa, ai, packedB, bi, c, ci, n);
        return;
      }
      float[] t = ws.tile;
      Arrays.fill(t, 0f);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(c, ci + r * n, t, r * NR, cols);
      }
      GemmMicroKernel.addTile(kc, pa, ai, packedB, bi, t, 0, NR);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(t, r * NR, c, ci + r * n, cols);
      }
    }
  }
}
