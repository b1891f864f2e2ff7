package dev.marginal.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Forward values and gradients at infinities, saturation and NaN, where naive formulas give NaN. */
class NumericEdgeCasesTest {
  private static final float NEG_INF = Float.NEGATIVE_INFINITY;

  /** The gradient of {@code Σ f(x)} with respect to x (seeded with ones, so infinite outputs are harmless). */
  private static float[] gradient(Function<Var, Var> f, Tensor x) {
    Tape tape = new Tape();
    Var v = tape.variable(x);
    Var out = f.apply(v);
    tape.backward(out, Tensor.full(1f, out.value().shape()));
    return tape.grad(v).toArray();
  }

  private static boolean allFinite(float[] x) {
    for (float v : x) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void logSumExpOfAllNegativeInfinityIsNegativeInfinityWithZeroGradient() {
    Tensor x = Tensor.of(new float[] {NEG_INF, NEG_INF, NEG_INF, 0f, 1f, 2f}, 2, 3);
    Tensor out = x.logSumExp(1, false);
    assertEquals(NEG_INF, out.get(0));
    assertEquals(Math.log(1 + Math.E + Math.E * Math.E), out.get(1), 1e-6);
    float[] g = gradient(v -> v.logSumExp(1, false), x);
    assertTrue(allFinite(g), Arrays.toString(g));
    assertEquals(0f, g[0]);
    assertEquals(0f, g[1]);
    assertEquals(0f, g[2]);
    assertEquals(1.0, g[3] + g[4] + g[5], 1e-6);
  }

  @Test
  void logMeanExpOfAllNegativeInfinityIsNegativeInfinityWithZeroGradient() {
    Tensor x = Tensor.full(NEG_INF, 4);
    Tape tape = new Tape();
    Var v = tape.variable(x);
    Var out = v.logMeanExp(0, false);
    assertEquals(NEG_INF, out.value().item());
    tape.backward(out);
    assertTrue(allFinite(tape.grad(v).toArray()));
  }

  @Test
  void logCumSumExpWithNegativeInfinitePrefixHasFiniteGradientZeroOnThePrefix() {
    Tensor x = Tensor.of(new float[] {NEG_INF, NEG_INF, 0f, 1f}, 4);
    Tensor out = x.logCumSumExp(0);
    assertEquals(NEG_INF, out.get(0));
    assertEquals(NEG_INF, out.get(1));
    assertEquals(0f, out.get(2));
    assertEquals(Math.log(1 + Math.E), out.get(3), 1e-6);
    float[] g = gradient(v -> v.logCumSumExp(0), x);
    assertTrue(allFinite(g), Arrays.toString(g));
    assertEquals(0f, g[0]);
    assertEquals(0f, g[1]);
    // d/dx_i Σ_j c_j = e^{x_i} Σ_{j≥i} e^{−c_j}.
    double c3 = Math.log(1 + Math.E);
    assertEquals(1 + Math.exp(-c3), g[2], 1e-6);
    assertEquals(Math.E * Math.exp(-c3), g[3], 1e-6);
  }

  @Test
  void logCumSumExpOfAllNegativeInfinityAlongOneColumnHasZeroGradientThere() {
    Tensor x = Tensor.of(new float[] {NEG_INF, 0.5f, NEG_INF, -1f, NEG_INF, 2f}, 3, 2);
    float[] g = gradient(v -> v.logCumSumExp(0), x);
    assertTrue(allFinite(g), Arrays.toString(g));
    assertEquals(0f, g[0]);
    assertEquals(0f, g[2]);
    assertEquals(0f, g[4]);
  }

  @Test
  void logSumExpWithPositiveInfinityIsInfiniteAndSendsTheGradientToIt() {
    Tensor x = Tensor.of(new float[] {1f, Float.POSITIVE_INFINITY, -3f}, 3);
    assertEquals(Float.POSITIVE_INFINITY, x.logSumExp(0, false).item());
    float[] g = gradient(v -> v.logSumExp(0, false), x);
    // The softmax limit as one input grows without bound: all weight on that input.
    assertEquals(0f, g[0]);
    assertEquals(1f, g[1]);
    assertEquals(0f, g[2]);
  }

  @Test
  void logSumExpGradientIsSoftmaxAtLargeMagnitudes() {
    // Float32 spacing at 1e5 is 2^-7: an output rounded to float shifts exp(x − out) by up to 0.4%.
    float[] xs = {1e5f, 1e5f + 0.5f, 1e5f - 1f, 1e5f + 0.25f};
    float[] g = gradient(v -> v.logSumExp(0, false), Tensor.of(xs, 4));
    double[] softmax = softmax(xs);
    for (int i = 0; i < xs.length; i++) {
      assertEquals(softmax[i], g[i], 1e-6, "entry " + i);
    }
  }

  @Test
  void logCumSumExpGradientIsExactAtLargeMagnitudes() {
    float[] xs = {-1e5f, -1e5f + 0.5f, -1e5f - 1f, -1e5f + 0.25f};
    float[] g = gradient(v -> v.logCumSumExp(0), Tensor.of(xs, 4));
    // d/dx_i Σ_j c_j = Σ_{j≥i} softmax over the prefix [0, j], entry i.
    for (int i = 0; i < xs.length; i++) {
      double expected = 0;
      for (int j = i; j < xs.length; j++) {
        expected += softmax(Arrays.copyOf(xs, j + 1))[i];
      }
      assertEquals(expected, g[i], 1e-6 * expected, "entry " + i);
    }
  }

  private static double[] softmax(float[] xs) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : xs) {
      max = Math.max(max, x);
    }
    double[] p = new double[xs.length];
    double total = 0;
    for (int i = 0; i < xs.length; i++) {
      p[i] = Math.exp(xs[i] - max);
      total += p[i];
    }
    for (int i = 0; i < xs.length; i++) {
      p[i] /= total;
    }
    return p;
  }

  @Test
  void softplusAndSigmoidAreFiniteAtPlusMinus100() {
    Tensor x = Tensor.of(new float[] {-100f, 100f}, 2);
    float[] sp = x.softplus().toArray();
    assertEquals(100f, sp[1]);
    assertEquals(Math.exp(-100), sp[0], 1e-45);
    float[] sig = x.sigmoid().toArray();
    assertEquals(1f, sig[1]);
    assertEquals(Math.exp(-100), sig[0], 1e-45);
    assertTrue(allFinite(gradient(Var::softplus, x)));
    assertTrue(allFinite(gradient(Var::sigmoid, x)));
    assertEquals(1f, gradient(Var::softplus, x)[1]);
  }

  @Test
  void softplusGradientIsSigmoidAtLargeMagnitudes() {
    float[] xs = {-100f, -40f, -20f, 20f, 40f, 100f};
    float[] g = gradient(Var::softplus, Tensor.of(xs, xs.length));
    for (int i = 0; i < xs.length; i++) {
      double sigma = 1 / (1 + Math.exp(-(double) xs[i]));
      // Float.MIN_VALUE: σ(−100) ≈ 3.7e-44 is subnormal in float32.
      assertEquals(sigma, g[i], 1e-6 * sigma + Float.MIN_VALUE, "x = " + xs[i]);
    }
  }

  @Test
  void logOfZeroIsNegativeInfinity() {
    // 37 zeros exercise both the vector loop and its scalar tail.
    float[] log = Tensor.zeros(37).log().toArray();
    for (float v : log) {
      assertEquals(NEG_INF, v);
    }
  }

  @Test
  void nanPropagatesThroughMaxAtAnyPosition() {
    for (int at = 0; at < 4; at++) {
      float[] x = {1f, 5f, -2f, 3f};
      x[at] = Float.NaN;
      Tensor m = Tensor.of(x, 4).max(0, false);
      assertTrue(Float.isNaN(m.item()), "NaN at " + at + " gave " + m);
    }
  }

  @Test
  void nanPropagatesThroughMaximumFromEitherSide() {
    Tensor withNan = Tensor.of(new float[] {Float.NaN, 1f, 2f}, 3);
    Tensor plain = Tensor.of(new float[] {0f, 0f, 0f}, 3);
    assertTrue(Float.isNaN(withNan.maximum(plain).get(0)));
    assertTrue(Float.isNaN(plain.maximum(withNan).get(0)));
    assertTrue(Float.isNaN(withNan.maximum(Tensor.scalar(5f)).get(0)));
    assertTrue(Float.isNaN(Tensor.scalar(5f).maximum(withNan).get(0)));
    Tensor nanScalar = Tensor.scalar(Float.NaN);
    assertTrue(Tensor.of(plain.maximum(nanScalar).toArray(), 3).allFinite() == false);
    assertEquals(2f, withNan.maximum(plain).get(2));
  }
}
