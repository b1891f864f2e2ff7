package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Kernels#sumOfSquares}: the plain loop follows the order the interface defines (sixteen partial sums by
 * position, added in order of their index), and the Vector API kernel gives its bits for every length and start,
 * including a last group shorter than sixteen.
 */
class SumOfSquaresTest {
  /** The defined order, written out independently of both kernels. */
  private static double ordered(float[] x, int from, int to) {
    double[] partial = new double[16];
    int i = 0;
    for (int j = from; j < to; j++, i++) {
      double v = x[j];
      partial[i % 16] = partial[i % 16] + v * v;
    }
    double s = 0;
    for (double p : partial) {
      s += p;
    }
    return s;
  }

  private static float[] spread(SplittableRandom rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      // Magnitudes over many binades, so that the order of the additions shows in the bits.
      x[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(2, rng.nextInt(40) - 20));
    }
    return x;
  }

  @Test
  void bothKernelsGiveTheBitsOfTheDefinedOrder() {
    SplittableRandom rng = new SplittableRandom(20261206L);
    Kernels vector = VectorKernels.create();
    for (int trial = 0; trial < 400; trial++) {
      int n = trial < 100 ? trial : rng.nextInt(5000);
      float[] x = spread(rng, n + 40);
      int from = rng.nextInt(20);
      int to = from + n;
      String where = "[" + from + ", " + to + ")";
      double expected = ordered(x, from, to);
      assertEquals(Double.doubleToRawLongBits(expected),
          Double.doubleToRawLongBits(Kernels.scalar().sumOfSquares(x, from, to)), where);
      assertEquals(Double.doubleToRawLongBits(expected),
          Double.doubleToRawLongBits(vector.sumOfSquares(x, from, to)), where);
    }
  }

  @Test
  void theSumIsTheExactSumToDoubleRounding() {
    float[] x = spread(new SplittableRandom(3), 100_003);
    BigDecimal exact = BigDecimal.ZERO;
    for (float v : x) {
      exact = exact.add(new BigDecimal(v).multiply(new BigDecimal(v)));
    }
    double want = exact.doubleValue();
    // Each of the 100,003 additions rounds with relative error at most 2^-53, all terms being positive.
    assertEquals(want, Kernels.get().sumOfSquares(x, 0, x.length), want * 100_003 * 0x1p-53);
  }

  @Test
  void emptyRunsAndNonFiniteValues() {
    float[] x = {Float.NaN, 3f, Float.POSITIVE_INFINITY};
    for (Kernels k : new Kernels[] {Kernels.scalar(), VectorKernels.create()}) {
      assertEquals(0.0, k.sumOfSquares(x, 1, 1), 0.0);
      assertEquals(9.0, k.sumOfSquares(x, 1, 2), 0.0);
      assertEquals(Double.NaN, k.sumOfSquares(x, 0, 2), 0.0);
      assertEquals(Double.POSITIVE_INFINITY, k.sumOfSquares(x, 1, 3), 0.0);
    }
  }
}
