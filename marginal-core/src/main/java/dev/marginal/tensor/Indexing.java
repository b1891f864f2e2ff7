package dev.marginal.tensor;

/** Slicing, concatenation and gathering along an axis. */
final class Indexing {
  private Indexing() {}

  static Tensor slice(Tensor x, int axis, int from, int to) {
    int len = x.shape[axis];
    if (from < 0 || to > len || from > to) {
      throw new IllegalArgumentException("slice [" + from + ", " + to + ") out of range for axis " + axis
          + " of shape " + Shape.str(x.shape));
    }
    int outer = Shape.prod(x.shape, 0, axis);
    int inner = Shape.prod(x.shape, axis + 1, x.shape.length);
    int width = (to - from) * inner;
    float[] out = new float[outer * width];
    for (int o = 0; o < outer; o++) {
      System.arraycopy(x.data, (o * len + from) * inner, out, o * width, width);
    }
    int[] shape = x.shape.clone();
    shape[axis] = to - from;
    return new Tensor(out, shape);
  }

  static Tensor concat(int axis, Tensor... parts) {
    int[] shape = parts[0].shape.clone();
    int total = 0;
    for (Tensor p : parts) {
      if (p.shape.length != shape.length) {
        throw new IllegalArgumentException("concat needs equal ranks, got " + Shape.str(parts[0].shape) + " and "
            + Shape.str(p.shape));
      }
      for (int d = 0; d < shape.length; d++) {
        if (d != axis && p.shape[d] != shape[d]) {
          throw new IllegalArgumentException("concat: shape " + Shape.str(p.shape) + " does not match "
              + Shape.str(parts[0].shape) + " off axis " + axis);
        }
      }
      total += p.shape[axis];
    }
    shape[axis] = total;
    int outer = Shape.prod(shape, 0, axis);
    int inner = Shape.prod(shape, axis + 1, shape.length);
    float[] out = new float[Shape.size(shape)];
    int rowWidth = total * inner;
    int at = 0;
    for (Tensor p : parts) {
      int w = p.shape[axis] * inner;
      for (int o = 0; o < outer; o++) {
        System.arraycopy(p.data, o * w, out, o * rowWidth + at, w);
      }
      at += w;
    }
    return new Tensor(out, shape);
  }

  static Tensor gather(Tensor x, int[] index) {
    if (x.shape.length == 0) {
      throw new IllegalArgumentException("gather needs rank >= 1");
    }
    int rows = x.shape[0];
    int inner = x.data.length / Math.max(rows, 1);
    for (int r : index) {
      if (r < 0 || r >= rows) {
        throw new IndexOutOfBoundsException("gather index " + r + " out of [0, " + rows + ")");
      }
    }
    float[] out = BufferPool.uninitialized(index.length * inner);
    // Whole output rows in fixed ranges on the kernel threads (a copy: threads change no bit).
    Parallel.forRanges(index.length, Math.max(1, Elementwise.CHUNK / Math.max(inner, 1)), (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        System.arraycopy(x.data, index[i] * inner, out, i * inner, inner);
      }
    });
    int[] shape = x.shape.clone();
    shape[0] = index.length;
    return new Tensor(out, shape);
  }
}
