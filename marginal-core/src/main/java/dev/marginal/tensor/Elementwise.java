package dev.marginal.tensor;

/** Unary elementwise maps. Large tensors are split into fixed chunks run in parallel. */
final class Elementwise {
  /** Chunk size for parallel maps; fixed so results never depend on the thread count. */
  static final int CHUNK = 1 << 13;

  enum Fn { EXP, LOG, LOG1P, EXPM1, TANH, SIGMOID, SOFTPLUS, RELU, SQUARE, SQRT, ABS, STEP }

  private Elementwise() {}

  static Tensor map(Fn fn, Tensor x) {
    float[] in = x.data;
    float[] out = BufferPool.uninitialized(in.length);
    Parallel.forRanges(in.length, CHUNK, (lo, hi) -> apply(fn, in, out, lo, hi - lo));
    return new Tensor(out, x.shape);
  }

  static void apply(Fn fn, float[] in, float[] out, int off, int n) {
    Kernels k = Kernels.get();
    int end = off + n;
    switch (fn) {
      case EXP:
        k.exp(in, off, out, off, n);
        break;
      case LOG:
        k.log(in, off, out, off, n);
        break;
      case TANH:
        k.tanh(in, off, out, off, n);
        break;
      case LOG1P:
        for (int i = off; i < end; i++) {
          out[i] = (float) StrictMath.log1p(in[i]);
        }
        break;
      case EXPM1:
        for (int i = off; i < end; i++) {
          out[i] = (float) StrictMath.expm1(in[i]);
        }
        break;
      case SIGMOID:
        k.sigmoid(in, off, out, off, n);
        break;
      case SOFTPLUS:
        k.softplus(in, off, out, off, n);
        break;
      case RELU:
        for (int i = off; i < end; i++) {
          out[i] = in[i] > 0f ? in[i] : (in[i] != in[i] ? in[i] : 0f);
        }
        break;
      case SQUARE:
        for (int i = off; i < end; i++) {
          out[i] = in[i] * in[i];
        }
        break;
      case SQRT:
        for (int i = off; i < end; i++) {
          out[i] = (float) Math.sqrt(in[i]);
        }
        break;
      case ABS:
        for (int i = off; i < end; i++) {
          out[i] = Math.abs(in[i]);
        }
        break;
      case STEP:
        for (int i = off; i < end; i++) {
          out[i] = in[i] > 0f ? 1f : 0f;
        }
        break;
      default:
        throw new AssertionError(fn);
    }
  }

  static Tensor affine(Tensor x, float a, float b) {
    float[] in = x.data;
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = a * in[i] + b;
    }
    return new Tensor(out, x.shape);
  }

  static Tensor clamp(Tensor x, float lo, float hi) {
    if (!(lo <= hi)) {
      throw new IllegalArgumentException("clamp needs lo <= hi, got " + lo + ", " + hi);
    }
    float[] in = x.data;
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      float v = in[i];
      out[i] = v < lo ? lo : (v > hi ? hi : v);
    }
    return new Tensor(out, x.shape);
  }
}
