package dev.marginal.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SgdTest {
  private static List<Parameter> params(long seed) {
    RngKey key = RngKey.of(seed);
    return List.of(new Parameter("w", Tensor.wrap(key.foldIn(0).normals(6 * 5), 6, 5)),
        new Parameter("b", Tensor.wrap(key.foldIn(1).normals(5), 5)));
  }

  private static float[][] gradients(List<Parameter> ps, long seed, int s) {
    float[][] gs = new float[ps.size()][];
    for (int i = 0; i < ps.size(); i++) {
      float[] g = ps.get(i).gradBuffer();
      gs[i] = RngKey.of(seed).foldIn(s).foldIn(i).normals(g.length);
      System.arraycopy(gs[i], 0, g, 0, g.length);
    }
    return gs;
  }

  @Test
  void withoutMomentumAStepIsTheLearningRateTimesTheGradient() {
    List<Parameter> ps = params(1);
    float[] w0 = ps.get(0).value().toArray();
    float[] g = gradients(ps, 2, 0)[0];
    new Sgd(ps, LearningRate.constant(0.1), 0).step();
    float[] w1 = ps.get(0).value().toArray();
    for (int j = 0; j < w0.length; j++) {
      assertEquals(w0[j] - 0.1f * g[j], w1[j], 0f, "element " + j);
    }
    assertArrayEquals(new float[g.length], ps.get(0).gradBuffer(), "gradients are cleared");
  }

  @Test
  void theNextSweepSeesNoneOfTheGradientAStepConsumed() {
    // The step discards the gradient; a sweep after it must leave the sweep's own gradient, d(Σ 3θ)/dθ = 3.
    List<Parameter> ps = params(10);
    gradients(ps, 11, 0);
    new Sgd(ps, LearningRate.constant(0.1), 0.9).step();
    Tape tape = new Tape();
    Var loss = tape.constant(0f);
    for (Parameter p : ps) {
      loss = loss.add(tape.param(p).sum().mul(3f));
    }
    tape.backward(loss);
    for (Parameter p : ps) {
      float[] expected = new float[p.size()];
      java.util.Arrays.fill(expected, 3f);
      assertArrayEquals(expected, p.gradBuffer(), p.name());
    }
  }

  @Test
  void momentumFollowsTheHeavyBallRecurrenceWithTheScheduledRate() {
    // u ← μu + g, θ ← θ − lr_t·u, with lr_t halving every step: replayed element by element in float.
    List<Parameter> ps = params(3);
    float[][] theta = {ps.get(0).value().toArray(), ps.get(1).value().toArray()};
    float[][] u = {new float[theta[0].length], new float[theta[1].length]};
    Sgd sgd = new Sgd(ps, LearningRate.exponential(0.2, 0.5, 1), 0.9);
    for (int s = 0; s < 4; s++) {
      float[][] g = gradients(ps, 4, s);
      float rate = (float) (0.2 * StrictMath.pow(0.5, s));
      sgd.step();
      for (int i = 0; i < theta.length; i++) {
        for (int j = 0; j < theta[i].length; j++) {
          u[i][j] = 0.9f * u[i][j] + g[i][j];
          theta[i][j] -= rate * u[i][j];
        }
        assertArrayEquals(theta[i], ps.get(i).value().toArray(), "parameter " + i + " after step " + (s + 1));
      }
    }
    assertEquals(4, sgd.steps());
  }

  @Test
  void convergesToTheMinimumOfAQuadratic() {
    // f(θ) = ½‖θ − c‖², gradient θ − c: the heavy ball with lr 0.1 and μ 0.5 contracts every step, to θ = c.
    float[] c = {3f, -1f, 0.5f};
    Parameter p = new Parameter("t", Tensor.zeros(3));
    Sgd sgd = new Sgd(List.of(p), LearningRate.constant(0.1), 0.5);
    for (int s = 0; s < 300; s++) {
      float[] th = p.value().buffer();
      float[] g = p.gradBuffer();
      for (int j = 0; j < 3; j++) {
        g[j] = th[j] - c[j];
      }
      sgd.step();
    }
    assertArrayEquals(c, p.value().toArray(), 1e-5f);
  }

  @Test
  void restoredStateContinuesBitForBit() {
    List<Parameter> a = params(5);
    Sgd first = new Sgd(a, LearningRate.exponential(0.05, 0.9, 2), 0.8);
    for (int s = 0; s < 3; s++) {
      gradients(a, 6, s);
      first.step();
    }
    Map<String, float[]> saved = first.state();
    List<Parameter> b = params(5);
    for (int i = 0; i < a.size(); i++) {
      System.arraycopy(a.get(i).value().buffer(), 0, b.get(i).value().buffer(), 0, a.get(i).size());
    }
    Sgd second = new Sgd(b, LearningRate.exponential(0.05, 0.9, 2), 0.8);
    second.restore(saved);
    assertEquals(3, second.steps());
    for (int s = 3; s < 6; s++) {
      gradients(a, 6, s);
      gradients(b, 6, s);
      first.step();
      second.step();
    }
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray(), "parameter " + i);
    }
  }

  @Test
  void rejectsAStateOfOtherParametersAndKeepsItsOwn() {
    List<Parameter> ps = params(8);
    Sgd sgd = new Sgd(ps, LearningRate.constant(0.1), 0.5);
    gradients(ps, 9, 0);
    sgd.step();
    Map<String, float[]> good = sgd.state();
    Map<String, float[]> shortVelocity = new java.util.HashMap<>(good);
    shortVelocity.put("u/b", new float[4]);
    Map<String, float[]> missing = new java.util.HashMap<>(good);
    missing.remove("u/w");
    Map<String, float[]> noCount = new java.util.HashMap<>(good);
    noCount.remove("t");
    for (Map<String, float[]> bad : List.of(shortVelocity, missing, noCount)) {
      assertThrows(IllegalArgumentException.class, () -> sgd.restore(bad));
    }
    assertEquals(1, sgd.steps());
    Map<String, float[]> after = sgd.state();
    for (String name : good.keySet()) {
      assertArrayEquals(good.get(name), after.get(name), name);
    }
  }

  @Test
  void rejectsMomentumOutsideTheUnitInterval() {
    List<Parameter> ps = params(7);
    assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, LearningRate.constant(0.1), 1.0));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, LearningRate.constant(0.1), -0.1));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, LearningRate.constant(0.1), Double.NaN));
  }
}
