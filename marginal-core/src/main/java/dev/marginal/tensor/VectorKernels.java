package dev.marginal.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. Loaded only when {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p>Matrix multiply is {@link VectorGemm}. The transcendental functions are {@link VectorMath}'s, built from
 * exactly rounded arithmetic only, so each result is the same bits whether the loop runs interpreted, in C1 or in
 * C2, and equals the scalar twin {@link FloatMath}. (The Vector API's own lanewise {@code EXP}, {@code LOG},
 * {@code TANH} are SVML routines once C2 compiles the loop but {@code Math} calls before, which differ by an ulp:
 * training with a fixed seed was then not reproducible bit for bit.)
 *
 * <p>The last {@code n mod L} elements go through the same vector code on a padded copy, so an element's result
 * does not depend on its position in the array. Each loop has a single call of its function, the tail included:
 * a second inlined copy of exp and log1p would push softplus past C2's inlining node budget.
 */
final class VectorKernels implements Kernels {
  private static final VectorSpecies<Float> S = VectorMath.S;
  private static final int L = S.length();
  /**
   * Elements per call of a block loop. Long arrays go through many short calls rather than one long loop: the
   * block method is then invoked often enough for C2 to compile it as a whole soon after start-up, instead of
   * running the C1 version (calling a separately compiled, boxing VectorMath method) between on-stack
   * replacements, which under load could take seconds at 10–30 ns per element.
   */
  private static final int BLOCK = 1024;

  private VectorKernels() {}

  static Kernels create() {
    return new VectorKernels();
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    VectorGemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
  }

  @Override
  public void gemmRowScaled(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
      float[] aRowScale, float[] b, int bOff, float[] bRowScale, float[] c, int cOff, boolean accumulate) {
    VectorGemm.gemmRowScaled(transA, transB, m, n, k, a, aOff, aRowScale, b, bOff, bRowScale, c, cOff, accumulate);
  }

  @Override
  public PreparedOperand prepare(boolean transB, int k, int n, float[] b, int bOff, int rows) {
    return VectorGemm.prepare(transB, k, n, b, bOff, rows);
  }

  @Override
  public void gemmPrepared(boolean transA, int m, float[] a, int aOff, PreparedOperand b, float[] c, int cOff,
      boolean accumulate) {
    VectorGemm.gemmPrepared(transA, m, a, aOff, b, c, cOff, accumulate);
  }

  @Override
  public void boxMuller(double[] u1, double[] u2, int pairs, double[] z) {
    VectorBoxMuller.boxMuller(u1, u2, pairs, z);
  }

  /**
   * As the plain loop, a vector of each row at a time and the row's last {@code width mod L} values one by one (an
   * addition is exactly rounded either way). The plain loop is not vectorized by C2 on JDK 17: 0.5–1.0 ns per value
   * on a Zen 1 against 0.15–0.25 here (BENCHMARKS.md).
   */
  @Override
  public void addToRows(float[] y, int yOff, int rows, int width, float[] v) {
    int up = S.loopBound(width);
    for (int r = 0, base = yOff; r < rows; r++, base += width) {
      int j = 0;
      for (; j < up; j += L) {
        FloatVector.fromArray(S, y, base + j).add(FloatVector.fromArray(S, v, j)).intoArray(y, base + j);
      }
      for (; j < width; j++) {
        y[base + j] += v[j];
      }
    }
  }

  /**
   * {@link Kernels#adamUpdate} a vector at a time, the same operations in the same order on each lane, so the same
   * bits (square root and division are exactly rounded on both). C2 on JDK 17 leaves the plain loop scalar: a
   * square root and a division per element, 1.3–1.9 ns per parameter on a Zen 1 (BENCHMARKS.md).
   */
  @Override
  public void adamUpdate(float[] w, float[] g, float[] m, float[] v, int from, int to, float b1, float b2,
      float stepSize, float sqrtC2, float eps) {
    float c1 = 1 - b1;
    float c2 = 1 - b2;
    int j = from;
    for (int up = from + S.loopBound(to - from); j < up; j += L) {
      FloatVector gj = FloatVector.fromArray(S, g, j);
      FloatVector mj = FloatVector.fromArray(S, m, j).mul(b1).add(gj.mul(c1));
      FloatVector vj = FloatVector.fromArray(S, v, j).mul(b2).add(gj.mul(c2).mul(gj)).min(Float.MAX_VALUE);
      mj.intoArray(m, j);
      vj.intoArray(v, j);
      FloatVector denominator = vj.sqrt().div(sqrtC2).add(eps);
      FloatVector.fromArray(S, w, j).sub(mj.mul(stepSize).div(denominator)).intoArray(w, j);
    }
    Kernels.super.adamUpdate(w, g, m, v, j, to, b1, b2, stepSize, sqrtC2, eps);
  }

  @Override
  public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += BLOCK) {
      tanhBlock(x, xOff + i, y, yOff + i, Math.min(BLOCK, n - i));
    }
  }

  private static void tanhBlock(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += L) {
      boolean tail = n - i < L;
      float[] src = tail ? padded(x, xOff + i, n - i) : x;
      float[] dst = tail ? src : y;
      VectorMath.tanh(FloatVector.fromArray(S, src, tail ? 0 : xOff + i)).intoArray(dst, tail ? 0 : yOff + i);
      if (tail) {
        System.arraycopy(dst, 0, y, yOff + i, n - i);
      }
    }
  }

  @Override
  public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += BLOCK) {
      expBlock(x, xOff + i, y, yOff + i, Math.min(BLOCK, n - i));
    }
  }

  private static void expBlock(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += L) {
      boolean tail = n - i < L;
      float[] src = tail ? padded(x, xOff + i, n - i) : x;
      float[] dst = tail ? src : y;
      VectorMath.exp(FloatVector.fromArray(S, src, tail ? 0 : xOff + i)).intoArray(dst, tail ? 0 : yOff + i);
      if (tail) {
        System.arraycopy(dst, 0, y, yOff + i, n - i);
      }
    }
  }

  @Override
  public void log(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += BLOCK) {
      logBlock(x, xOff + i, y, yOff + i, Math.min(BLOCK, n - i));
    }
  }

  private static void logBlock(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += L) {
      boolean tail = n - i < L;
      float[] src = tail ? padded(x, xOff + i, n - i) : x;
      float[] dst = tail ? src : y;
      VectorMath.log(FloatVector.fromArray(S, src, tail ? 0 : xOff + i)).intoArray(dst, tail ? 0 : yOff + i);
      if (tail) {
        System.arraycopy(dst, 0, y, yOff + i, n - i);
      }
    }
  }

  @Override
  public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += BLOCK) {
      sigmoidBlock(x, xOff + i, y, yOff + i, Math.min(BLOCK, n - i));
    }
  }

  private static void sigmoidBlock(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += L) {
      boolean tail = n - i < L;
      float[] src = tail ? padded(x, xOff + i, n - i) : x;
      float[] dst = tail ? src : y;
      VectorMath.sigmoid(FloatVector.fromArray(S, src, tail ? 0 : xOff + i)).intoArray(dst, tail ? 0 : yOff + i);
      if (tail) {
        System.arraycopy(dst, 0, y, yOff + i, n - i);
      }
    }
  }

  @Override
  public void softplus(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += BLOCK) {
      softplusBlock(x, xOff + i, y, yOff + i, Math.min(BLOCK, n - i));
    }
  }

  private static void softplusBlock(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i += L) {
      boolean tail = n - i < L;
      float[] src = tail ? padded(x, xOff + i, n - i) : x;
      float[] dst = tail ? src : y;
      VectorMath.softplus(FloatVector.fromArray(S, src, tail ? 0 : xOff + i)).intoArray(dst, tail ? 0 : yOff + i);
      if (tail) {
        System.arraycopy(dst, 0, y, yOff + i, n - i);
      }
    }
  }

  @Override
  public double sumOfSquares(float[] x, int from, int to) {
    return VectorSumOfSquares.sumOfSquares(x, from, to, Kernels.scalar());
  }

  @Override
  public void columnSums(float[] x, int rows, int width, int from, int to, float[] out) {
    VectorColumnSums.columnSums(x, rows, width, from, to, out);
  }

  @Override
  public void columnSumsRowScaled(float[] x, float[] scale, int rows, int width, int from, int to, float[] out) {
    VectorColumnSums.columnSums(x, scale, rows, width, from, to, out);
  }

  @Override
  public void bernoulliLogMass(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count, float[] out,
      int outOff) {
    VectorLogMass.logMass(x, xOffsets, logits, lOff, d, count, out, outOff);
  }

  @Override
  public void bernoulliLogMassAndResidual(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count,
      float[] bias, float[] out, int outOff, float[] residual) {
    VectorLogMass.logMassAndResidual(x, xOffsets, logits, lOff, d, count, bias, out, outOff, residual);
  }

  /** The last {@code count < L} inputs in a vector-sized array; the padding lanes are computed and discarded. */
  private static float[] padded(float[] x, int from, int count) {
    float[] t = new float[L];
    System.arraycopy(x, from, t, 0, count);
    return t;
  }

  @Override
  public String name() {
    return "vector-" + S.vectorBitSize();
  }
}
