package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TwoMoonsTest {
  private static final TwoMoons MOONS = new TwoMoons();

  @Test
  void logDensityMatchesTheNormflowsFormula() {
    // scipy 1.17.1, script golden/targets.py, which uses normflows' |z1| form rather than the log-sum-exp form here.
    TargetChecks.assertGolden(MOONS, new double[] {
        -35.226688406640534, -3.893015407588769, -2.863483459733793, -24.15336381540265, -68.42352119959126});
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    TargetChecks.assertGradient(MOONS, 71, 8);
  }

  @Test
  void gradientIsFiniteAtTheOrigin() {
    // |z| has no derivative at 0; the ε under the square root keeps the gradient finite there.
    Tape tape = new Tape();
    Var x = tape.variable(Tensor.zeros(1, 2));
    tape.backward(MOONS.logDensity(x).sum());
    assertTrue(tape.grad(x).allFinite(), () -> tape.grad(x).toString());
  }

  @Test
  void quadratureOnTheBoxMatchesTheStatedLogZAndEntropy() {
    // h = 0.005 on [−4, 4]² resolves the ring (sd 0.2).
    TargetChecks.Quadrature q = TargetChecks.quadrature(MOONS, -4, 4, 1601);
    assertEquals(TwoMoons.LOG_Z, q.logZ(), 1e-5);
    assertEquals(TwoMoons.ENTROPY, q.entropy(), 1e-5);
  }
}
