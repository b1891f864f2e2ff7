package dev.marginal.tensor;

/** The operand copies and checks behind {@link Kernels#gemmRowScaled}. */
final class RowScaling {
  private RowScaling() {}

  /** Rejects scales on a transposed operand or of the wrong length. */
  static void check(boolean transA, boolean transB, int m, int k, float[] aRowScale, float[] bRowScale) {
    if (aRowScale != null && (transA || aRowScale.length < m)) {
      throw new IllegalArgumentException("row scales of A need A stored [m, k] and m = " + m + " scales");
    }
    if (bRowScale != null && (transB || bRowScale.length < k)) {
      throw new IllegalArgumentException("row scales of B need B stored [k, n] and k = " + k + " scales");
    }
  }

  /**
   * {@code [rows, width]} values from {@code off}, row r multiplied by {@code scale[r]}, into a new array (from the
   * current {@link BufferPool}), on the kernel threads in chunks of whole rows.
   */
  static float[] scaledRows(float[] x, int off, float[] scale, int rows, int width) {
    float[] out = BufferPool.uninitialized(rows * width);
    Parallel.forRanges(rows, Math.max(1, Elementwise.CHUNK / Math.max(1, width)), (r0, r1) -> {
      for (int r = r0; r < r1; r++) {
        float s = scale[r];
        int src = off + r * width;
        int dst = r * width;
        for (int j = 0; j < width; j++) {
          out[dst + j] = s * x[src + j];
        }
      }
    });
    return out;
  }
}
