package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The elementwise kernels give the same bits however they are reached: the vector lanes equal the scalar twin
 * {@link FloatMath} for every input tried (which is what makes the result independent of interpreter, C1 or C2),
 * a result does not depend on the array's length or the element's position, and the first (cold) call agrees
 * with calls made after a long warm-up. NaN results are compared as NaN, whatever their payload.
 */
class VectorMathDeterminismTest {
  private static final int RANDOM_INPUTS = 1 << 20;
  private static final int WARM_UP_CALLS = 200_000;
  private static final int MAX_LENGTH = 70;
  private static final long SEED = 20261125L;

  /** One elementwise kernel and its scalar twin. */
  private record Fn(String name, Kernel kernel, FloatOp twin) {}

  private interface Kernel {
    void apply(Kernels k, float[] x, int xOff, float[] y, int yOff, int n);
  }

  private interface FloatOp {
    float apply(float x);
  }

  private static final Fn[] FNS = {
      new Fn("exp", Kernels::exp, FloatMath::exp),
      new Fn("log", Kernels::log, FloatMath::log),
      new Fn("tanh", Kernels::tanh, FloatMath::tanh),
      new Fn("sigmoid", Kernels::sigmoid, FloatMath::sigmoid),
      new Fn("softplus", Kernels::softplus, FloatMath::softplus),
  };

  /**
   * Taken in the test class's static initialiser, before this class warms anything up (other test classes in the
   * same JVM may have run first; the comparison with the scalar twin is what covers every execution mode).
   */
  private static final float[][] COLD = coldResults();

  private final Kernels vector = VectorKernels.create();

  @Test
  void vectorLanesEqualTheScalarTwinBitForBit() {
    float[] x = inputs();
    float[] y = new float[x.length];
    for (Fn fn : FNS) {
      fn.kernel.apply(vector, x, 0, y, 0, x.length);
      for (int i = 0; i < x.length; i++) {
        assertSameBits(fn.twin.apply(x[i]), y[i], fn.name, x[i]);
      }
    }
  }

  @Test
  void activeKernelsGiveTheSameBitsAsTheScalarTwinOnALongArray() {
    if (!(Kernels.get() instanceof VectorKernels)) {
      return;
    }
    float[] x = inputs();
    float[] y = new float[x.length];
    for (Fn fn : FNS) {
      fn.kernel.apply(Kernels.get(), x, 0, y, 0, x.length);
      for (int i = 0; i < x.length; i++) {
        assertSameBits(fn.twin.apply(x[i]), y[i], fn.name, x[i]);
      }
    }
  }

  @Test
  void resultDoesNotDependOnArrayLengthOrPosition() {
    float[] x = edgeCases(new SplittableRandom(SEED), MAX_LENGTH);
    for (Fn fn : FNS) {
      float[] whole = new float[x.length];
      fn.kernel.apply(vector, x, 0, whole, 0, x.length);
      for (int n = 1; n <= MAX_LENGTH; n++) {
        for (int off = 0; off + n <= x.length; off += 7) {
          float[] part = new float[n];
          fn.kernel.apply(vector, x, off, part, 0, n);
          for (int i = 0; i < n; i++) {
            assertSameBits(whole[off + i], part[i], fn.name + " (length " + n + ", offset " + off + ")", x[off + i]);
          }
        }
      }
    }
  }

  @Test
  void coldCallsAgreeWithCallsAfterWarmUp() {
    float[] x = coldInputs();
    float[] y = new float[x.length];
    for (int rep = 0; rep < WARM_UP_CALLS / FNS.length; rep++) {
      for (Fn fn : FNS) {
        fn.kernel.apply(vector, x, rep % 5, y, 0, x.length - rep % 5);
      }
    }
    for (int f = 0; f < FNS.length; f++) {
      FNS[f].kernel.apply(vector, x, 0, y, 0, x.length);
      for (int i = 0; i < x.length; i++) {
        assertSameBits(COLD[f][i], y[i], FNS[f].name + " hot vs cold", x[i]);
      }
    }
  }

  @Test
  void theComparisonCatchesAOneUlpDifference() {
    float one = FloatMath.exp(1f);
    try {
      assertSameBits(one, Math.nextUp(one), "exp", 1f);
    } catch (AssertionError expected) {
      return;
    }
    fail("a one-ulp difference went unnoticed");
  }

  private static float[][] coldResults() {
    Kernels cold = VectorKernels.create();
    float[] x = coldInputs();
    float[][] out = new float[FNS.length][x.length];
    for (int f = 0; f < FNS.length; f++) {
      FNS[f].kernel.apply(cold, x, 0, out[f], 0, x.length);
    }
    return out;
  }

  private static float[] coldInputs() {
    return edgeCases(new SplittableRandom(SEED + 1), 259);
  }

  /** Random floats of every exponent and sign, random values in the interesting range, then the edge cases. */
  private static float[] inputs() {
    SplittableRandom rng = new SplittableRandom(SEED);
    float[] x = edgeCases(rng, RANDOM_INPUTS);
    for (int i = 0; i < x.length / 2; i++) {
      x[i] = Float.intBitsToFloat(rng.nextInt());
    }
    return x;
  }

  private static float[] edgeCases(SplittableRandom rng, int n) {
    float[] special = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 88.72283f, 88.72284f,
        -87.33655f, -103.97208f, -103.97209f, -104f, 89f, FloatMath.TANH_SMALL, Math.nextDown(FloatMath.TANH_SMALL),
        9.01f, 1e-30f, -1e-30f, 0.70710677f, 1.4142135f, Math.nextDown(1f), Math.nextUp(1f)};
    float[] x = new float[n];
    DoubleUnaryOperator wide = u -> 2 * 110 * u - 110;
    for (int i = 0; i < n; i++) {
      x[i] = i % 3 == 0 ? special[(i / 3) % special.length] : (float) wide.applyAsDouble(rng.nextDouble());
    }
    return x;
  }

  private static void assertSameBits(float want, float got, String what, float x) {
    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got),
        () -> what + "(" + x + ") = " + got + ", want " + want + " bit for bit");
  }
}
