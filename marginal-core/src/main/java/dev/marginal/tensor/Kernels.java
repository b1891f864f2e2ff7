package dev.marginal.tensor;

/**
 * The hot numerical loops behind {@link Tensor}: matrix multiply and the transcendental elementwise functions.
 * Two implementations exist: {@link VectorKernels} (the Vector API, used when {@code jdk.incubator.vector} is
 * present) and {@link ScalarKernels} (plain loops, the fallback and the reference the tests compare against).
 *
 * <p>All arrays are row-major and contiguous. Implementations must give results that do not depend on the thread
 * count (work is split over output blocks only, never over the summation index), on the vector width of the
 * processor (sums over lanes are taken in an order fixed by the shape alone), on an element's position in its
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

  /**
   * {@link #gemm} with each row of one or both operands multiplied by a scale first: where {@code aRowScale} is not
   * null, A is stored {@code [m, k]} (so {@code transA} is false) and its row i is used as
   * {@code aRowScale[i]·A[i, ·]}; where {@code bRowScale} is not null, B is stored {@code [k, n]} ({@code transB}
   * false) and its row p is used as {@code bRowScale[p]·B[p, ·]}. Each scaled value is the float product, and C has
   * the bits of {@link #gemm} on the scaled copies. This default writes those copies; an implementation may scale
   * while it packs the operands instead. A gradient {@code diag(g)·R} with a weight per row is such an operand.
   */
  default void gemmRowScaled(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
      float[] aRowScale, float[] b, int bOff, float[] bRowScale, float[] c, int cOff, boolean accumulate) {
    RowScaling.check(transA, transB, m, k, aRowScale, bRowScale);
    float[] as = aRowScale == null ? a : RowScaling.scaledRows(a, aOff, aRowScale, m, k);
    float[] bs = bRowScale == null ? b : RowScaling.scaledRows(b, bOff, bRowScale, k, n);
    gemm(transA, transB, m, n, k, as, aRowScale == null ? aOff : 0, bs, bRowScale == null ? bOff : 0, c, cOff,
        accumulate);
  }

  /**
   * Prepares {@code op(B)} ({@code [k, n]}; stored {@code [n, k]} when {@code transB}) for {@link #gemmPrepared}. This
   * default keeps a reference to B; an implementation may copy it into the layout its products read, where products
   * of {@code rows} rows would read such a copy. B must not change while the result is in use.
   *
   * @param rows the most rows of A in the products it will serve (a hint: any number of rows may be used)
   */
  default PreparedOperand prepare(boolean transB, int k, int n, float[] b, int bOff, int rows) {
    return new PreparedOperand(transB, k, n, b, bOff, null);
  }

  /**
   * {@link #gemm} with a prepared right operand: {@code C = op(A)·op(B)} (or {@code C += ...}), {@code op(A)} being
   * {@code [m, b.k()]} and C {@code [m, b.n()]}, with the bits of {@link #gemm} on B itself.
   */
  default void gemmPrepared(boolean transA, int m, float[] a, int aOff, PreparedOperand b, float[] c, int cOff,
      boolean accumulate) {
    gemm(transA, b.transB, m, b.n, b.k, a, aOff, b.b, b.bOff, c, cOff, accumulate);
  }

  /**
   * Adds {@code v} to each of {@code rows} consecutive rows of length {@code width} in place:
   * {@code y[yOff + r·width + j] += v[j]}, each sum rounded to float, so every implementation gives the same bits (a
   * layer's bias). This default is the plain loop.
   */
  default void addToRows(float[] y, int yOff, int rows, int width, float[] v) {
    for (int r = 0, base = yOff; r < rows; r++, base += width) {
      for (int j = 0; j < width; j++) {
        y[base + j] += v[j];
      }
    }
  }

  /**
   * One Adam update of the elements {@code [from, to)} of a parameter {@code w}, its gradient {@code g} and moments
   * {@code m}, {@code v}, in place: {@code m ← b1·m + (1 − b1)·g}, {@code v ← min(b2·v + (1 − b2)·g·g, MAX)},
   * {@code w ← w − stepSize·m / (√v / sqrtC2 + eps)}, every operation rounded to float in that order (no fused
   * multiply-add; {@code (1 − b1)} and {@code (1 − b2)} rounded once), so every implementation gives the same bits.
   * The second moment saturates at {@link Float#MAX_VALUE} instead of overflowing. This default is the plain loop.
   */
  default void adamUpdate(float[] w, float[] g, float[] m, float[] v, int from, int to, float b1, float b2,
      float stepSize, float sqrtC2, float eps) {
    for (int j = from; j < to; j++) {
      float gj = g[j];
      m[j] = b1 * m[j] + (1 - b1) * gj;
      v[j] = Math.min(b2 * v[j] + (1 - b2) * gj * gj, Float.MAX_VALUE);
      w[j] -= stepSize * m[j] / ((float) Math.sqrt(v[j]) / sqrtC2 + eps);
    }
  }

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

  /**
   * The Box–Muller transform of {@code pairs} pairs of uniforms: with {@code r = sqrt(−2·log u1[i])} and
   * {@code t = 2π·u2[i]} (the product rounded to double), {@code z[2i] = r·cos t} and {@code z[2i+1] = r·sin t}, the
   * logarithm, cosine and sine being {@link StrictMath}'s bit for bit, so every implementation gives the same bits.
   *
   * @param u1 in {@code (0, 1]}
   * @param u2 in {@code [0, 1)}
   * @param z at least {@code 2·pairs} long
   */
  void boxMuller(double[] u1, double[] u2, int pairs, double[] z);

  /**
   * Column sums of a row-major {@code [rows, width]} block for the columns {@code [from, to)}:
   * {@code out[j] = (float) Σ_r x[r·width + j]}, each column summed over the rows in order in double (so every
   * implementation gives the same bits).
   */
  void columnSums(float[] x, int rows, int width, int from, int to, float[] out);

  /**
   * {@link #columnSums} of the rows scaled: {@code out[j] = (float) Σ_r (scale[r]·x[r·width + j])}, each product
   * rounded to float and the sum taken over the rows in order in double, so the bits are those of
   * {@link #columnSums} on a scaled copy. This default is the plain loop.
   */
  default void columnSumsRowScaled(float[] x, float[] scale, int rows, int width, int from, int to, float[] out) {
    double[] acc = new double[to - from];
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      float s = scale[r];
      for (int j = from; j < to; j++) {
        acc[j - from] += s * x[base + j];
      }
    }
    for (int j = from; j < to; j++) {
      out[j] = (float) acc[j - from];
    }
  }

  /** Partial sums of {@link #sumOfSquares}: element i of the run goes to partial sum {@code i mod 16}. */
  int SQUARE_PARTIALS = 16;

  /**
   * {@code Σ x[j]²} over {@code [from, to)} in double. Each square is exact in double; element {@code from + i} is
   * added to partial sum {@code i mod 16} ({@value #SQUARE_PARTIALS} partial sums, each taking its elements in
   * order), and the partial sums are then added in order of their index. The order is fixed, so results do not
   * depend on the vector width. This default is the plain loop.
   */
  default double sumOfSquares(float[] x, int from, int to) {
    double[] acc = new double[SQUARE_PARTIALS];
    for (int j = from; j < to; j++) {
      acc[(j - from) % SQUARE_PARTIALS] += (double) x[j] * x[j];
    }
    double s = acc[0];
    for (int m = 1; m < SQUARE_PARTIALS; m++) {
      s += acc[m];
    }
    return s;
  }

  /** Partial sums of {@link #bernoulliLogMass}: term j goes to partial sum {@code j mod 16}. */
  int LOG_MASS_PARTIALS = 16;

  /**
   * The Bernoulli log mass of {@code count} rows, {@code out[outOff + r] = Σ_j [x_j·l_j − softplus(l_j)]} over the
   * {@code d} entries of row r: each term formed in float ({@link #softplus} of the logit, then
   * {@code x·l − sp} rounded twice), then summed in double in {@value #LOG_MASS_PARTIALS} partial sums by
   * {@code j mod 16} (a row whose length is not a multiple of 16 is padded with {@code +0} terms), which are then
   * added in order of their index. The order is fixed, so results do not depend on the vector width or threads.
   *
   * @param x observations, row r starting at {@code xOffsets[r]}
   * @param logits {@code count} consecutive rows of length {@code d} from {@code lOff}
   */
  void bernoulliLogMass(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count, float[] out,
      int outOff);

  /**
   * {@link #bernoulliLogMass}, and the residual {@code x − σ(l)} of every logit written to {@code residual} at the
   * logit's own index: {@code x} minus the bits of {@link #sigmoid} on the same logit, rounded to float. The gradient
   * of the log mass with respect to the logit is this residual. When {@code bias} is not null, {@code bias[j]} is first
   * added to logit j of every row, in place, as a separate pass would ({@code l + b}, rounded to float), and the log
   * mass and residuals are those of the sums. This default runs the separate kernels one after the other; an
   * implementation may compute {@code e^{−|l|}}, which softplus and σ share, once.
   */
  default void bernoulliLogMassAndResidual(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count,
      float[] bias, float[] out, int outOff, float[] residual) {
    LogMassSum.withResidual(this, x, xOffsets, logits, lOff, d, count, bias, out, outOff, residual);
  }

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
