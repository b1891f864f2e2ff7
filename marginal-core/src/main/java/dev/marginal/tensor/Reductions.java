package dev.marginal.tensor;

import java.util.Arrays;

/**
 * Reductions over one axis. A tensor is viewed as {@code [outer, len, inner]} around the reduced axis; sums
 * accumulate in double.
 */
final class Reductions {
  private Reductions() {}

  static double sumAll(Tensor x) {
    return sumRun(x.data, 0, x.data.length);
  }

  /**
   * Sum of a contiguous run in double, with four interleaved accumulators (a fixed order, so the result is the same
   * on every run) to break the dependency chain of one accumulator.
   */
  static double sumRun(float[] v, int off, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      s0 += v[off + i];
      s1 += v[off + i + 1];
      s2 += v[off + i + 2];
      s3 += v[off + i + 3];
    }
    for (; i < n; i++) {
      s0 += v[off + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  static Tensor sum(Tensor x, int axis, boolean keepDims) {
    int outer = Shape.prod(x.shape, 0, axis);
    int len = x.shape[axis];
    int inner = Shape.prod(x.shape, axis + 1, x.shape.length);
    float[] out = new float[outer * inner];
    if (inner == 1) {
      // Whole runs in fixed ranges on the kernel threads: each run is summed alone, so threads change no bit.
      Parallel.forRanges(outer, Math.max(1, Elementwise.CHUNK / Math.max(len, 1)), (lo, hi) -> {
        for (int o = lo; o < hi; o++) {
          out[o] = (float) sumRun(x.data, o * len, len);
        }
      });
      return new Tensor(out, Shape.reduce(x.shape, axis, keepDims));
    }
    double[] acc = new double[inner];
    for (int o = 0; o < outer; o++) {
      Arrays.fill(acc, 0);
      int base = o * len * inner;
      for (int l = 0; l < len; l++) {
        int off = base + l * inner;
        for (int i = 0; i < inner; i++) {
          acc[i] += x.data[off + i];
        }
      }
      for (int i = 0; i < inner; i++) {
        out[o * inner + i] = (float) acc[i];
      }
    }
    return new Tensor(out, Shape.reduce(x.shape, axis, keepDims));
  }

  /** Sums {@code x} down to {@code target}, which must broadcast to x's shape. */
  static Tensor sumTo(Tensor x, int[] target) {
    if (Arrays.equals(x.shape, target)) {
      return x;
    }
    int[] check = Shape.broadcast(target, x.shape);
    if (!Arrays.equals(check, x.shape)) {
      throw new IllegalArgumentException("cannot sum " + Shape.str(x.shape) + " down to " + Shape.str(target));
    }
    Tensor t = x;
    int lead = x.shape.length - target.length;
    for (int i = 0; i < lead; i++) {
      t = sum(t, 0, false);
    }
    for (int i = 0; i < target.length; i++) {
      if (target[i] == 1 && t.shape[i] != 1) {
        t = sum(t, i, true);
      }
    }
    return new Tensor(t.data, target.clone());
  }

  static Tensor max(Tensor x, int axis, boolean keepDims) {
    int outer = Shape.prod(x.shape, 0, axis);
    int len = x.shape[axis];
    int inner = Shape.prod(x.shape, axis + 1, x.shape.length);
    if (len == 0) {
      throw new IllegalArgumentException("max over an empty axis");
    }
    float[] out = new float[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        float m = x.data[base];
        for (int l = 1; l < len; l++) {
          float v = x.data[base + l * inner];
          if (v > m || v != v) {
            m = v;
            if (v != v) {
              break;
            }
          }
        }
        out[o * inner + i] = m;
      }
    }
    return new Tensor(out, Shape.reduce(x.shape, axis, keepDims));
  }

  /** Index along {@code axis} of the first maximum, for each output position (shape of max with keepDims). */
  static int[] argMax(Tensor x, int axis) {
    int outer = Shape.prod(x.shape, 0, axis);
    int len = x.shape[axis];
    int inner = Shape.prod(x.shape, axis + 1, x.shape.length);
    int[] arg = new int[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        int best = 0;
        for (int l = 1; l < len; l++) {
          if (x.data[base + l * inner] > x.data[base + best * inner]) {
            best = l;
          }
        }
        arg[o * inner + i] = best;
      }
    }
    return arg;
  }

  /** Exponentials (tens of nanoseconds each) per parallel chunk of a log-sum-exp. */
  static final int LOG_SUM_EXP_CHUNK = 512;

  /**
   * log Σ exp over an axis. The max is subtracted first (and not differentiated); when every input is −∞ the
   * result is −∞, not NaN; +∞ anywhere gives +∞.
   */
  static Tensor logSumExp(Tensor x, int axis, boolean keepDims) {
    int outer = Shape.prod(x.shape, 0, axis);
    int len = x.shape[axis];
    int inner = Shape.prod(x.shape, axis + 1, x.shape.length);
    float[] out = new float[outer * inner];
    // Each line is independent: lines in fixed groups of about LOG_SUM_EXP_CHUNK exponentials on the kernel threads.
    Parallel.forRanges(outer * inner, Math.max(1, LOG_SUM_EXP_CHUNK / Math.max(1, len)), (t0, t1) -> {
      for (int t = t0; t < t1; t++) {
        int base = t / inner * len * inner + t % inner;
        double m = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < len; l++) {
          m = Math.max(m, x.data[base + l * inner]);
        }
        if (m == Double.NEGATIVE_INFINITY || m == Double.POSITIVE_INFINITY || Double.isNaN(m)) {
          out[t] = (float) m;
          continue;
        }
        double s = 0;
        for (int l = 0; l < len; l++) {
          s += StrictMath.exp(x.data[base + l * inner] - m);
        }
        out[t] = (float) (m + StrictMath.log(s));
      }
    });
    return new Tensor(out, Shape.reduce(x.shape, axis, keepDims));
  }

  /**
   * Prefix log-sum-exp along an axis, in double: {@code c_j = logaddexp(c_{j−1}, x_j)}, with
   * {@code logaddexp(a, b) = max + log1p(exp(min − max))}; prefixes of −∞ stay −∞.
   */
  static Tensor logCumSumExp(Tensor x, int axis) {
    int outer = Shape.prod(x.shape, 0, axis);
    int len = x.shape[axis];
    int inner = Shape.prod(x.shape, axis + 1, x.shape.length);
    float[] out = new float[x.data.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double c = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < len; l++) {
          c = logAddExp(c, x.data[base + l * inner]);
          out[base + l * inner] = (float) c;
        }
      }
    }
    return new Tensor(out, x.shape);
  }

  static double logAddExp(double a, double b) {
    double hi = Math.max(a, b);
    if (hi == Double.NEGATIVE_INFINITY || hi == Double.POSITIVE_INFINITY) {
      return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : hi;
    }
    return hi + StrictMath.log1p(StrictMath.exp(Math.min(a, b) - hi));
  }
}
