package dev.marginal.tensor;

/** Matrix products on top of {@link Kernels#gemm}. */
final class LinearAlgebra {
  private LinearAlgebra() {}

  static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
    if (b.shape.length != 2 || a.shape.length < 2 || (transA && a.shape.length != 2)) {
      throw new IllegalArgumentException("matmul needs rank-2 operands (or rank >= 2 on the left without "
          + "transpose), got " + Shape.str(a.shape) + " and " + Shape.str(b.shape));
    }
    int aRows = Shape.prod(a.shape, 0, a.shape.length - 1);
    int aCols = a.shape[a.shape.length - 1];
    int m = transA ? aCols : aRows;
    int k = transA ? aRows : aCols;
    int kb = transB ? b.shape[1] : b.shape[0];
    int n = transB ? b.shape[0] : b.shape[1];
    if (k != kb) {
      throw new IllegalArgumentException("matmul inner dimensions differ: " + Shape.str(a.shape)
          + (transA ? "ᵀ" : "") + " · " + Shape.str(b.shape) + (transB ? "ᵀ" : ""));
    }
    // Every element is written by the multiply; with no summation index, C is zero.
    float[] c = k > 0 ? BufferPool.uninitialized(m * n) : new float[m * n];
    if (k > 0) {
      Kernels.get().gemm(transA, transB, m, n, k, a.data, 0, b.data, 0, c, 0, false);
    }
    int[] shape;
    if (transA || a.shape.length == 2) {
      shape = new int[] {m, n};
    } else {
      shape = a.shape.clone();
      shape[shape.length - 1] = n;
    }
    return new Tensor(c, shape);
  }
}
