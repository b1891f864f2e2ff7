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
import dev.marginal.models.LocalPosteriors;
import dev.marginal.density.LvmDensityModel;
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
    assertResumeIsExact(options(LvmTrainingOptions.Objective.IWAE));
  }

  @Test
  void runInterruptedDuringWarmUpResumesBitForBit() throws IOException {
    // 10 steps per epoch: the warm-up spans steps 0-29 and the interruption comes at step 23.
    assertResumeIsExact(options(LvmTrainingOptions.Objective.IWAE).withWarmupEpochs(3));
  }

  private void assertResumeIsExact(LvmTrainingOptions opts) throws IOException {
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
  void runInterruptedAfterItsLastStepResumesToTheSameEndOfItsLastEpoch() throws IOException {
    // 10 steps per epoch, 60 in all: the stop comes after the last step, before the last epoch's evaluation.
    LvmTrainingOptions opts = options(LvmTrainingOptions.Objective.IWAE);
    DeepLvm straight = model(2);
    TrainingState s = new LvmTrainer(straight, opts).fit(MOONS, MOONS, Progress.silent(), () -> false, t -> {});
    assertEquals(6, s.history().size());

    Path ckpt = dir.resolve("last.ckpt");
    DeepLvm first = model(2);
    LvmDensityModel firstModel = new LvmDensityModel(first, List.of("x0", "x1"), null);
    AtomicInteger steps = new AtomicInteger();
    TrainingState s1 = new LvmTrainer(first, opts).fit(MOONS, MOONS, Progress.silent(),
        () -> steps.incrementAndGet() >= 60, t -> LvmCheckpoint.write(ckpt, firstModel, t, Map.of()));
    assertEquals(TrainingState.Status.INTERRUPTED, s1.status());
    assertEquals(60, s1.step());

    ModelFile file = ModelFile.read(ckpt);
    assertTrue(!LvmCheckpoint.ofFinishedRun(file), "an interrupted run's checkpoint waits for its resume");
    DeepLvm resumed = LvmDensityModel.fromFile(file).model();
    LvmTrainer t2 = new LvmTrainer(resumed, opts);
    LvmCheckpoint.restore(file, t2);
    TrainingState s2 = t2.fit(MOONS, MOONS, Progress.silent(), () -> false, t -> {});
    assertEquals(TrainingState.Status.COMPLETED, s2.status());
    assertEquals(s.history(), s2.history(), "the last epoch's evaluation is done on resume");
    float[][] va = values(straight);
    float[][] vb = values(resumed);
    for (int i = 0; i < va.length; i++) {
      assertArrayEquals(va[i], vb[i], "parameter " + i);
    }
  }

  /**
   * A validation can take longer than a stop on Ctrl-C or kill waits for: a checkpoint is saved before each one, at
   * the epoch's last batch (a run resumed from it closes the epoch as the uninterrupted one, above).
   */
  @Test
  void aCheckpointIsSavedBeforeEachValidation() throws IOException {
    List<String> written = new java.util.ArrayList<>();
    new LvmTrainer(model(2), options(LvmTrainingOptions.Objective.IWAE)).fit(MOONS, MOONS, Progress.silent(),
        () -> false, t -> written.add(t.state().step() + "/" + t.state().stepInEpoch() + "/"
            + t.state().history().size()));
    assertEquals(List.of("10/10/0", "20/10/1", "30/10/2", "40/10/3", "50/10/4", "60/10/5", "60/0/6"), written);
  }

  @Test
  void warmUpWeightRisesLinearlyFromZeroToOneOverItsEpochs() throws IOException {
    LvmTrainer t = new LvmTrainer(model(1), options(LvmTrainingOptions.Objective.IWAE).withWarmupEpochs(2));
    t.fit(MOONS, null, Progress.silent(), () -> false, tr -> {});
    assertEquals(20, t.schedule().warmupSteps(), "two epochs of 400 rows in batches of 40");
    assertEquals(0.0, t.schedule().warmupWeight(0), 0.0);
    assertEquals(0.5, t.schedule().warmupWeight(10), 0.0);
    assertEquals(0.95, t.schedule().warmupWeight(19), 1e-15);
    assertEquals(1.0, t.schedule().warmupWeight(20), 0.0);
    assertEquals(1.0, t.schedule().warmupWeight(1000), 0.0);
    LvmTrainer none = new LvmTrainer(model(1), options(LvmTrainingOptions.Objective.IWAE).withEpochs(1));
    none.fit(MOONS, null, Progress.silent(), () -> false, tr -> {});
    assertEquals(1.0, none.schedule().warmupWeight(0), 0.0);
  }

  @Test
  void zeroWarmUpIsThePlainRunAndOneEpochOfWarmUpChangesIt() throws IOException {
    // The tempered objective is a different function of the parameters, so the run departs from the plain one;
    // a warm-up of zero epochs is the plain run bit for bit.
    DeepLvm plain = model(1);
    DeepLvm zero = model(1);
    DeepLvm warm = model(1);
    LvmTrainingOptions o = options(LvmTrainingOptions.Objective.ELBO).withEpochs(2);
    new LvmTrainer(plain, o).fit(MOONS, null, Progress.silent(), () -> false, t -> {});
    new LvmTrainer(zero, o.withWarmupEpochs(0)).fit(MOONS, null, Progress.silent(), () -> false, t -> {});
    new LvmTrainer(warm, o.withWarmupEpochs(1)).fit(MOONS, null, Progress.silent(), () -> false, t -> {});
    float[][] vp = values(plain);
    float[][] vz = values(zero);
    float[][] vw = values(warm);
    boolean differs = false;
    for (int i = 0; i < vp.length; i++) {
      assertArrayEquals(vp[i], vz[i]);
      differs |= !java.util.Arrays.equals(vp[i], vw[i]);
    }
    assertTrue(differs, "a one-epoch warm-up changes the trained parameters");
  }

  @Test
  void warmUpIsRejectedForSumoAndForNonReparameterizedGradients() {
    LvmTrainingOptions sumo = options(LvmTrainingOptions.Objective.SUMO);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> sumo.withWarmupEpochs(2));
    assertTrue(e.getMessage().contains("SUMO"), e.getMessage());
    LvmTrainingOptions dreg = options(LvmTrainingOptions.Objective.IWAE).withGradient(GradientEstimator.DREG);
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> dreg.withWarmupEpochs(2));
    assertTrue(e.getMessage().contains("gradient reparam"), e.getMessage());
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
    assertEquals("training diverged: the objective became -Infinity at step 1", s.message());
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
  void resumeUnderEarlyStoppingKeepsTheSameBestEpochBitForBit() throws IOException {
    LvmTrainingOptions opts = options(LvmTrainingOptions.Objective.ELBO).withEpochs(200).withPatience(2)
        .withLearningRate(2e-2);
    Dataset train = MOONS.head(80);
    Dataset valid = ToyData.generate("moons", 100, RngKey.of(9));
    DeepLvm straight = model(4);
    TrainingState s = new LvmTrainer(straight, opts).fit(train, valid, Progress.silent(), () -> false, t -> {});
    assertEquals(TrainingState.Status.EARLY_STOPPED, s.status());
    int epochs = s.history().size();
    assertTrue(epochs >= 4, "ran " + epochs + " epochs");

    // Interrupt in the middle of the last epoch: the best epoch lies behind, the early stop ahead.
    int stopAt = 2 * (epochs - 1) + 1;
    Path ckpt = dir.resolve("early.ckpt");
    DeepLvm first = model(4);
    LvmDensityModel firstModel = new LvmDensityModel(first, List.of("x0", "x1"), null);
    AtomicInteger steps = new AtomicInteger();
    TrainingState s1 = new LvmTrainer(first, opts).fit(train, valid, Progress.silent(),
        () -> steps.incrementAndGet() >= stopAt, t -> LvmCheckpoint.write(ckpt, firstModel, t, Map.of()));
    assertEquals(TrainingState.Status.INTERRUPTED, s1.status());

    ModelFile file = ModelFile.read(ckpt);
    DeepLvm resumed = LvmDensityModel.fromFile(file).model();
    LvmTrainer t2 = new LvmTrainer(resumed, opts);
    LvmCheckpoint.restore(file, t2);
    TrainingState s2 = t2.fit(train, valid, Progress.silent(), () -> false, t -> {});
    assertEquals(TrainingState.Status.EARLY_STOPPED, s2.status());
    assertEquals(s.history(), s2.history(), "the interrupted epoch's mean objective resumes too");
    float[][] va = values(straight);
    float[][] vb = values(resumed);
    for (int i = 0; i < va.length; i++) {
      assertArrayEquals(va[i], vb[i], "parameter " + i);
    }
  }

  @Test
  void resumingAnEarlyStoppedRunTrainsNoFurther() throws IOException {
    LvmTrainingOptions opts = options(LvmTrainingOptions.Objective.ELBO).withEpochs(200).withPatience(2)
        .withLearningRate(2e-2);
    Dataset train = MOONS.head(80);
    Dataset valid = ToyData.generate("moons", 100, RngKey.of(9));
    Path ckpt = dir.resolve("stopped.ckpt");
    DeepLvm first = model(4);
    LvmDensityModel firstModel = new LvmDensityModel(first, List.of("x0", "x1"), null);
    TrainingState s = new LvmTrainer(first, opts).fit(train, valid, Progress.silent(), () -> false,
        t -> LvmCheckpoint.write(ckpt, firstModel, t, Map.of()));
    assertEquals(TrainingState.Status.EARLY_STOPPED, s.status());

    ModelFile file = ModelFile.read(ckpt);
    DeepLvm resumed = LvmDensityModel.fromFile(file).model();
    LvmTrainer t2 = new LvmTrainer(resumed, opts);
    LvmCheckpoint.restore(file, t2);
    TrainingState s2 = t2.fit(train, valid, Progress.silent(), () -> false, t -> {});
    assertEquals(s, s2, "the resumed run ends where the early stop ended it");
    float[][] va = values(first);
    float[][] vb = values(resumed);
    for (int i = 0; i < va.length; i++) {
      assertArrayEquals(va[i], vb[i], "parameter " + i);
    }
  }

  @Test
  void learningRateFloorGivesACosineFromTheRateToTheFloorOverTheRun() throws IOException {
    LvmTrainer constant = new LvmTrainer(model(1), options(LvmTrainingOptions.Objective.ELBO).withEpochs(1));
    LvmTrainer decaying = new LvmTrainer(model(1), options(LvmTrainingOptions.Objective.ELBO).withEpochs(1)
        .withLrFloor(0.1));
    constant.fit(MOONS, null, Progress.silent(), () -> false, t -> {});
    decaying.fit(MOONS, null, Progress.silent(), () -> false, t -> {});
    long total = decaying.schedule().totalSteps();
    assertEquals(10, total, "400 rows in batches of 40");
    assertEquals(3e-3, constant.schedule().learningRate(total / 2), 0.0);
    assertEquals(3e-3, decaying.schedule().learningRate(0), 1e-15);
    assertEquals(3e-3 * 0.55, decaying.schedule().learningRate(total / 2), 1e-15);
    assertEquals(3e-4, decaying.schedule().learningRate(total), 1e-15);
  }

  @Test
  void defaultOptionsTrainAGaussianDecoderOnUnboundedData() throws IOException {
    // The defaults binarize dynamically, which applies to Bernoulli decoders only.
    LvmTrainer t = new LvmTrainer(model(1), LvmTrainingOptions.defaults().withEpochs(1).withBatchSize(40));
    TrainingState s = t.fit(MOONS, null, Progress.silent(), () -> false, tr -> {});
    assertEquals(TrainingState.Status.COMPLETED, s.status(), s.message());
  }

  /**
   * Steps draw their large arrays from a pool and reuse them in the next step; nothing a step leaves behind may still
   * be read then. Training with the pool gives the parameters of training with fresh arrays, bit for bit, for every
   * gradient estimator and objective and with per-datapoint posteriors, on a model large enough for the pool to
   * serve its products and gradients.
   */
  @Test
  void reusingAStepsArraysInTheNextChangesNoBit() {
    float[] x = RngKey.of(4).uniforms(200 * 64);
    for (int i = 0; i < x.length; i++) {
      x[i] = x[i] < 0.3f ? 1f : 0f;
    }
    List<String> columns = new java.util.ArrayList<>();
    for (int j = 0; j < 64; j++) {
      columns.add("c" + j);
    }
    Dataset images = Dataset.of("images", columns, x);
    LvmTrainingOptions base = LvmTrainingOptions.defaults().withBatchSize(20).withNumSamples(50)
        .withBinarization(Binarization.NONE).withLearningRate(1e-2).withSeed(5);
    List<LvmTrainingOptions> variants = List.of(base, base.withObjective(LvmTrainingOptions.Objective.SUMO),
        base.withObjective(LvmTrainingOptions.Objective.ELBO), base.withGradient(GradientEstimator.DREG),
        base.withGradient(GradientEstimator.SCORE));
    for (int v = 0; v <= variants.size(); v++) {
      // The last variant trains per-datapoint posteriors, whose batch rows are gathered onto each step's tape.
      boolean local = v == variants.size();
      LvmTrainingOptions o = local ? base : variants.get(v);
      DeepLvm pooled = imageModel();
      DeepLvm fresh = imageModel();
      LvmTrainer withPool = local ? new LvmTrainer(pooled, LocalPosteriors.atPrior(200, 8), o)
          : new LvmTrainer(pooled, o);
      LvmTrainer withoutPool = local ? new LvmTrainer(fresh, LocalPosteriors.atPrior(200, 8), o)
          : new LvmTrainer(fresh, o);
      dev.marginal.tensor.BufferPool pool = new dev.marginal.tensor.BufferPool();
      withPool.useBuffers(pool);
      withoutPool.useBuffers(new dev.marginal.tensor.BufferPool(0));
      int[] rows = new int[20];
      for (int step = 0; step < 12; step++) {
        for (int i = 0; i < rows.length; i++) {
          rows[i] = (step * 20 + i) % 200;
        }
        double a = withPool.step(images, rows, RngKey.of(9).foldIn(step));
        double b = withoutPool.step(images, rows, RngKey.of(9).foldIn(step));
        assertEquals(Double.doubleToRawLongBits(b), Double.doubleToRawLongBits(a),
            o + (local ? ", per-datapoint" : "") + ", step " + step);
      }
      if (o.loss().objective() != LvmTrainingOptions.Objective.SUMO) {
        // SUMO draws a random number of terms per point, so its arrays rarely have last step's lengths.
        assertTrue(pool.reusedArrays() > 0, o + (local ? ", per-datapoint" : "") + ": the pool served the steps");
      }
      float[][] va = values(pooled);
      float[][] vb = values(fresh);
      for (int i = 0; i < va.length; i++) {
        assertArrayEquals(vb[i], va[i], o + ", parameter " + i);
      }
    }
  }

  private static DeepLvm imageModel() {
    return DeepLvm.create(new DeepLvm.Config(64, 8, new int[] {128}, Activation.TANH, DeepLvm.Decoder.BERNOULLI),
        RngKey.of(2), null);
  }
}
