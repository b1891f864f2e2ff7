package dev.marginal.tensor;

import java.util.Arrays;

/**
 * Binary elementwise operations with NumPy broadcasting. The loop runs over the output with an odometer on the
 * outer dimensions and a tight inner loop whose operand strides are each 0 or 1. Operands of one shape are split into
 * the fixed chunks of {@link Elementwise} on the kernel threads.
 */
final class Broadcast {
  enum Op { ADD, SUB, MUL, DIV, MAX }

  private Broadcast() {}

  static Tensor apply(Op op, Tensor a, Tensor b) {
    if (Arrays.equals(a.shape, b.shape)) {
      float[] out = BufferPool.uninitialized(a.data.length);
      Parallel.forRanges(out.length, Elementwise.CHUNK,
          (lo, hi) -> run(op, a.data, lo, 1, b.data, lo, 1, out, lo, hi - lo));
      return new Tensor(out, a.shape);
    }
    int[] shape = Shape.broadcast(a.shape, b.shape);
    float[] out = BufferPool.uninitialized(Shape.size(shape));
    int[] sa = strides(a.shape, shape);
    int[] sb = strides(b.shape, shape);
    iterate(shape, sa, sb, (ao, as, bo, bs, oo, n) -> run(op, a.data, ao, as, b.data, bo, bs, out, oo, n));
    return new Tensor(out, shape);
  }

  static Tensor to(Tensor x, int[] target) {
    int[] shape = Shape.broadcast(x.shape, target);
    if (!Arrays.equals(shape, target)) {
      throw new IllegalArgumentException("cannot broadcast " + Shape.str(x.shape) + " to " + Shape.str(target));
    }
    float[] out = BufferPool.uninitialized(Shape.size(shape));
    if (repeatsAlongLastAxis(x.shape, shape)) {
      // One value per row, repeated along the last axis (the gradient of a row sum): rows in fixed chunks.
      int width = shape[shape.length - 1];
      Parallel.forRanges(x.data.length, Math.max(1, Elementwise.CHUNK / Math.max(1, width)), (r0, r1) -> {
        for (int r = r0; r < r1; r++) {
          Arrays.fill(out, r * width, (r + 1) * width, x.data[r]);
        }
      });
      return new Tensor(out, shape.clone());
    }
    int[] sx = strides(x.shape, shape);
    iterate(shape, sx, new int[shape.length], (ao, as, bo, bs, oo, n) -> {
      if (as == 1) {
        System.arraycopy(x.data, ao, out, oo, n);
      } else {
        Arrays.fill(out, oo, oo + n, x.data[ao]);
      }
    });
    return new Tensor(out, shape.clone());
  }

  static Tensor where(Tensor mask, Tensor a, Tensor b) {
    int[] shape = Shape.broadcast(mask.shape, Shape.broadcast(a.shape, b.shape));
    Tensor m = Arrays.equals(mask.shape, shape) ? mask : to(mask, shape);
    Tensor x = Arrays.equals(a.shape, shape) ? a : to(a, shape);
    Tensor y = Arrays.equals(b.shape, shape) ? b : to(b, shape);
    float[] out = new float[m.data.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = m.data[i] != 0f ? x.data[i] : y.data[i];
    }
    return new Tensor(out, shape);
  }

  /** Whether {@code s} is {@code target} with its last axis, of more than one element, reduced to 1. */
  private static boolean repeatsAlongLastAxis(int[] s, int[] target) {
    int last = target.length - 1;
    if (s.length != target.length || last < 0 || s[last] != 1 || target[last] <= 1) {
      return false;
    }
    for (int i = 0; i < last; i++) {
      if (s[i] != target[i]) {
        return false;
      }
    }
    return true;
  }

  /** Strides of {@code s} (right-aligned) in the coordinates of {@code out}; 0 where broadcast. */
  static int[] strides(int[] s, int[] out) {
    int[] st = new int[out.length];
    int stride = 1;
    for (int i = out.length - 1; i >= 0; i--) {
      int j = i - (out.length - s.length);
      int d = j >= 0 ? s[j] : 1;
      st[i] = d == 1 ? 0 : stride;
      stride *= d;
    }
    return st;
  }

  /** One contiguous inner run of a broadcast loop. */
  interface Run {
    void accept(int aOff, int aStride, int bOff, int bStride, int outOff, int n);
  }

  /** Visits the output in runs along the last dimension, giving both operands' offsets and strides. */
  static void iterate(int[] shape, int[] sa, int[] sb, Run body) {
    int rank = shape.length;
    if (rank == 0) {
      body.accept(0, 0, 0, 0, 0, 1);
      return;
    }
    int inner = shape[rank - 1];
    int outer = Shape.prod(shape, 0, rank - 1);
    int[] idx = new int[rank - 1];
    int ao = 0;
    int bo = 0;
    for (int o = 0; o < outer; o++) {
      body.accept(ao, sa[rank - 1], bo, sb[rank - 1], o * inner, inner);
      for (int d = rank - 2; d >= 0; d--) {
        idx[d]++;
        ao += sa[d];
        bo += sb[d];
        if (idx[d] < shape[d]) {
          break;
        }
        ao -= sa[d] * shape[d];
        bo -= sb[d] * shape[d];
        idx[d] = 0;
      }
    }
  }

  /** The inner loop, specialised by operator and by which operand is a repeated scalar. */
  static void run(Op op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
    if (as == 1 && bs == 1) {
      switch (op) {
        case ADD: for (int i = 0; i < n; i++) { out[oo + i] = a[ao + i] + b[bo + i]; } return;
        case SUB: for (int i = 0; i < n; i++) { out[oo + i] = a[ao + i] - b[bo + i]; } return;
        case MUL: for (int i = 0; i < n; i++) { out[oo + i] = a[ao + i] * b[bo + i]; } return;
        case DIV: for (int i = 0; i < n; i++) { out[oo + i] = a[ao + i] / b[bo + i]; } return;
        default: break;
      }
    } else if (as == 1) {
      float s = b[bo];
      switch (op) {
        case ADD: for (int i = 0; i < n; i++) { out[oo + i] = a[ao + i] + s; } return;
        case SUB: for (int i = 0; i < n; i++) { out[oo + i] = a[ao + i] - s; } return;
        case MUL: for (int i = 0; i < n; i++) { out[oo + i] = a[ao + i] * s; } return;
        case DIV: for (int i = 0; i < n; i++) { out[oo + i] = a[ao + i] / s; } return;
        default: break;
      }
    } else if (bs == 1) {
      float s = a[ao];
      switch (op) {
        case ADD: for (int i = 0; i < n; i++) { out[oo + i] = s + b[bo + i]; } return;
        case SUB: for (int i = 0; i < n; i++) { out[oo + i] = s - b[bo + i]; } return;
        case MUL: for (int i = 0; i < n; i++) { out[oo + i] = s * b[bo + i]; } return;
        case DIV: for (int i = 0; i < n; i++) { out[oo + i] = s / b[bo + i]; } return;
        default: break;
      }
    }
    for (int i = 0; i < n; i++) {
      out[oo + i] = scalar(op, a[ao + i * as], b[bo + i * bs]);
    }
  }

  private static float scalar(Op op, float x, float y) {
    switch (op) {
      case ADD: return x + y;
      case SUB: return x - y;
      case MUL: return x * y;
      case DIV: return x / y;
      case MAX: return x != x || y != y ? Float.NaN : (x >= y ? x : y);
      default: throw new AssertionError(op);
    }
  }
}
