package dev.marginal.tensor;

/**
 * The hot numerical loops behind {@link Tensor}: matrix multiply and the transcendental elementwise functions.
 * Two implementations exist: {@link VectorKernels} (the Vector API, used when {@code jdk.incubator.vector} is
 * present) and {@link ScalarKernels} (plain loops, the fallback and the reference the tests compare against).
 *
 * <p>All arrays are row-major and contiguous. Implementations must give results that do not depend on the thread
 * count (work is split over output blocks only, never over the summation index), on an element's position in its
 * array, or on whether the JIT has compiled the code yet (the elementwise functions use only exactly rounded
 * operations or {@code StrictMath}).
 */
public interface Kernels {

  /**
   * General matrix multiply {@code C = op(A)·op(B)} (or {@code C += ...} when {@code accumulate}).
   *
   * @param transA if true, A is stored {@code [k, m]} and used transposed; else stored {@code [m, k]}
   * @param transB if true, B is stored {@code [n, k]} and used transposed; else stored {@code [k, n]}
   * @param c output, stored {@code [m, n]}
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

  /** {@code y[i] = tanh(x[i])} for {@code i < n}; {@code x} and {@code y} may be the same array. */
  void tanh(float[] x, int xOff, float[] y, int yOff, int n);

  /** {@code y[i] = exp(x[i])}. */
  void exp(float[] x, int xOff, float[] y, int yOff, int n);

  /** {@code y[i] = log(x[i])}; log 0 = −∞, log of a negative number = NaN. */
  void log(float[] x, int xOff, float[] y, int yOff, int n);

  /**
   * {@code y[i] = 1 / (1 + exp(−x[i]))}, the logistic function, accurate in relative terms on both tails (computed
   * as {@code e / (1 + e)} with {@code e = exp(x)} for negative {@code x}).
   */
  void sigmoid(float[] x, int xOff, float[] y, int yOff, int n);

  /**
   * {@code y[i] = log(1 + exp(x[i]))}, computed as {@code max(x, 0) + log1p(exp(−|x|))} so that it neither overflows
   * for large {@code x} nor loses the tiny value {@code exp(x)} for very negative {@code x}.
   */
  void softplus(float[] x, int xOff, float[] y, int yOff, int n);

  /** A short name for reports ("vector-512", "scalar"). */
  String name();

  /** The kernels in use: the Vector API ones unless the module is absent or {@code -Dmarginal.kernels=scalar}. */
  static Kernels get() {
    return KernelsHolder.ACTIVE;
  }

  /** The plain-loop reference implementation. */
  static Kernels scalar() {
    return ScalarKernels.INSTANCE;
  }
}
