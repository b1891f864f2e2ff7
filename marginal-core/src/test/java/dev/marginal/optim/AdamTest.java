package dev.marginal.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {
  /** Two parameters, one spanning several chunks, so that the update runs in parallel. */
  private static List<Parameter> params(long seed) {
    RngKey key = RngKey.of(seed);
    return List.of(new Parameter("w", Tensor.wrap(key.foldIn(0).normals(300 * 200), 300, 200)),
        new Parameter("b", Tensor.wrap(key.foldIn(1).normals(200), 200)));
  }

  private static void setGradients(List<Parameter> ps, long seed, int s) {
    for (int i = 0; i < ps.size(); i++) {
      float[] g = ps.get(i).gradBuffer();
      float[] noise = RngKey.of(seed).foldIn(s).foldIn(i).normals(g.length);
      System.arraycopy(noise, 0, g, 0, g.length);
    }
  }

  @Test
  void firstStepMovesEachWeightByTheLearningRateAgainstItsGradient() {
    List<Parameter> ps = params(3);
    float[] w0 = ps.get(0).value().toArray();
    setGradients(ps, 7, 0);
    float[] g = ps.get(0).gradBuffer().clone();
    new Adam(ps, LearningRate.constant(0.01)).step();
    float[] w1 = ps.get(0).value().toArray();
    // With bias correction the first step is lr·g/(|g| + ε): lr·sign(g) up to ε, for every element.
    for (int j = 0; j < w0.length; j++) {
      double expected = w0[j] - 0.01 * g[j] / (Math.abs(g[j]) + 1e-8);
      assertEquals(expected, w1[j], 4 * Math.ulp((float) expected) + 1e-7, "element " + j);
    }
    assertArrayEquals(new float[g.length], ps.get(0).gradBuffer(), "gradients are cleared");
  }

  /**
   * A huge but finite gradient squares past the largest float: the second moment saturates there instead of turning
   * into +∞, so that the optimizer's state (a checkpoint's, which must be finite to be read back) stays finite.
   */
  @Test
  void aGradientWhoseSquareOverflowsLeavesTheStateFinite() {
    List<Parameter> ps = params(5);
    Adam adam = new Adam(ps, LearningRate.constant(0.01));
    for (int s = 0; s < 3; s++) {
      setGradients(ps, 11, s);
      ps.get(1).gradBuffer()[4] = 3e30f;
      adam.step();
    }
    adam.state().forEach((name, values) -> {
      for (int j = 0; j < values.length; j++) {
        assertTrue(Float.isFinite(values[j]), name + " element " + j + " is " + values[j]);
      }
    });
    for (Parameter p : ps) {
      for (float w : p.value().toArray()) {
        assertTrue(Float.isFinite(w), p.name() + " weight " + w);
      }
    }
  }

  @Test
  void steppingTogetherIsSteppingEachInTurnBitForBit() {
    List<Parameter> a1 = params(1);
    List<Parameter> b1 = params(2);
    List<Parameter> a2 = params(1);
    List<Parameter> b2 = params(2);
    LearningRate lr = LearningRate.exponential(0.05, 0.9, 3);
    // The two optimizers differ in their constants, so that each chunk must be updated with its own.
    Adam apart1 = new Adam(a1, lr);
    Adam apart2 = new Adam(b1, lr, 0.8, 0.99, 1e-6);
    Adam together1 = new Adam(a2, lr);
    Adam together2 = new Adam(b2, lr, 0.8, 0.99, 1e-6);
    for (int s = 0; s < 12; s++) {
      setGradients(a1, 10, s);
      setGradients(b1, 20, s);
      setGradients(a2, 10, s);
      setGradients(b2, 20, s);
      apart1.step();
      apart2.step();
      Parallel.withThreads(2, () -> Adam.stepTogether(together1, together2));
    }
    for (int i = 0; i < a1.size(); i++) {
      assertArrayEquals(a1.get(i).value().toArray(), a2.get(i).value().toArray(), "first optimizer, parameter " + i);
      assertArrayEquals(b1.get(i).value().toArray(), b2.get(i).value().toArray(), "second optimizer, parameter " + i);
      assertArrayEquals(new float[b2.get(i).size()], b2.get(i).gradBuffer(), "gradients are cleared");
    }
    assertEquals(12, together1.steps());
    assertEquals(12, together2.steps());
  }

  @Test
  void trainingLeavesTheSameBitsAsClearingTheGradientsAfterEachStep() {
    // Adam discards the gradients it consumed instead of writing zeros; each sweep then writes over them. Clearing
    // them eagerly after every step must change nothing.
    List<Parameter> lazy = params(4);
    List<Parameter> eager = params(4);
    Adam a = new Adam(lazy, LearningRate.constant(0.01));
    Adam b = new Adam(eager, LearningRate.constant(0.01));
    for (int s = 0; s < 5; s++) {
      for (List<Parameter> ps : List.of(lazy, eager)) {
        Tape tape = new Tape();
        Var loss = tape.constant(0f);
        for (Parameter p : ps) {
          loss = loss.add(tape.param(p).tanh().square().sum());
        }
        Var total = loss;
        Parallel.withThreads(2, () -> tape.backward(total));
      }
      Parallel.withThreads(2, a::step);
      Parallel.withThreads(2, b::step);
      eager.forEach(Parameter::zeroGrad);
    }
    for (int i = 0; i < lazy.size(); i++) {
      assertArrayEquals(eager.get(i).value().toArray(), lazy.get(i).value().toArray(), "parameter " + i);
      assertArrayEquals(new float[lazy.get(i).size()], lazy.get(i).gradBuffer(), "gradients read as zero");
    }
  }
}
