package dev.marginal.distributions;

import dev.marginal.tensor.Kernels;

/**
 * The row sums behind {@link Bernoulli#logProb}: {@code Σ_j [x_j·l_j − softplus(l_j)]} per row, each summed in
 * double with two interleaved accumulators (even and odd j). The terms are formed in float a row at a time (softplus
 * on the vector kernels into scratch), and four rows are summed together: their eight accumulator chains are
 * independent, so the additions overlap instead of waiting on each other, while each row keeps exactly its own
 * order of operations.
 */
final class BernoulliRows {
  /** Rows summed together. */
  static final int GROUP = 4;

  private BernoulliRows() {}

  /**
   * Log masses of {@code count} rows.
   *
   * @param x observations, row i starting at {@code xOffsets[i]}
   * @param logits {@code count} consecutive rows of length {@code d} from {@code lOff}
   * @param out written at {@code [outOff, outOff + count)}
   */
  static void logProbs(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count, float[] out,
      int outOff) {
    float[] terms = new float[GROUP * d];
    for (int g = 0; g < count; g += GROUP) {
      int rows = Math.min(GROUP, count - g);
      for (int i = 0; i < rows; i++) {
        terms(x, xOffsets[g + i], logits, lOff + (g + i) * d, d, terms, i * d);
      }
      if (rows == GROUP) {
        sumFour(terms, d, out, outOff + g);
      } else {
        for (int i = 0; i < rows; i++) {
          out[outOff + g + i] = sum(terms, i * d, d);
        }
      }
    }
  }

  /** {@code t_j = x_j·l_j − softplus(l_j)} in float, into {@code terms} from {@code tOff}. */
  private static void terms(float[] x, int xOff, float[] l, int lOff, int d, float[] terms, int tOff) {
    Kernels.get().softplus(l, lOff, terms, tOff, d);
    for (int j = 0; j < d; j++) {
      terms[tOff + j] = x[xOff + j] * l[lOff + j] - terms[tOff + j];
    }
  }

  /** One row's sum: even and odd terms in two double accumulators, added at the end. */
  static float sum(float[] t, int off, int d) {
    double s0 = 0;
    double s1 = 0;
    int j = 0;
    for (; j + 2 <= d; j += 2) {
      s0 += t[off + j];
      s1 += t[off + j + 1];
    }
    for (; j < d; j++) {
      s0 += t[off + j];
    }
    return (float) (s0 + s1);
  }

  /** {@link #sum} of four consecutive rows of {@code t}, interleaved. */
  private static void sumFour(float[] t, int d, float[] out, int outOff) {
    double a0 = 0;
    double a1 = 0;
    double b0 = 0;
    double b1 = 0;
    double c0 = 0;
    double c1 = 0;
    double e0 = 0;
    double e1 = 0;
    int j = 0;
    for (; j + 2 <= d; j += 2) {
      a0 += t[j];
      a1 += t[j + 1];
      b0 += t[d + j];
      b1 += t[d + j + 1];
      c0 += t[2 * d + j];
      c1 += t[2 * d + j + 1];
      e0 += t[3 * d + j];
      e1 += t[3 * d + j + 1];
    }
    if (j < d) {
      a0 += t[j];
      b0 += t[d + j];
      c0 += t[2 * d + j];
      e0 += t[3 * d + j];
    }
    out[outOff] = (float) (a0 + a1);
    out[outOff + 1] = (float) (b0 + b1);
    out[outOff + 2] = (float) (c0 + c1);
    out[outOff + 3] = (float) (e0 + e1);
  }
}
