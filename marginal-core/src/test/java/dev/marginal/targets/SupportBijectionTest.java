package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.GradCheck;
import dev.marginal.autodiff.Tape;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SupportBijectionTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  /** A box, a half-line each way and the line, one coordinate each. */
  private static final Support MIXED = Support.of(new double[] {-4, 0.1, -INF, -INF}, new double[] {4, INF, 1, INF});
  /** Extreme inputs: saturation of σ and softplus in float32, overflow of e^y, the largest floats. */
  private static final float[] EXTREMES = {0f, 1f, -1f, 16f, -16f, 17f, -17f, 40f, -40f, 90f, -90f, 200f, -200f,
      1e6f, -1e6f, Float.MAX_VALUE, -Float.MAX_VALUE};

  @Test
  void everyFiniteInputLandsStrictlyInsideTheSupport() {
    float[] y = new float[EXTREMES.length * 4];
    for (int i = 0; i < EXTREMES.length; i++) {
      for (int j = 0; j < 4; j++) {
        y[4 * i + j] = EXTREMES[i];
      }
    }
    Tensor x = MIXED.bijection().forward(Tensor.wrap(y, EXTREMES.length, 4));
    float[] v = x.buffer();
    for (int i = 0; i < EXTREMES.length; i++) {
      String at = "y = " + EXTREMES[i];
      assertTrue(v[4 * i] > -4 && v[4 * i] < 4, at + ": box coordinate " + v[4 * i]);
      assertTrue(v[4 * i + 1] > 0.1 && v[4 * i + 1] < INF, at + ": lower half-line coordinate " + v[4 * i + 1]);
      assertTrue(v[4 * i + 2] < 1 && v[4 * i + 2] > -INF, at + ": upper half-line coordinate " + v[4 * i + 2]);
      assertEquals(EXTREMES[i], v[4 * i + 3], 0, at + ": real coordinate");
    }
    assertEquals(0, MIXED.fractionOutside(x), 0);
  }

  @Test
  void aDensityThatVanishesOnTheBoundaryStaysFiniteAtSaturatedInputs() {
    BetaBoxTarget beta = new BetaBoxTarget();
    Target pulled = UnconstrainedTarget.of(beta);
    float[] y = new float[EXTREMES.length * 2];
    for (int i = 0; i < EXTREMES.length; i++) {
      y[2 * i] = EXTREMES[i];
      y[2 * i + 1] = -EXTREMES[i];
    }
    Tensor yt = Tensor.wrap(y, EXTREMES.length, 2);
    float[] onSupport = beta.logDensity(beta.support().bijection().forward(yt)).buffer();
    float[] logDet = beta.support().bijection().logAbsDetJacobian(Tape.forEvaluation().constant(yt)).value()
        .buffer();
    float[] lp = pulled.logDensity(yt).buffer();
    for (int i = 0; i < EXTREMES.length; i++) {
      assertTrue(Float.isFinite(onSupport[i]), "log p̃(T(y)) at y = ±" + EXTREMES[i] + ": " + onSupport[i]);
      if (Math.abs(EXTREMES[i]) < 1e30) {
        assertTrue(Float.isFinite(logDet[i]), "log-Jacobian at y = ±" + EXTREMES[i] + ": " + logDet[i]);
        assertFalse(Float.isNaN(lp[i]), "pulled-back log density at y = ±" + EXTREMES[i]);
      }
    }
  }

  @Test
  void inverseUndoesForward() {
    float[] y = RngKey.of(3).normals(4 * 200);
    for (int i = 0; i < y.length; i++) {
      y[i] *= 4;
    }
    Tensor yt = Tensor.wrap(y, 200, 4);
    SupportBijection t = MIXED.bijection();
    float[] back = t.inverse(t.forward(yt)).buffer();
    for (int i = 0; i < y.length; i++) {
      // Round trip through float32 x: relative error ~1e-7 of x, amplified by 1/(dx/dy) at most e^12 here.
      double slope = Math.exp(-Math.abs(y[i]));
      assertEquals(y[i], back[i], 1e-5 / slope + 1e-5 * Math.abs(y[i]), "coordinate " + (i % 4) + " at " + y[i]);
    }
  }

  @Test
  void logJacobianIsTheLogOfTheSlopeOfForward() {
    float[] y = {-7f, -2.5f, -0.3f, 0f, 0.4f, 1.7f, 3f, 6f};
    SupportBijection t = MIXED.bijection();
    for (float yi : y) {
      float[] row = {yi, yi, yi, yi};
      double h = 1e-2;
      double logDet = t.logAbsDetJacobian(Tape.forEvaluation().constant(Tensor.wrap(row, 1, 4))).value().item();
      double sum = 0;
      for (int j = 0; j < 4; j++) {
        float[] plus = row.clone();
        float[] minus = row.clone();
        plus[j] = (float) (yi + h);
        minus[j] = (float) (yi - h);
        double dx = t.forward(Tensor.wrap(plus, 1, 4)).buffer()[j] - t.forward(Tensor.wrap(minus, 1, 4)).buffer()[j];
        sum += Math.log(dx / (2 * h));
      }
      // Central differences of float32 values: truncation h²·f'''/6 and rounding 1e-7·|x|/h, both below 1e-3.
      assertEquals(sum, logDet, 2e-3 * Math.max(1, Math.abs(sum)), "log |det J| at y = " + yi);
    }
  }

  @Test
  void gradientsOfForwardAndLogJacobianMatchFiniteDifferences() {
    RngKey key = RngKey.of(11);
    Tensor y = Tensor.wrap(key.normals(4 * 6), 6, 4).mul(2f);
    SupportBijection t = MIXED.bijection();
    GradCheck.Result forward = GradCheck.check(v -> t.forward(v[0]).sum(1, false), key.foldIn(1), y);
    assertTrue(forward.passed(), forward::toString);
    GradCheck.Result logDet = GradCheck.check(v -> t.logAbsDetJacobian(v[0]), key.foldIn(2), y);
    assertTrue(logDet.passed(), logDet::toString);
  }

  /**
   * Change of variables against quadrature: push N(μ, s²) on ℝ through the box map onto [−4, 4]; the density
   * q_X(x) = N(T⁻¹(x)) / |dx/dy| integrates to 1 over the box, and its mean matches E[T(Y)] computed on ℝ.
   */
  @Test
  void pushedForwardDensityIntegratesToOneOnTheBox() {
    Support box = Support.box(1, -4, 4);
    SupportBijection t = box.bijection();
    double mu = 0.7;
    double s = 1.6;
    int n = 20_001;
    double[] w = TargetChecks.simpsonWeights(n, -4, 4);
    double[] x = TargetChecks.nodes(n, -4, 4);
    float[] inner = new float[n - 2];
    for (int i = 1; i < n - 1; i++) {
      inner[i - 1] = (float) x[i];
    }
    Tensor y = t.inverse(Tensor.wrap(inner, n - 2, 1));
    float[] logDet = t.logAbsDetJacobian(Tape.forEvaluation().constant(y)).value().buffer();
    double mass = 0;
    double meanX = 0;
    for (int i = 1; i < n - 1; i++) {
      double yi = y.buffer()[i - 1];
      double logN = -0.5 * Math.pow((yi - mu) / s, 2) - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
      double q = Math.exp(logN - logDet[i - 1]);
      mass += w[i] * q;
      meanX += w[i] * q * x[i];
    }
    assertEquals(1, mass, 1e-5, "∫ q_X over the box");
    double meanOnLine = 0;
    int m = 40_001;
    double[] wy = TargetChecks.simpsonWeights(m, mu - 12 * s, mu + 12 * s);
    double[] yy = TargetChecks.nodes(m, mu - 12 * s, mu + 12 * s);
    for (int i = 0; i < m; i++) {
      double logN = -0.5 * Math.pow((yy[i] - mu) / s, 2) - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
      meanOnLine += wy[i] * Math.exp(logN) * (-4 + 8 / (1 + Math.exp(-yy[i])));
    }
    assertEquals(meanOnLine, meanX, 1e-5, "E[X] by quadrature on the box and on the line");
  }

  @Test
  void pullBackKeepsLogZ() {
    Target beta = new BetaBoxTarget();
    Target pulled = UnconstrainedTarget.of(beta);
    // The pulled-back density σ(y)²σ(−y)² per coordinate decays like e^{−2|y|}: [−20, 20]² leaves out ~e^{−40}.
    TargetChecks.Quadrature q = TargetChecks.quadrature(pulled, -20, 20, 801);
    assertEquals(BetaBoxTarget.LOG_Z, q.logZ(), 1e-5);
  }

  @Test
  void realSupportIsLeftAlone() {
    Target funnel = Targets.of("funnel");
    assertTrue(funnel.support().isReal());
    assertTrue(UnconstrainedTarget.of(funnel) == funnel);
    assertEquals("ℝ^2", funnel.support().toString());
    assertEquals("[-4, 4]^2", Targets.of("u3").support().toString());
    assertEquals("[-4, 4] × [0.1, ∞) × (-∞, 1] × ℝ", MIXED.toString());
  }

  @Test
  void badSupportsAreRejectedWithTheCoordinate() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Support.of(new double[] {0, 2}, new double[] {1, 2}));
    assertTrue(e.getMessage().contains("coordinate 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Support.of(new double[] {Double.NaN}, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> Support.of(new double[] {1}, new double[] {Math.nextUp(1.0)}));
    assertThrows(IllegalArgumentException.class, () -> Support.box(0, 0, 1));
  }

  @Test
  void rezendeMohamedEnergiesDeclareWhereTheyAreIntegrable() {
    assertTrue(Targets.of("u1").support().isReal());
    for (String u : new String[] {"u2", "u3", "u4"}) {
      assertEquals(Support.box(2, -4, 4), Targets.of(u).support(), u);
    }
  }

  @Test
  void userTargetsDeclareTheirSupport() {
    Target t = UserTarget.load(BetaBoxTarget.class.getName());
    assertEquals(Support.box(2, 0, 1), t.support());
  }
}
