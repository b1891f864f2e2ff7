package dev.marginal.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {
  @Test
  void clippingScalesTheGlobalNormAndKeepsTheDirection() {
    Parameter a = new Parameter("a", Tensor.zeros(2));
    Parameter b = new Parameter("b", Tensor.zeros(1));
    a.grad().addInPlace(Tensor.of(new float[] {3f, 0f}, 2), 1f);
    b.grad().addInPlace(Tensor.of(new float[] {4f}, 1), 1f);
    double before = GradientClipping.clipByGlobalNormInPlace(List.of(a, b), 1.0);
    assertEquals(5.0, before, 1e-6);
    assertEquals(1.0, GradientClipping.globalNorm(List.of(a, b)), 1e-6);
    assertEquals(0.6f, a.grad().get(0), 1e-6f);
    assertEquals(0.8f, b.grad().get(0), 1e-6f);
    assertEquals(1.0, GradientClipping.clipByGlobalNormInPlace(List.of(a, b), 10.0), 1e-6);
    assertEquals(0.6f, a.grad().get(0), 1e-6f);
  }

  /** Sizes that give whole chunks, a short last chunk, tails of 1–3 after the groups of four, and tiny buffers. */
  private static final int[] SIZES = {
    3 * GradientClipping.CHUNK, GradientClipping.CHUNK + 7, 40_001, 1, 2, 3, 5, 100_002
  };

  private static List<Parameter> randomGradients(long seed, float scale) {
    List<Parameter> params = new ArrayList<>();
    RngKey key = RngKey.of(seed);
    for (int i = 0; i < SIZES.length; i++) {
      float[] g = key.foldIn(i).normals(SIZES[i]);
      for (int j = 0; j < g.length; j++) {
        g[j] *= scale;
      }
      Parameter p = new Parameter("p" + i, Tensor.zeros(SIZES[i]));
      p.grad().addInPlace(Tensor.wrap(g, SIZES[i]), 1f);
      params.add(p);
    }
    return params;
  }

  private static double exactNorm(List<Parameter> params) {
    BigDecimal s = BigDecimal.ZERO;
    for (Parameter p : params) {
      for (float g : p.gradBuffer()) {
        BigDecimal v = new BigDecimal(g);
        s = s.add(v.multiply(v));
      }
    }
    return s.sqrt(MathContext.DECIMAL128).doubleValue();
  }

  @Test
  void theNormOfManyChunksIsTheExactNormToDoubleRounding() {
    List<Parameter> params = randomGradients(3, 0.01f);
    double exact = exactNorm(params);
    double norm = GradientClipping.globalNorm(params);
    // About 320,000 squares, each exact in double, summed with relative error below n·2^-53 ≈ 4e-11.
    assertEquals(exact, norm, exact * 1e-10);
    // Sums of small integers are exact in any order, so the norm is the square root correctly rounded.
    Parameter unit = new Parameter("u", Tensor.zeros(4 * GradientClipping.CHUNK + 3));
    unit.grad().addInPlace(Tensor.full(1f, 4 * GradientClipping.CHUNK + 3), 1f);
    assertEquals(Math.sqrt(4 * GradientClipping.CHUNK + 3), GradientClipping.globalNorm(List.of(unit)), 0.0);
  }

  @Test
  void normAndClippedGradientsHaveTheSameBitsOnOneAndTwoThreads() {
    double[] norms = new double[2];
    float[][][] clipped = new float[2][][];
    for (int t = 1; t <= 2; t++) {
      List<Parameter> params = randomGradients(7, 1f);
      int threads = t;
      norms[t - 1] = Parallel.withThreads(threads, () -> GradientClipping.clipByGlobalNormInPlace(params, 3.0));
      clipped[t - 1] = params.stream().map(p -> p.gradBuffer().clone()).toArray(float[][]::new);
    }
    assertEquals(norms[0], norms[1], 0.0);
    assertTrue(norms[0] > 3.0, "the gradients were clipped");
    for (int i = 0; i < SIZES.length; i++) {
      assertArrayEquals(clipped[0][i], clipped[1][i], 0f);
    }
  }

  @Test
  void clippedGradientsAreScaledToTheBound() {
    List<Parameter> params = randomGradients(11, 1f);
    List<float[]> before = new ArrayList<>();
    for (Parameter p : params) {
      before.add(p.gradBuffer().clone());
    }
    double norm = GradientClipping.clipByGlobalNormInPlace(params, 2.5);
    float scale = (float) (2.5 / norm);
    for (int i = 0; i < params.size(); i++) {
      float[] g = params.get(i).gradBuffer();
      for (int j = 0; j < g.length; j++) {
        assertEquals(before.get(i)[j] * scale, g[j], 0f);
      }
    }
    assertEquals(2.5, GradientClipping.globalNorm(params), 2.5 * 1e-6);
  }

  @Test
  void aNonFiniteGradientLeavesEveryGradientAsItWas() {
    List<Parameter> params = randomGradients(13, 1f);
    float[] last = params.get(params.size() - 1).gradBuffer();
    last[last.length - 1] = Float.NaN;
    List<float[]> before = new ArrayList<>();
    for (Parameter p : params) {
      before.add(p.gradBuffer().clone());
    }
    assertTrue(Double.isNaN(GradientClipping.clipByGlobalNormInPlace(params, 1.0)));
    for (int i = 0; i < params.size(); i++) {
      assertArrayEquals(before.get(i), params.get(i).gradBuffer(), 0f);
    }
    last[last.length - 1] = Float.POSITIVE_INFINITY;
    assertEquals(Double.POSITIVE_INFINITY, GradientClipping.globalNorm(params), 0.0);
  }

  @Test
  void theBoundMustBePositive() {
    List<Parameter> params = randomGradients(1, 1f);
    assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNormInPlace(params, 0));
    assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNormInPlace(params, Double.NaN));
  }
}
