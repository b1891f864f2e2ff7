package dev.marginal.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#sumOfSquares} on the Vector API. Where a float vector holds one group of sixteen elements and two
 * double vectors the sixteen partial sums (512-bit vectors), lane m of the two accumulators is partial sum m: each
 * group widens to double and is squared and added with one fused multiply-add per half, which rounds as the plain
 * loop's separate product and sum do because the square of a float is exact in double. Other widths take the plain
 * loop; both give the bits of the order {@link Kernels#sumOfSquares} defines.
 */
final class VectorSumOfSquares {
  private static final VectorSpecies<Float> S = VectorMath.S;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final int P = Kernels.SQUARE_PARTIALS;
  /** Whether one float vector is one group of sixteen elements and two double vectors hold the partial sums. */
  static final boolean FUSED = S.length() == P && D.length() * 2 == P;
  /** Moves lanes 8–15 to 0–7, so the upper half widens as part 0 (see {@link VectorLogMass}). */
  private static final VectorShuffle<Float> UPPER_HALF = VectorShuffle.fromOp(S, i -> (i + P / 2) % S.length());

  private VectorSumOfSquares() {}

  /** See {@link Kernels#sumOfSquares}; {@code fallback} computes it where the vectors are not sixteen floats. */
  static double sumOfSquares(float[] x, int from, int to, Kernels fallback) {
    if (!FUSED) {
      return fallback.sumOfSquares(x, from, to);
    }
    DoubleVector a0 = DoubleVector.zero(D);
    DoubleVector a1 = a0;
    int j = from;
    for (; j + P <= to; j += P) {
      FloatVector v = FloatVector.fromArray(S, x, j);
      DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector hi = (DoubleVector) v.rearrange(UPPER_HALF).convertShape(VectorOperators.F2D, D, 0);
      a0 = lo.fma(lo, a0);
      a1 = hi.fma(hi, a1);
    }
    double[] acc = new double[P];
    a0.intoArray(acc, 0);
    a1.intoArray(acc, P / 2);
    // The last group: each element into its own partial sum, as the plain loop does.
    for (int m = 0; j < to; j++, m++) {
      acc[m] += (double) x[j] * x[j];
    }
    double s = acc[0];
    for (int m = 1; m < P; m++) {
      s += acc[m];
    }
    return s;
  }
}
