package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.data.Binarization;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.LvmDensityModel;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvmTrainerTest {
  @TempDir Path dir;

  private static final Dataset MOONS = ToyData.generate("moons", 400, RngKey.of(3));

  private static DeepLvm model(long seed) {
    return DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {16}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(seed), null);
  }

  private static LvmTrainingOptions options(LvmTrainingOptions.Objective objective) {
    return LvmTrainingOptions.defaults().withObjective(objective).withBatchSize(40).withEpochs(6)
        .withLearningRate(3e-3).withBinarization(Binarization.NONE).withSeed(11);
  }

  private static float[][] values(DeepLvm m) {
    List<Parameter> ps = m.parameters();
    float[][] v = new float[ps.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = ps.get(i).value().toArray();
    }
    return v;
  }

  @Test
  void trainingRaisesTheValidationObjective() throws IOException {
    for (LvmTrainingOptions.Objective o : LvmTrainingOptions.Objective.values()) {
      LvmTrainer t = new LvmTrainer(model(1), options(o).withEpochs(8));
      double before = t.evaluate(MOONS);
      TrainingState s = t.fit(MOONS, MOONS, Progress.silent(), () -> false, tr -> {});
      assertEquals(TrainingState.Status.COMPLETED, s.status(), s.message());
      double after = s.history().get(s.history().size() - 1).validation();
      assertTrue(after > before + 0.5, o + ": validation objective went from " + before + " to " + after);
    }
  }

  @Test
  void dregAndScoreFunctionGradientsAlsoTrain() throws IOException {
    for (GradientEstimator g : new GradientEstimator[] {GradientEstimator.DREG, GradientEstimator.SCORE}) {
      LvmTrainer t = new LvmTrainer(model(1), options(LvmTrainingOptions.Objective.IWAE).withGradient(g).withEpochs(8));
      double before = t.evaluate(MOONS);
      TrainingState s = t.fit(MOONS, MOONS, Progress.silent(), () -> false, tr -> {});
      double after = s.history().get(s.history().size() - 1).validation();
      assertTrue(after > before + 0.5, g + ": validation objective went from " + before + " to " + after);
    }
  }

  @Test
  void sameSeedGivesBitIdenticalParameters() throws IOException {
    DeepLvm a = model(1);
    DeepLvm b = model(1);
    new LvmTrainer(a, options(LvmTrainingOptions.Objective.SUMO)).fit(MOONS, null, Progress.silent(), () -> false,
        t -> {});
    new LvmTrainer(b, options(LvmTrainingOptions.Objective.SUMO)).fit(MOONS, null, Progress.silent(), () -> false,
        t -> {});
    float[][] va = values(a);
    float[][] vb = values(b);
    for (int i = 0; i < va.length; i++) {
      assertArrayEquals(va[i], vb[i]);
    }
  }

  @Test
  void resumedRunMatchesUninterruptedRunBitForBit() throws IOException {
    LvmTrainingOptions opts = options(LvmTrainingOptions.Objective.IWAE);
    DeepLvm straight = model(2);
    new LvmTrainer(straight, opts).fit(MOONS, MOONS, Progress.silent(), () -> false, t -> {});

    // Interrupt after 23 steps (mid-epoch), checkpoint, then resume from the file into a fresh process state.
    Path ckpt = dir.resolve("run.ckpt");
    DeepLvm first = model(2);
    LvmDensityModel firstModel = new LvmDensityModel(first, List.of("x0", "x1"), null);
    AtomicInteger steps = new AtomicInteger();
    LvmTrainer t1 = new LvmTrainer(first, opts);
    TrainingState s1 = t1.fit(MOONS, MOONS, Progress.silent(), () -> steps.incrementAndGet() >= 23,
        t -> LvmCheckpoint.write(ckpt, firstModel, t, Map.of()));
    assertEquals(TrainingState.Status.INTERRUPTED, s1.status());
    assertEquals(23, s1.step());

    ModelFile file = ModelFile.read(ckpt);
    DeepLvm resumed = LvmDensityModel.fromFile(file).model();
    LvmTrainer t2 = new LvmTrainer(resumed, opts);
    LvmCheckpoint.restore(file, t2);
    TrainingState s2 = t2.fit(MOONS, MOONS, Progress.silent(), () -> false, t -> {});
    assertEquals(TrainingState.Status.COMPLETED, s2.status());
    float[][] va = values(straight);
    float[][] vb = values(resumed);
    for (int i = 0; i < va.length; i++) {
      assertArrayEquals(va[i], vb[i], "parameter " + i);
    }
  }

  @Test
  void nonFiniteObjectiveStopsWithDivergedStatus() throws IOException {
    float[] huge = new float[200];
    java.util.Arrays.fill(huge, 3e30f);
    Dataset bad = Dataset.of("huge", List.of("x0", "x1"), huge);
    AtomicInteger written = new AtomicInteger();
    TrainingState s = new LvmTrainer(model(1), options(LvmTrainingOptions.Objective.ELBO))
        .fit(bad, null, Progress.silent(), () -> false, t -> written.incrementAndGet());
    assertEquals(TrainingState.Status.DIVERGED, s.status());
    assertTrue(s.message().contains("last checkpoint"), s.message());
    assertEquals(0, written.get(), "no checkpoint of diverged parameters is written");
  }

  @Test
  void earlyStoppingEndsTheRunAndKeepsTheBestEpoch() throws IOException {
    LvmTrainingOptions opts = options(LvmTrainingOptions.Objective.ELBO).withEpochs(200).withPatience(2)
        .withLearningRate(2e-2);
    LvmTrainer t = new LvmTrainer(model(4), opts);
    Dataset valid = ToyData.generate("moons", 100, RngKey.of(9));
    TrainingState s = t.fit(MOONS.head(80), valid, Progress.silent(), () -> false, tr -> {});
    assertEquals(TrainingState.Status.EARLY_STOPPED, s.status(), "ran " + s.history().size() + " epochs");
    assertEquals(s.bestValidation(), t.evaluate(valid), 1e-6, "the best epoch's parameters are restored");
  }

  @Test
  void learningRateFloorGivesACosineFromTheRateToTheFloorOverTheRun() throws IOException {
    LvmTrainer constant = new LvmTrainer(model(1), options(LvmTrainingOptions.Objective.ELBO).withEpochs(1));
    LvmTrainer decaying = new LvmTrainer(model(1), options(LvmTrainingOptions.Objective.ELBO).withEpochs(1)
        .withLrFloor(0.1));
    constant.fit(MOONS, null, Progress.silent(), () -> false, t -> {});
    decaying.fit(MOONS, null, Progress.silent(), () -> false, t -> {});
    long total = decaying.scheduleSteps;
    assertEquals(10, total, "400 rows in batches of 40");
    assertEquals(3e-3, constant.learningRate(total / 2), 0.0);
    assertEquals(3e-3, decaying.learningRate(0), 1e-15);
    assertEquals(3e-3 * 0.55, decaying.learningRate(total / 2), 1e-15);
    assertEquals(3e-4, decaying.learningRate(total), 1e-15);
  }

  @Test
  void defaultOptionsTrainAGaussianDecoderOnUnboundedData() throws IOException {
    // The defaults binarize dynamically, which applies to Bernoulli decoders only.
    LvmTrainer t = new LvmTrainer(model(1), LvmTrainingOptions.defaults().withEpochs(1).withBatchSize(40));
    TrainingState s = t.fit(MOONS, null, Progress.silent(), () -> false, tr -> {});
    assertEquals(TrainingState.Status.COMPLETED, s.status(), s.message());
  }
}
