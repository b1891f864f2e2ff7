package dev.marginal.autodiff;

import dev.marginal.tensor.BufferPool;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;

/** Backward rules that need more than one tensor operation, written as single fused loops. */
final class Rules {
  private Rules() {}

  /** {@code g ⊙ (a·x + b)}; large tensors in fixed chunks on the kernel threads. */
  static Tensor mulAffine(Tensor g, Tensor x, float a, float b) {
    float[] gd = g.buffer();
    float[] xd = x.buffer();
    float[] out = BufferPool.uninitialized(gd.length);
    Parallel.forRanges(out.length, ROW_CHUNK_ELEMENTS, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        out[i] = gd[i] * (a * xd[i] + b);
      }
    });
    return Tensor.wrapLike(out, x);
  }

  /** {@code g ⊙ (1 − y²)} for y = tanh(x); large tensors in fixed chunks on the kernel threads. */
  static Tensor tanhGrad(Tensor g, Tensor y) {
    float[] gd = g.buffer();
    float[] yd = y.buffer();
    float[] out = BufferPool.uninitialized(gd.length);
    Parallel.forRanges(out.length, ROW_CHUNK_ELEMENTS, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        out[i] = gd[i] * (1f - yd[i] * yd[i]);
      }
    });
    return Tensor.wrapLike(out, y);
  }

  /** {@code g ⊙ y(1 − y)} for y = σ(x). */
  static Tensor sigmoidGrad(Tensor g, Tensor y) {
    float[] gd = g.buffer();
    float[] yd = y.buffer();
    float[] out = new float[gd.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = gd[i] * yd[i] * (1f - yd[i]);
    }
    return Tensor.wrapLike(out, y);
  }

  static Tensor signGrad(Tensor g, Tensor x) {
    float[] gd = g.buffer();
    float[] xd = x.buffer();
    float[] out = new float[gd.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = xd[i] > 0 ? gd[i] : (xd[i] < 0 ? -gd[i] : 0f);
    }
    return Tensor.wrapLike(out, x);
  }

  static Tensor insideGrad(Tensor g, Tensor x, float lo, float hi) {
    float[] gd = g.buffer();
    float[] xd = x.buffer();
    float[] out = new float[gd.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = xd[i] >= lo && xd[i] <= hi ? gd[i] : 0f;
    }
    return Tensor.wrapLike(out, x);
  }

  /**
   * Gradients of {@code C = op(A)·op(B)}: {@code dA = g·op(B)ᵀ} and {@code dB = op(A)ᵀ·g}, each expressed as one
   * GEMM on the stored operands so no transpose is ever materialised.
   */
  static void matmulGrad(Var a, Var b, Tensor g, boolean transA, boolean transB) {
    Tensor av = a.value();
    Tensor bv = b.value();
    if (a.live) {
      Tensor g2 = g.rank() == 2 ? g : g.reshape(-1, g.dim(-1));
      Tensor da = transA ? bv.matmul(g2, transB, true) : g2.matmul(bv, false, !transB);
      a.accumulateFresh(da.reshape(av.shape()));
    }
    if (b.live) {
      Tensor a2 = av.rank() == 2 ? av : av.reshape(-1, av.dim(-1));
      Tensor g2 = g.rank() == 2 ? g : g.reshape(-1, g.dim(-1));
      Tensor db = transB ? g2.matmul(a2, true, transA) : a2.matmul(g2, !transA, false);
      b.accumulateFresh(db);
    }
  }

  /** Elements per chunk of row-wise work; whole rows, fixed by shape, so results never depend on threads. */
  static final int ROW_CHUNK_ELEMENTS = 1 << 13;

  /**
   * {@code y[r, j] = y[r, j] + b[j]} over the rows of {@code y}, then {@code y = tanh(y)} when asked, in place: the
   * same additions and the same tanh kernel as the separate primitives, without their intermediate tensors.
   */
  static void addRowsInPlace(Tensor y, Tensor b, boolean tanh) {
    float[] yd = y.buffer();
    float[] bd = b.buffer();
    int width = bd.length;
    int rows = yd.length / width;
    Parallel.forRanges(rows, Math.max(1, ROW_CHUNK_ELEMENTS / width), (r0, r1) -> {
      int from = r0 * width;
      int to = r1 * width;
      Kernels.get().addToRows(yd, from, r1 - r0, width, bd);
      if (tanh) {
        Kernels.get().tanh(yd, from, yd, from, to - from);
      }
    });
  }

  /** Columns per chunk of {@link #columnSums}. */
  static final int COLUMN_CHUNK = 64;

  /**
   * The sums over rows of {@code [rows, width]} values, {@code [width]}: each column summed over the rows in order
   * in double, exactly as {@code g.sumTo(width)} for {@code width > 1} (a single column is summed with interleaved
   * accumulators there); large inputs in fixed chunks of columns on the kernel threads.
   */
  static Tensor columnSums(Tensor g) {
    float[] gd = g.buffer();
    int width = g.dim(-1);
    int rows = width == 0 ? 0 : gd.length / width;
    float[] out = new float[width];
    int chunks = (width + COLUMN_CHUNK - 1) / COLUMN_CHUNK;
    Parallel.forEach(chunks, gd.length >= 2 * ROW_CHUNK_ELEMENTS, c -> {
      int j0 = c * COLUMN_CHUNK;
      Kernels.get().columnSums(gd, rows, width, j0, Math.min(width, j0 + COLUMN_CHUNK), out);
    });
    return Tensor.wrap(out, width);
  }

  /** Broadcasts a reduced gradient back along {@code axis} to {@code shape}. */
  static Tensor expandReduced(Tensor g, int[] shape, int axis) {
    int a = axis < 0 ? axis + shape.length : axis;
    int[] kept = shape.clone();
    kept[a] = 1;
    return g.reshape(kept).broadcastTo(shape);
  }

  static Tensor maxGrad(Tensor g, Tensor x, int axis) {
    int[] shape = x.shape();
    int a = axis < 0 ? axis + shape.length : axis;
    Tensor m = x.max(a, true);
    int outer = prod(shape, 0, a);
    int len = shape[a];
    int inner = prod(shape, a + 1, shape.length);
    float[] xd = x.buffer();
    float[] md = m.buffer();
    float[] gd = g.buffer();
    float[] out = new float[xd.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        for (int l = 0; l < len; l++) {
          if (xd[base + l * inner] == md[o * inner + i]) {
            out[base + l * inner] = gd[o * inner + i];
            break;
          }
        }
      }
    }
    return Tensor.wrap(out, shape);
  }

  /**
   * {@code dx = g · softmax(x)}. The log-normaliser is recomputed in double from the inputs rather than read from
   * the float32 output: near |x| = 1e5 the float spacing is 2⁻⁷, and {@code exp(x − out)} with a rounded output
   * would be off by up to 0.4%. Every input −∞: zero gradient. Some input +∞: the softmax limit, the gradient split
   * evenly over the infinite inputs.
   */
  static Tensor logSumExpGrad(Tensor g, Tensor x, int axis) {
    int[] shape = x.shape();
    int a = axis < 0 ? axis + shape.length : axis;
    int outer = prod(shape, 0, a);
    int len = shape[a];
    int inner = prod(shape, a + 1, shape.length);
    float[] xd = x.buffer();
    float[] gd = g.buffer();
    float[] res = new float[xd.length];
    // Each line is independent: lines in fixed groups of about LOG_SUM_EXP_CHUNK exponentials on the kernel threads.
    Parallel.forRanges(outer * inner, Math.max(1, LOG_SUM_EXP_CHUNK / Math.max(1, len)), (t0, t1) -> {
      double[] e = new double[len];
      for (int t = t0; t < t1; t++) {
        int o = t / inner;
        int i = t % inner;
        softmaxTimes(gd[t], xd, o * len * inner + i, inner, len, res, e);
      }
    });
    return Tensor.wrap(res, shape);
  }

  /** Exponentials (tens of nanoseconds each) per parallel chunk of a log-sum-exp gradient. */
  static final int LOG_SUM_EXP_CHUNK = 512;

  /**
   * Writes {@code gi · softmax} of the strided line {@code x[base + l·stride], l < len} into {@code res}; {@code e}
   * (length at least {@code len}) keeps each exponential between the sum and the output.
   */
  private static void softmaxTimes(float gi, float[] x, int base, int stride, int len, float[] res, double[] e) {
    double m = Double.NEGATIVE_INFINITY;
    int infinite = 0;
    for (int l = 0; l < len; l++) {
      float v = x[base + l * stride];
      m = Math.max(m, v);
      infinite += v == Float.POSITIVE_INFINITY ? 1 : 0;
    }
    if (m == Double.NEGATIVE_INFINITY) {
      return;
    }
    if (m == Double.POSITIVE_INFINITY) {
      for (int l = 0; l < len; l++) {
        int at = base + l * stride;
        res[at] = x[at] == Float.POSITIVE_INFINITY ? gi / infinite : 0f;
      }
      return;
    }
    double s = 0;
    for (int l = 0; l < len; l++) {
      e[l] = StrictMath.exp(x[base + l * stride] - m);
      s += e[l];
    }
    double scale = gi / s;
    for (int l = 0; l < len; l++) {
      res[base + l * stride] = (float) (scale * e[l]);
    }
  }

  /**
   * Gradient of the prefix log-sum-exp {@code c_j = log Σ_{i≤j} e^{x_i}}: {@code dx_i = e^{x_i − c_i}·S_i} with
   * {@code S_i = Σ_{j≥i} g_j e^{c_i − c_j}}, computed backwards by {@code S_i = g_i + e^{c_i − c_{i+1}} S_{i+1}}.
   * Every factor {@code e^{c_i − c_{i+1}}} is at most 1 since prefixes only grow, so the recurrence is stable;
   * −∞ prefixes contribute 0. The prefixes are recomputed in double rather than read from the float32 output, for
   * the same reason as in {@link #logSumExpGrad}.
   */
  static Tensor logCumSumExpGrad(Tensor g, Tensor x, int axis) {
    int[] shape = x.shape();
    int a = axis < 0 ? axis + shape.length : axis;
    int outer = prod(shape, 0, a);
    int len = shape[a];
    int inner = prod(shape, a + 1, shape.length);
    float[] xd = x.buffer();
    float[] gd = g.buffer();
    float[] res = new float[xd.length];
    double[] c = new double[len];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double prefix = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < len; l++) {
          prefix = logAddExp(prefix, xd[base + l * inner]);
          c[l] = prefix;
        }
        double s = 0;
        for (int l = len - 1; l >= 0; l--) {
          int at = base + l * inner;
          if (l < len - 1) {
            s *= c[l] == Double.NEGATIVE_INFINITY ? 0.0 : StrictMath.exp(c[l] - c[l + 1]);
          }
          s += gd[at];
          res[at] = c[l] == Double.NEGATIVE_INFINITY ? 0f : (float) (StrictMath.exp(xd[at] - c[l]) * s);
        }
      }
    }
    return Tensor.wrap(res, shape);
  }

  static Tensor unslice(Tensor g, int[] shape, int axis, int from) {
    int a = axis < 0 ? axis + shape.length : axis;
    int len = shape[a];
    int outer = prod(shape, 0, a);
    int inner = prod(shape, a + 1, shape.length);
    int width = g.dim(a) * inner;
    float[] out = new float[prod(shape, 0, shape.length)];
    float[] gd = g.buffer();
    for (int o = 0; o < outer; o++) {
      System.arraycopy(gd, o * width, out, (o * len + from) * inner, width);
    }
    return Tensor.wrap(out, shape);
  }

  static Tensor scatterAdd(Tensor g, int[] index, int[] shape) {
    float[] out = new float[prod(shape, 0, shape.length)];
    int inner = index.length == 0 ? 0 : g.size() / index.length;
    float[] gd = g.buffer();
    // Chunks own ranges of output rows and each adds its rows' gradients in order of the index, so every sum is
    // taken in the same order on any number of threads.
    int outRows = shape.length == 0 ? 1 : shape[0];
    int chunks = Math.max(1, Math.min(outRows, gd.length / ROW_CHUNK_ELEMENTS));
    Parallel.forEach(chunks, chunks > 1, c -> {
      int r0 = (int) ((long) outRows * c / chunks);
      int r1 = (int) ((long) outRows * (c + 1) / chunks);
      for (int i = 0; i < index.length; i++) {
        int r = index[i];
        if (r < r0 || r >= r1) {
          continue;
        }
        int base = r * inner;
        for (int j = 0; j < inner; j++) {
          out[base + j] += gd[i * inner + j];
        }
      }
    });
    return Tensor.wrap(out, shape);
  }

  /** log(e^a + e^b) for a prefix {@code a} that is finite or −∞. */
  private static double logAddExp(double a, double b) {
    double hi = Math.max(a, b);
    if (hi == Double.NEGATIVE_INFINITY || hi == Double.POSITIVE_INFINITY || Double.isNaN(hi)) {
      return hi;
    }
    return hi + StrictMath.log1p(StrictMath.exp(Math.min(a, b) - hi));
  }

  private static int prod(int[] s, int from, int to) {
    int n = 1;
    for (int i = from; i < to; i++) {
      n *= s[i];
    }
    return n;
  }
}
