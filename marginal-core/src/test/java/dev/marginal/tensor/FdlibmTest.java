package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Fdlibm} against {@link StrictMath}, bit for bit: random arguments over the ranges Box–Muller uses and far
 * beyond, and runs of consecutive doubles around every boundary where the code takes another path.
 */
class FdlibmTest {
  private static final double[] OUT = new double[2];

  private static void checkLog(double x) {
    double expected = StrictMath.log(x);
    double actual = Fdlibm.log(x);
    if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(actual)) {
      assertEquals(expected, actual, 0.0, "log(" + x + ") bits " + Long.toHexString(Double.doubleToRawLongBits(x)));
    }
  }

  private static void checkSinCos(double x) {
    Fdlibm.sinCos(x, OUT);
    double cos = StrictMath.cos(x);
    double sin = StrictMath.sin(x);
    if (Double.doubleToRawLongBits(cos) != Double.doubleToRawLongBits(OUT[0])) {
      assertEquals(cos, OUT[0], 0.0, "cos(" + x + ") bits " + Long.toHexString(Double.doubleToRawLongBits(x)));
    }
    if (Double.doubleToRawLongBits(sin) != Double.doubleToRawLongBits(OUT[1])) {
      assertEquals(sin, OUT[1], 0.0, "sin(" + x + ") bits " + Long.toHexString(Double.doubleToRawLongBits(x)));
    }
  }

  /** {@code count} consecutive doubles on each side of {@code x} (same sign), x included. */
  private static void around(double x, int count, java.util.function.DoubleConsumer check) {
    double lo = x;
    double hi = x;
    check.accept(x);
    for (int i = 0; i < count; i++) {
      lo = Math.nextDown(lo);
      hi = Math.nextUp(hi);
      check.accept(lo);
      check.accept(hi);
    }
  }

  @Test
  void logMatchesStrictMathOnTheUnitInterval() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 2_000_000; i++) {
      checkLog(r.nextDouble());
      // 1 − u of Box–Muller: multiples of 2^-53 in (0, 1].
      checkLog(1.0 - (r.nextLong() >>> 11) * 0x1.0p-53);
    }
  }

  @Test
  void logMatchesStrictMathAcrossExponentsAndPaths() {
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 1_000_000; i++) {
      // Any positive finite double, subnormals included.
      checkLog(Double.longBitsToDouble(r.nextLong(0x7ff0000000000000L)));
    }
    // |f| < 2^-20 and f = 0 about each power of two (the k = 0 and k ≠ 0 branches), the √2 normalization threshold,
    // and the two polynomial branches' thresholds.
    for (int e = -1022; e <= 1023; e += 1) {
      around(Math.scalb(1.0, e), 40, FdlibmTest::checkLog);
    }
    for (double x : new double[] {1.0, Math.sqrt(2), Math.sqrt(0.5), 0.5, 2.0}) {
      around(x, 5000, FdlibmTest::checkLog);
    }
    for (int hx : new int[] {0x6147a, 0x6b851, 0x95f64, 0x6a09e}) {
      around(Double.longBitsToDouble((long) (0x3ff00000 | hx) << 32), 2000, FdlibmTest::checkLog);
      around(Double.longBitsToDouble((long) (0x3fe00000 | hx) << 32), 2000, FdlibmTest::checkLog);
    }
    // The high words next to 1, where |f| < 2^-20 begins and ends: each end, and random low words.
    for (int hw = 0x3feffffc; hw <= 0x3ff00003; hw++) {
      around(Double.longBitsToDouble((long) hw << 32), 2000, FdlibmTest::checkLog);
      around(Double.longBitsToDouble((long) hw << 32 | 0xffffffffL), 2000, FdlibmTest::checkLog);
      for (int i = 0; i < 100_000; i++) {
        checkLog(Double.longBitsToDouble((long) hw << 32 | (r.nextLong() >>> 32)));
      }
    }
    for (double x : new double[] {0.0, -0.0, -1.0, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
      checkLog(x);
    }
  }

  @Test
  void sinCosMatchStrictMathOverATurn() {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 2_000_000; i++) {
      // 2π·u of Box–Muller, u a multiple of 2^-53 in [0, 1).
      checkSinCos(2 * Math.PI * ((r.nextLong() >>> 11) * 0x1.0p-53));
    }
  }

  @Test
  void sinCosMatchStrictMathAtEveryBranch() {
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < 500_000; i++) {
      checkSinCos(r.nextDouble(0, 1e6));
      checkSinCos(-r.nextDouble(0, 10));
      checkSinCos(Double.longBitsToDouble(r.nextLong()));
    }
    // Multiples of π/4 bound the kernels and the n = 1 special case; near multiples of π/2 the reduction cancels
    // and takes its second and third iterations.
    for (int q = 0; q <= 200; q++) {
      around(q * Math.PI / 4, 3000, FdlibmTest::checkSinCos);
    }
    // The largest n·π/2 the medium case handles, and arguments just past it.
    around(Math.scalb(Math.PI / 2, 19), 3000, FdlibmTest::checkSinCos);
    // The kernels' thresholds on the reduced argument, 2^-27, 0.3 and 0.78125, at both ends of the high words
    // next to them.
    java.util.List<Double> thresholds = new java.util.ArrayList<>();
    for (int hw : new int[] {0x3e400000, 0x3FD33333, 0x3fe90000}) {
      for (int d = -1; d <= 1; d++) {
        thresholds.add(Double.longBitsToDouble((long) (hw + d) << 32));
        thresholds.add(Double.longBitsToDouble((long) (hw + d) << 32 | 0xffffffffL));
      }
    }
    for (double y : thresholds) {
      around(y, 3000, FdlibmTest::checkSinCos);
      around(Math.PI / 2 + y, 3000, FdlibmTest::checkSinCos);
      around(Math.PI - y, 3000, FdlibmTest::checkSinCos);
    }
    for (double x : new double[] {0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NaN}) {
      checkSinCos(x);
    }
  }
}
