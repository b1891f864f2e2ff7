package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.data.Binarization;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.models.LocalPosteriors;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerDatapointTrainingTest {
  @TempDir Path dir;

  /** See {@link #resumedRunMatchesUninterruptedRun}. */
  private static final float RESUME_TOL = 0f;

  private static final Dataset MOONS = ToyData.generate("moons", 200, RngKey.of(3));

  private static DeepLvm model(long seed) {
    return DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {16}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(seed), null);
  }

  private static LvmTrainingOptions options(LvmTrainingOptions.Objective objective) {
    return LvmTrainingOptions.defaults().withObjective(objective).withBatchSize(40).withEpochs(8)
        .withLearningRate(1e-2).withBinarization(Binarization.NONE).withSeed(11);
  }

  private static List<float[]> values(List<Parameter> ps) {
    List<float[]> v = new ArrayList<>();
    for (Parameter p : ps) {
      v.add(p.value().toArray());
    }
    return v;
  }

  @Test
  void trainingRaisesTheTrainingObjectiveForEveryObjective() throws IOException {
    for (LvmTrainingOptions.Objective o : LvmTrainingOptions.Objective.values()) {
      DeepLvm m = model(1);
      LvmTrainer t = new LvmTrainer(m, LocalPosteriors.atPrior(MOONS.rows(), 2), options(o).withEpochs(30));
      double before = t.trainingObjective(MOONS);
      TrainingState s = t.fit(MOONS, null, Progress.silent(), () -> false, tr -> {});
      assertEquals(TrainingState.Status.COMPLETED, s.status(), s.message());
      double after = t.trainingObjective(MOONS);
      System.out.printf("%s: training objective %.3f -> %.3f%n", o, before, after);
      assertTrue(after > before + 0.4, o + ": training objective went from " + before + " to " + after);
    }
  }

  @Test
  void theEncoderIsNeitherUsedNorTrained() throws IOException {
    DeepLvm m = model(2);
    List<float[]> encoderBefore = values(m.encoderParameters());
    List<float[]> decoderBefore = values(m.decoderParameters());
    new LvmTrainer(m, LocalPosteriors.atPrior(MOONS.rows(), 2), options(LvmTrainingOptions.Objective.SUMO))
        .fit(MOONS, null, Progress.silent(), () -> false, t -> {});
    List<float[]> encoderAfter = values(m.encoderParameters());
    for (int i = 0; i < encoderBefore.size(); i++) {
      assertArrayEquals(encoderBefore.get(i), encoderAfter.get(i), "encoder parameter " + i);
    }
    assertTrue(!java.util.Arrays.equals(decoderBefore.get(0), m.decoderParameters().get(0).value().toArray()),
        "the decoder trains");
  }

  @Test
  void aStepMovesOnlyTheBatchRowsOfTheLocalPosteriors() {
    LocalPosteriors local = LocalPosteriors.nearPrior(MOONS.rows(), 2, RngKey.of(4), 0.1f);
    float[] before = local.loc().value().toArray();
    LvmTrainer t = new LvmTrainer(model(3), local, options(LvmTrainingOptions.Objective.IWAE));
    int[] rows = {7, 30, 199};
    t.step(MOONS, rows, RngKey.of(5));
    float[] after = local.loc().value().toArray();
    for (int r = 0; r < MOONS.rows(); r++) {
      boolean inBatch = r == 7 || r == 30 || r == 199;
      for (int j = 0; j < 2; j++) {
        assertEquals(inBatch, before[r * 2 + j] != after[r * 2 + j], "row " + r);
      }
    }
  }

  @Test
  void dregAndScoreGradientsAreRejected() {
    for (GradientEstimator g : new GradientEstimator[] {GradientEstimator.DREG, GradientEstimator.SCORE}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LvmTrainer(model(1),
          LocalPosteriors.atPrior(10, 2), options(LvmTrainingOptions.Objective.IWAE).withGradient(g)));
      assertTrue(e.getMessage().contains("perDatapoint"), e.getMessage());
    }
  }

  /**
   * Every key, batch order and optimizer moment is restored, so the two runs perform the same arithmetic and end
   * bit for bit equal.
   */
  @Test
  void resumedRunMatchesUninterruptedRun() throws IOException {
    LvmTrainingOptions opts = options(LvmTrainingOptions.Objective.SUMO).withEpochs(3);
    Dataset valid = ToyData.generate("moons", 60, RngKey.of(9));
    DeepLvm straight = model(2);
    LocalPosteriors straightLocal = LocalPosteriors.atPrior(MOONS.rows(), 2);
    TrainingState full = new LvmTrainer(straight, straightLocal, opts)
        .fit(MOONS, valid, Progress.silent(), () -> false, t -> {});

    // Interrupt after 7 steps (mid-epoch), checkpoint, then resume from the file alone.
    Path ckpt = dir.resolve("run.ckpt");
    DeepLvm first = model(2);
    LvmDensityModel firstModel = new LvmDensityModel(first, List.of("x0", "x1"), null)
        .withPerDatapointInference(LocalPosteriorFit.defaults());
    AtomicInteger steps = new AtomicInteger();
    LvmTrainer t1 = new LvmTrainer(first, LocalPosteriors.atPrior(MOONS.rows(), 2), opts);
    TrainingState s1 = t1.fit(MOONS, valid, Progress.silent(), () -> steps.incrementAndGet() >= 7,
        t -> LvmCheckpoint.write(ckpt, firstModel, t, Map.of()));
    assertEquals(TrainingState.Status.INTERRUPTED, s1.status());

    ModelFile file = ModelFile.read(ckpt);
    LvmDensityModel read = LvmDensityModel.fromFile(file);
    assertTrue(read.perDatapoint());
    LvmTrainer t2 = new LvmTrainer(read.model(), LvmCheckpoint.localPosteriors(file), opts);
    LvmCheckpoint.restore(file, t2);
    TrainingState s2 = t2.fit(MOONS, valid, Progress.silent(), () -> false, t -> {});
    assertEquals(TrainingState.Status.COMPLETED, s2.status());
    List<float[]> va = values(straight.parameters());
    List<float[]> vb = values(read.model().parameters());
    for (int i = 0; i < va.size(); i++) {
      assertArrayEquals(va.get(i), vb.get(i), RESUME_TOL, "parameter " + i);
    }
    List<float[]> la = values(straightLocal.parameters());
    List<float[]> lb = values(t2.localPosteriors().parameters());
    for (int i = 0; i < la.size(); i++) {
      assertArrayEquals(la.get(i), lb.get(i), RESUME_TOL, "local parameter " + i);
    }
    assertEquals(full.bestValidation(), s2.bestValidation(), RESUME_TOL, "validation after local fits");
  }
}
