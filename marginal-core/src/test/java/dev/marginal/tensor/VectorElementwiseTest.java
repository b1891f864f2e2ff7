package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The Vector API transcendental functions against {@code Math} in double precision: maximum relative error over wide
 * ranges of arguments, and the edge cases (overflow, underflow, zeros, infinities, NaN) exactly.
 */
class VectorElementwiseTest {
  /** Two float ulps at the top of a binade: the documented accuracy of every elementwise kernel. */
  static final double MAX_REL_ERROR = 2.4e-7;
  private static final int SAMPLES = 200_000;
  private static final long SEED = 20261125L;
  private static final float INF = Float.POSITIVE_INFINITY;

  private final Kernels vector = VectorKernels.create();

  /** One elementwise kernel under test. */
  private interface Fn {
    void apply(Kernels k, float[] x, int xOff, float[] y, int yOff, int n);
  }

  @Test
  void expIsAccurateOverTheNormalRange() {
    assertAccurate("exp", Kernels::exp, Math::exp, -87.3, 88.7);
  }

  @Test
  void logIsAccurateOverAllPositiveExponents() {
    SplittableRandom rng = new SplittableRandom(SEED);
    float[] x = new float[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      // Uniform in the bit pattern: every binade from the smallest subnormal to the largest float.
      x[i] = Float.intBitsToFloat(1 + rng.nextInt(0x7f7fffff));
    }
    assertAccurate("log", Kernels::log, Math::log, x);
  }

  @Test
  void tanhIsAccurateNearZeroAndInTheTails() {
    assertAccurate("tanh", Kernels::tanh, Math::tanh, -12, 12);
    assertAccurate("tanh", Kernels::tanh, Math::tanh, -1e-3, 1e-3);
  }

  @Test
  void sigmoidIsAccurateOnBothTails() {
    DoubleUnaryOperator ref = v -> v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    assertAccurate("sigmoid", Kernels::sigmoid, ref, -87, 30);
  }

  @Test
  void softplusIsAccurateOnBothTails() {
    DoubleUnaryOperator ref = v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    assertAccurate("softplus", Kernels::softplus, ref, -87, 100);
  }

  @Test
  void edgeCasesFollowIeeeConventions() {
    float nan = Float.NaN;
    check(Kernels::exp, new float[] {89f, 1000f, INF, -104f, -1000f, -INF, 0f, nan},
        new float[] {INF, INF, INF, 0f, 0f, 0f, 1f, nan});
    check(Kernels::log, new float[] {0f, -0f, -1f, -INF, INF, 1f, nan},
        new float[] {-INF, -INF, nan, nan, INF, 0f, nan});
    check(Kernels::tanh, new float[] {20f, -20f, INF, -INF, 0f, -0f, nan},
        new float[] {1f, -1f, 1f, -1f, 0f, -0f, nan});
    check(Kernels::sigmoid, new float[] {200f, -200f, INF, -INF, 0f, nan},
        new float[] {1f, 0f, 1f, 0f, 0.5f, nan});
    check(Kernels::softplus, new float[] {1e30f, -200f, INF, -INF, 0f, nan},
        new float[] {1e30f, 0f, INF, 0f, (float) Math.log(2), nan});
  }

  @Test
  void resultDoesNotDependOnPositionInTheArray() {
    float[] x = new float[37];
    for (int i = 0; i < x.length; i++) {
      x[i] = 0.37f * i - 5f;
    }
    float[] whole = new float[x.length];
    vector.tanh(x, 0, whole, 0, x.length);
    for (int off = 1; off < 20; off++) {
      float[] part = new float[x.length];
      vector.tanh(x, off, part, 0, x.length - off);
      for (int i = 0; i < x.length - off; i++) {
        assertEquals(whole[i + off], part[i], 0f, "element " + (i + off) + " read at offset " + off);
      }
    }
  }

  private void check(Fn fn, float[] x, float[] expected) {
    // Repeat the cases so they land in both the vector body and the padded tail.
    int reps = 2 * GemmMicroKernel.L / x.length + 2;
    float[] xs = new float[reps * x.length + 1];
    for (int i = 0; i < xs.length - 1; i++) {
      xs[i + 1] = x[i % x.length];
    }
    float[] y = new float[xs.length];
    fn.apply(vector, xs, 1, y, 0, xs.length - 1);
    for (int i = 0; i < y.length - 1; i++) {
      float want = expected[i % x.length];
      String msg = "f(" + xs[i + 1] + ")";
      if (Float.isNaN(want)) {
        assertTrue(Float.isNaN(y[i]), msg + " = " + y[i] + ", want NaN");
      } else {
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y[i]), msg + " = " + y[i] + ", want " + want);
      }
    }
  }

  private void assertAccurate(String name, Fn fn, DoubleUnaryOperator ref, double lo, double hi) {
    SplittableRandom rng = new SplittableRandom(SEED);
    float[] x = new float[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      x[i] = (float) (lo + (hi - lo) * rng.nextDouble());
    }
    assertAccurate(name, fn, ref, x);
  }

  private void assertAccurate(String name, Fn fn, DoubleUnaryOperator ref, float[] x) {
    float[] y = new float[x.length];
    fn.apply(vector, x, 0, y, 0, x.length);
    double worst = 0;
    int worstAt = 0;
    for (int i = 0; i < x.length; i++) {
      double want = ref.applyAsDouble(x[i]);
      double rel = want == 0 ? Math.abs(y[i]) : Math.abs((y[i] - want) / want);
      if (!(rel <= worst)) {
        worst = rel;
        worstAt = i;
      }
    }
    double w = worst;
    float at = x[worstAt];
    System.out.printf("%s: max relative error %.3g at x = %s%n", name, w, at);
    assertTrue(w <= MAX_REL_ERROR, () -> name + ": relative error " + w + " at x = " + at);
  }
}
