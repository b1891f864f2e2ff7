package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.data.Binarization;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which parameters receive which SUMO gradient in a training step: the decoder ascends the batch mean of SUMO, the
 * encoder descends the batch mean of SUMO² (its variance, since E[SUMO] does not depend on q). Adam's first step
 * moves each coordinate by −lr·sign(gradient of its loss), so the test compares the signs of the step with the two
 * gradients computed independently on the same draws, on the coordinates where the two objectives disagree in sign
 * (there, swapping the objectives of decoder and encoder would move the parameter the other way).
 */
class SumoTrainingGradientsTest {
  private static final int MIN_TERMS = 2;

  private static DeepLvm model() {
    return DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {16}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(21), null);
  }

  private static float[] flatten(List<Parameter> ps, boolean grads) {
    int n = 0;
    for (Parameter p : ps) {
      n += p.value().size();
    }
    float[] out = new float[n];
    int at = 0;
    for (Parameter p : ps) {
      float[] v = grads ? p.gradBuffer() : p.value().toArray();
      System.arraycopy(v, 0, out, at, v.length);
      at += v.length;
    }
    return out;
  }

  /** ∇ of {@code mean(SUMO)} (square = false) or {@code mean(SUMO²)} over {@code params}, on the step's draws. */
  private static float[] gradient(Dataset data, int[] rows, RngKey key, List<Parameter> params, boolean square,
      DeepLvm m) {
    for (Parameter p : m.parameters()) {
      p.zeroGrad();
    }
    float[] xb = new float[rows.length * 2];
    for (int i = 0; i < rows.length; i++) {
      xb[2 * i] = data.values()[2 * rows[i]];
      xb[2 * i + 1] = data.values()[2 * rows[i] + 1];
    }
    Tape tape = new Tape();
    Var x = tape.constant(Tensor.wrap(xb, rows.length, 2));
    DiagNormal q = m.posterior(tape, x);
    Var v = Sumo.of(MIN_TERMS).logMarginal(m, x, q, ImportanceSamples.pointKeys(key.foldIn(1), rows.length));
    tape.backward(square ? Sumo.encoderLoss(v) : v.mean(), params);
    return flatten(params, true);
  }

  @Test
  void decoderAscendsSumoAndEncoderDescendsItsSecondMoment() {
    Dataset data = ToyData.generate("moons", 64, RngKey.of(4));
    int[] rows = new int[64];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    RngKey key = RngKey.of(5);
    DeepLvm reference = model();
    float[] decMean = gradient(data, rows, key, reference.decoderParameters(), false, reference);
    float[] decSquare = gradient(data, rows, key, reference.decoderParameters(), true, reference);
    float[] encMean = gradient(data, rows, key, reference.encoderParameters(), false, reference);
    float[] encSquare = gradient(data, rows, key, reference.encoderParameters(), true, reference);

    DeepLvm trained = model();
    float[] decBefore = flatten(trained.decoderParameters(), false);
    float[] encBefore = flatten(trained.encoderParameters(), false);
    LvmTrainer t = new LvmTrainer(trained, LvmTrainingOptions.defaults()
        .withObjective(LvmTrainingOptions.Objective.SUMO).withMinTerms(MIN_TERMS).withBatchSize(64)
        .withBinarization(Binarization.NONE).withClipNorm(0));
    t.step(data, rows, key);
    checkSigns("decoder", flatten(trained.decoderParameters(), false), decBefore, decMean, decSquare, +1);
    checkSigns("encoder", flatten(trained.encoderParameters(), false), encBefore, encSquare, encMean, -1);
  }

  /**
   * On coordinates where {@code followed} and {@code other} point different ways, the step must have the sign of
   * {@code direction · followed} (+1: ascent, −1: descent).
   */
  private static void checkSigns(String what, float[] after, float[] before, float[] followed, float[] other,
      int direction) {
    int disagreeing = 0;
    int wrong = 0;
    for (int i = 0; i < after.length; i++) {
      double a = direction * followed[i];
      // The swapped objective would move coordinate i by sign(b'), with b' the other loss's descent direction.
      double swapped = direction == 1 ? -other[i] : other[i];
      if (Math.abs(followed[i]) < 1e-6 || Math.abs(other[i]) < 1e-6 || Math.signum(a) == Math.signum(swapped)) {
        continue;
      }
      disagreeing++;
      if (Math.signum(after[i] - before[i]) != Math.signum(a)) {
        wrong++;
      }
    }
    System.out.printf("%s: %d coordinates where the two objectives disagree, %d moved the wrong way%n", what,
        disagreeing, wrong);
    assertTrue(disagreeing > 0, what + ": no coordinate tells the objectives apart; the test would have no power");
    assertTrue(wrong == 0, what + ": " + wrong + " of " + disagreeing + " coordinates moved against the objective");
  }
}
