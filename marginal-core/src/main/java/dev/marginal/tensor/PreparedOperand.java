package dev.marginal.tensor;

/**
 * The right operand B of many products {@code op(A)·op(B)} with the same B, prepared once by
 * {@link Kernels#prepare} for {@link Kernels#gemmPrepared}: a layer's weights applied to block after block of rows.
 * The kernels may keep B packed in the layout their products read, so that the blocks do not pack it again each. B
 * must not change while the prepared operand is in use: the packed copy would not see the change.
 */
public final class PreparedOperand {
  final boolean transB;
  final int k;
  final int n;
  final float[] b;
  final int bOff;
  /** op(B) packed whole as the kernels' products read it, or null where they read B as it lies. */
  final float[] packed;

  PreparedOperand(boolean transB, int k, int n, float[] b, int bOff, float[] packed) {
    this.transB = transB;
    this.k = k;
    this.n = n;
    this.b = b;
    this.bOff = bOff;
    this.packed = packed;
  }

  /** Rows of {@code op(B)}: the summation length of the products. */
  public int k() {
    return k;
  }

  /** Columns of {@code op(B)} and of the products. */
  public int n() {
    return n;
  }
}
