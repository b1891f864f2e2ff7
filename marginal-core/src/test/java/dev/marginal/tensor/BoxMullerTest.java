package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link Kernels#boxMuller} against the transform written with {@link StrictMath}, bit for
 * bit: uniforms as the samplers draw them, and runs of consecutive uniforms where the vector code's lanes change
 * branch or hand the lane to the scalar code.
 */
class BoxMullerTest {
  private final Kernels vector = VectorKernels.create();
  private final Kernels scalar = ScalarKernels.INSTANCE;

  private static void check(Kernels kernels, double[] u1, double[] u2) {
    int pairs = u1.length;
    double[] z = new double[2 * pairs];
    kernels.boxMuller(u1, u2, pairs, z);
    for (int i = 0; i < pairs; i++) {
      double r = Math.sqrt(-2.0 * StrictMath.log(u1[i]));
      double t = 2 * Math.PI * u2[i];
      double cos = r * StrictMath.cos(t);
      double sin = r * StrictMath.sin(t);
      if (Double.doubleToRawLongBits(cos) != Double.doubleToRawLongBits(z[2 * i])
          || Double.doubleToRawLongBits(sin) != Double.doubleToRawLongBits(z[2 * i + 1])) {
        assertEquals(cos + " " + sin, z[2 * i] + " " + z[2 * i + 1],
            kernels.getClass().getSimpleName() + " at u1 = " + u1[i] + ", u2 = " + u2[i]);
      }
    }
  }

  private void checkBoth(double[] u1, double[] u2) {
    check(vector, u1, u2);
    check(scalar, u1, u2);
  }

  private static double[] toArray(List<Double> v) {
    double[] a = new double[v.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = v.get(i);
    }
    return a;
  }

  /** {@code count} consecutive doubles on each side of {@code x}, within {@code [lo, hi]}. */
  private static void around(double x, int count, double lo, double hi, List<Double> into) {
    double a = x;
    double b = x;
    into.add(Math.min(hi, Math.max(lo, x)));
    for (int i = 0; i < count; i++) {
      a = Math.nextDown(a);
      b = Math.nextUp(b);
      into.add(Math.min(hi, Math.max(lo, a)));
      into.add(Math.min(hi, Math.max(lo, b)));
    }
  }

  @Test
  void uniformsAsTheSamplersDrawThem() {
    SplittableRandom r = new SplittableRandom(11);
    int pairs = 1_000_003;
    double[] u1 = new double[pairs];
    double[] u2 = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      u1[i] = 1.0 - (r.nextLong() >>> 11) * 0x1.0p-53;
      u2[i] = (r.nextLong() >>> 11) * 0x1.0p-53;
    }
    checkBoth(u1, u2);
  }

  @Test
  void anglesAtEveryBranchBoundary() {
    List<Double> t = new ArrayList<>();
    for (int q = 0; q <= 8; q++) {
      t.add(q * Math.PI / 4);
    }
    // High words where the direct, n = 1 and medium cases meet, and where the reduction takes more care.
    for (int hw : new int[] {0x3fe921fb, 0x3fe921fc, 0x3ff921fb, 0x3ff921fc, 0x4002d97c, 0x4002d97d, 0x400921fb,
        0x400921fc, 0x4012d97c, 0x4012d97d, 0x401921fb}) {
      t.add(Double.longBitsToDouble((long) hw << 32));
      t.add(Double.longBitsToDouble((long) hw << 32) - 1e-12);
    }
    // Reduced arguments at the kernels' thresholds (2^-27, 0.3 and 0.78125) on either side of each multiple of π/2.
    for (int n = 0; n <= 4; n++) {
      for (double y : new double[] {0x1.0p-27, 0.3, 0.78125, 0.3 + 1e-7, 0.78125 + 6e-7}) {
        t.add(n * Math.PI / 2 + y);
        t.add(n * Math.PI / 2 - y);
      }
    }
    List<Double> u2 = new ArrayList<>();
    for (double target : t) {
      around(target / (2 * Math.PI), 3000, 0.0, Math.nextDown(1.0), u2);
    }
    double[] b = toArray(u2);
    double[] a = new double[b.length];
    SplittableRandom r = new SplittableRandom(12);
    for (int i = 0; i < a.length; i++) {
      a[i] = 1.0 - (r.nextLong() >>> 11) * 0x1.0p-53;
    }
    checkBoth(a, b);
  }

  @Test
  void logarithmsAtEveryBranchBoundary() {
    List<Double> u1 = new ArrayList<>();
    for (int e = -53; e <= 0; e++) {
      around(Math.scalb(1.0, e), 200, 0x1.0p-53, 1.0, u1);
    }
    // Near 1, where |f| < 2^-20, and the thresholds of the normalization and of the two polynomial branches.
    for (int hw = 0x3feffffc; hw <= 0x3fefffff; hw++) {
      around(Double.longBitsToDouble((long) hw << 32), 1000, 0x1.0p-53, 1.0, u1);
      around(Double.longBitsToDouble((long) hw << 32 | 0xffffffffL), 1000, 0x1.0p-53, 1.0, u1);
    }
    for (int hx : new int[] {0x6147a, 0x6b851, 0x95f64, 0x6a09e}) {
      around(Double.longBitsToDouble((long) (0x3fe00000 | hx) << 32), 1000, 0x1.0p-53, 1.0, u1);
      around(Double.longBitsToDouble((long) (0x3fd00000 | hx) << 32), 1000, 0x1.0p-53, 1.0, u1);
    }
    double[] a = toArray(u1);
    double[] b = new double[a.length];
    SplittableRandom r = new SplittableRandom(13);
    for (int i = 0; i < b.length; i++) {
      b[i] = (r.nextLong() >>> 11) * 0x1.0p-53;
    }
    checkBoth(a, b);
  }

  @Test
  void everyLengthAndOutOfRangeArguments() {
    // Lengths around the vector width (a scalar tail), and arguments outside the samplers' ranges: the scalar code.
    double[] odd1 = {1.0, 0x1.0p-53, 0.5, 1e-300, Double.MIN_VALUE, 3.0, 0.25, 0.75, 0.1, 0.9, 0.6};
    double[] odd2 = {0.0, 0.5, 0.25, 1.0, 2.5, -0.1, 1e6, 0.999, 0.125, 0.375, 0.875};
    for (int n = 0; n <= odd1.length; n++) {
      checkBoth(java.util.Arrays.copyOf(odd1, n), java.util.Arrays.copyOf(odd2, n));
    }
  }
}
