package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AnnealedTargetTest {
  private static final Tensor POINTS = Tensor.wrap(new float[] {0.3f, -0.7f, -1.5f, 0.4f, 2.2f, 1.1f, -3f, 3f}, 4, 2);

  /** At β = 1 the annealed target is the target itself, value for value. */
  @Test
  void betaOneIsTheTarget() {
    Target u1 = Targets.of("u1");
    double[] want = u1.logDensity(POINTS).toDoubleArray();
    double[] got = AnnealedTarget.of(u1, 1, 3).logDensity(POINTS).toDoubleArray();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 0, "row " + i);
    }
    assertEquals(u1.logZ().getAsDouble(), AnnealedTarget.of(u1, 1, 3).logZ().getAsDouble(), 0);
  }

  /**
   * At β = 0 it is the normalized N(0, s²I), checked against the formula written out per point (not the
   * implementation's vector form), and its normalizer is 1 by quadrature.
   */
  @Test
  void betaZeroIsTheNormalizedReference() {
    double s = 1.7;
    Target annealed = AnnealedTarget.of(Targets.of("u1"), 0, s);
    double[] got = annealed.logDensity(POINTS).toDoubleArray();
    float[] p = POINTS.buffer();
    for (int i = 0; i < got.length; i++) {
      double x = p[2 * i];
      double y = p[2 * i + 1];
      double want = -Math.log(2 * Math.PI * s * s) - (x * x + y * y) / (2 * s * s);
      assertEquals(want, got[i], 1e-5 * Math.abs(want), "row " + i);
    }
    assertEquals(0, annealed.logZ().getAsDouble(), 0);
    assertEquals(0, TargetChecks.quadrature(annealed, -12, 12, 241).logZ(), 1e-6);
  }

  /** In between, the β-weighted sum of the two, and the gradient agrees with finite differences. */
  @Test
  void betweenIsTheGeometricPathWithAConsistentGradient() {
    Target u1 = Targets.of("u1");
    double beta = 0.3;
    double[] target = u1.logDensity(POINTS).toDoubleArray();
    double[] reference = AnnealedTarget.of(u1, 0, 2).logDensity(POINTS).toDoubleArray();
    double[] got = AnnealedTarget.of(u1, beta, 2).logDensity(POINTS).toDoubleArray();
    for (int i = 0; i < got.length; i++) {
      double want = beta * target[i] + (1 - beta) * reference[i];
      assertEquals(want, got[i], 1e-5 * (1 + Math.abs(want)), "row " + i);
    }
    assertTrue(AnnealedTarget.of(u1, beta, 2).logZ().isEmpty());
    TargetChecks.assertGradient(AnnealedTarget.of(u1, beta, 2), 7, 16);
  }

  @Test
  void refusesBetaOutsideTheUnitIntervalAndBadScales() {
    Target u1 = Targets.of("u1");
    assertThrows(IllegalArgumentException.class, () -> AnnealedTarget.of(u1, 1.01, 1));
    assertThrows(IllegalArgumentException.class, () -> AnnealedTarget.of(u1, -0.1, 1));
    assertThrows(IllegalArgumentException.class, () -> AnnealedTarget.of(u1, Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> AnnealedTarget.of(u1, 0.5, 0));
    assertThrows(IllegalArgumentException.class, () -> AnnealedTarget.of(u1, 0.5, Double.POSITIVE_INFINITY));
  }
}
