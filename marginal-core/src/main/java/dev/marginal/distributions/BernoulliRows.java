package dev.marginal.distributions;

import dev.marginal.tensor.Kernels;

/**
 * The row sums behind {@link Bernoulli#logProb}: {@code Σ_j [x_j·l_j − softplus(l_j)]} per row, each term formed
 * in float and summed in double with two interleaved accumulators (even and odd j), after softplus of all the rows
 * at once on the vector kernels into caller-owned scratch. (Summing four rows together, eight independent chains,
 * measured slower, as did a fresh softplus buffer per call.)
 */
final class BernoulliRows {
  private BernoulliRows() {}

  /**
   * Log masses of {@code count} rows.
   *
   * @param x observations, row i starting at {@code xOffsets[i]}
   * @param logits {@code count} consecutive rows of length {@code d} from {@code lOff}
   * @param out written at {@code [outOff, outOff + count)}
   * @param sp at least {@code count·d} floats of scratch, overwritten with the softplus of the logits
   */
  static void logProbs(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count, float[] out,
      int outOff, float[] sp) {
    Kernels.get().softplus(logits, lOff, sp, 0, count * d);
    for (int r = 0; r < count; r++) {
      out[outOff + r] = sum(x, xOffsets[r], logits, lOff + r * d, sp, r * d, d);
    }
  }

  /** One row's sum: even and odd terms in two double accumulators, added at the end. */
  static float sum(float[] x, int xo, float[] l, int lo, float[] sp, int so, int d) {
    double s0 = 0;
    double s1 = 0;
    int j = 0;
    for (; j + 2 <= d; j += 2) {
      s0 += x[xo + j] * l[lo + j] - sp[so + j];
      s1 += x[xo + j + 1] * l[lo + j + 1] - sp[so + j + 1];
    }
    for (; j < d; j++) {
      s0 += x[xo + j] * l[lo + j] - sp[so + j];
    }
    return (float) (s0 + s1);
  }
}
