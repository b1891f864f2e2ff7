package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.api.SurrogateTraining;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.LocalPosteriors;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import dev.marginal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint whose counters disagree (an optimizer's step count against the step, the history against the epoch, a
 * step or epoch past its run's length) is refused on resume, naming the field, rather than resumed into a run that
 * never was.
 */
class CheckpointCountersTest {
  @TempDir Path dir;

  /** 40 rows in batches of 10: 4 steps an epoch. */
  private static final Dataset DATA = ToyData.generate("moons", 40, RngKey.of(1));

  private static final Target FUNNEL = Targets.of("funnel");
  private static final ReverseKlOptions REVERSE = ReverseKlOptions.defaults().withIterations(40);
  private static final SurrogateMetrics.Settings QUICK = new SurrogateMetrics.Settings(50, 20, 4, 200, 200, 50);

  private static DeepLvm model() {
    return DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {4}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(2), null);
  }

  private static LvmTrainingOptions options() {
    return LvmTrainingOptions.defaults().withBatchSize(10).withEpochs(3).withSeed(3);
  }

  /**
   * The checkpoint of a run of {@code o} stopped after {@code steps} steps (or run to its end), with its options in
   * its provenance as a fit records them.
   */
  private ModelFile checkpoint(LvmTrainingOptions o, boolean perDatapoint, int steps) throws IOException {
    Path ckpt = dir.resolve("c.ckpt");
    DeepLvm m = model();
    LvmDensityModel lm = new LvmDensityModel(m, List.of("x0", "x1"), null);
    AtomicInteger done = new AtomicInteger();
    LvmTrainer t = new LvmTrainer(m, perDatapoint ? LocalPosteriors.atPrior(DATA.rows(), 2) : null, o);
    t.fit(DATA, null, Progress.silent(), () -> done.incrementAndGet() >= steps,
        tr -> LvmCheckpoint.write(ckpt, lm, tr, Map.of("options", o.toMap())));
    return ModelFile.read(ckpt);
  }

  /** The message of the refusal to resume {@code f} with {@code o}. */
  private static String refused(ModelFile f, LvmTrainingOptions o, boolean perDatapoint) {
    DeepLvm m = LvmDensityModel.fromFile(f).model();
    LvmTrainer t = new LvmTrainer(m, perDatapoint ? LvmCheckpoint.localPosteriors(f) : null, o);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
      LvmCheckpoint.restore(f, t);
      t.fit(DATA, null, Progress.silent(), () -> false, tr -> { });
    });
    return e.getMessage();
  }

  /** {@code f} with {@code changes} made to its training state. */
  @SuppressWarnings("unchecked")
  private static ModelFile withTraining(ModelFile f, Map<String, Object> changes) {
    Map<String, Object> p = new LinkedHashMap<>(f.provenance());
    Map<String, Object> training = new LinkedHashMap<>((Map<String, Object>) p.get("training"));
    training.putAll(changes);
    p.put("training", training);
    return new ModelFile(f.kind(), f.config(), p, f.tensors(), f.float64Tensors());
  }

  /** {@code f} with the tensor {@code name} replaced by {@code values}. */
  private static ModelFile withTensor(ModelFile f, String name, float[] values) {
    Map<String, Tensor> tensors = new LinkedHashMap<>(f.tensors());
    tensors.put(name, Tensor.wrap(values, values.length));
    return new ModelFile(f.kind(), f.config(), f.provenance(), tensors, f.float64Tensors());
  }

  /** A long as a checkpoint keeps Adam's t: its high and low 32 bits as two floats. */
  private static float[] bits(long v) {
    return new float[] {Float.intBitsToFloat((int) (v >>> 32)), Float.intBitsToFloat((int) v)};
  }

  /** {@code f} with both optimizers' step counts set to {@code t}. */
  private static ModelFile withAdamSteps(ModelFile f, long t) {
    return withTensor(withTensor(f, LvmCheckpoint.DECODER_PREFIX + "t", bits(t)), LvmCheckpoint.ENCODER_PREFIX + "t",
        bits(t));
  }

  @Test
  void anOptimizersStepCountOtherThanTheStepIsRefused() throws IOException {
    ModelFile f = checkpoint(options(), false, 3);
    assertEquals(3L, LvmCheckpoint.step(f));
    assertEquals("the checkpoint's counters disagree: opt.decoder/t, the optimizer's step count, is 4, but training "
        + "state 'step' is 3", refused(withTensor(f, LvmCheckpoint.DECODER_PREFIX + "t", bits(4)), options(), false));
    assertEquals("the checkpoint's counters disagree: opt.encoder/t, the optimizer's step count, is 0, but training "
        + "state 'step' is 3", refused(withTensor(f, LvmCheckpoint.ENCODER_PREFIX + "t", bits(0)), options(), false));
    assertEquals("the checkpoint's counters disagree: opt.decoder/t, the optimizer's step count, is -4294967293, "
        + "but training state 'step' is 3", refused(withTensor(f, LvmCheckpoint.DECODER_PREFIX + "t",
            bits(3 - (1L << 32))), options(), false));
  }

  @Test
  void aPerDatapointRunsCountersAreCheckedToo() throws IOException {
    ModelFile f = checkpoint(options(), true, 3);
    assertEquals("the checkpoint's counters disagree: opt.encoder/t, the optimizer's step count, is 3, but a "
        + "per-datapoint run never steps its encoder",
        refused(withTensor(f, LvmCheckpoint.ENCODER_PREFIX + "t", bits(3)), options(), true));
    float[] rows = f.tensors().get(LvmCheckpoint.LOCAL_PREFIX + "t").toArray();
    rows[7] = Float.intBitsToFloat(2);
    assertEquals("the checkpoint's counters disagree: opt.local/t of row 7, its optimizer's step count, is 2, but "
        + "training state 'epoch' 0 and 'stepInEpoch' 3 allow 0 or 1",
        refused(withTensor(f, LvmCheckpoint.LOCAL_PREFIX + "t", rows), options(), true));
    rows[7] = Float.intBitsToFloat(Integer.MIN_VALUE + 1);
    assertEquals("the checkpoint's counters disagree: opt.local/t of row 7, its optimizer's step count, is "
        + (Integer.MIN_VALUE + 1) + ", but training state 'epoch' 0 and 'stepInEpoch' 3 allow 0 or 1",
        refused(withTensor(f, LvmCheckpoint.LOCAL_PREFIX + "t", rows), options(), true));
  }

  @Test
  void aStepThatTheEpochAndPositionDoNotMakeIsRefused() throws IOException {
    ModelFile f = withAdamSteps(withTraining(checkpoint(options(), false, 3), Map.of("step", 7L)), 7);
    assertEquals("the checkpoint's counters disagree: training state 'step' is 7, but 'epoch' 0 and 'stepInEpoch' 3 "
        + "make 3 at 4 batches an epoch", refused(f, options(), false));
  }

  @Test
  void anEpochWithoutItsHistoryIsRefused() throws IOException {
    ModelFile f = withTraining(checkpoint(options(), false, 6), Map.of("epoch", 2L));
    assertEquals("the checkpoint's counters disagree: training state 'epoch' is 2, but its 'history' holds 1 closed "
        + "epoch", refused(f, options(), false));
  }

  /** A completed run of 3 epochs (12 steps), its counters moved on to a 4th epoch in step with one another. */
  @Test
  void anEpochPastTheRunsEpochsIsRefused() throws IOException {
    ModelFile done = checkpoint(options(), false, Integer.MAX_VALUE);
    assertEquals(12L, LvmCheckpoint.step(done));
    @SuppressWarnings("unchecked")
    List<Object> history = new ArrayList<>((List<Object>) ((Map<String, Object>) done.provenance().get("training"))
        .get("history"));
    history.add(Map.of("epoch", 3L, "step", 16L));
    ModelFile past = withAdamSteps(withTraining(done, Map.of("epoch", 4L, "step", 16L, "history", history)), 16);
    assertEquals("the checkpoint's counters disagree: training state 'epoch' is 4, beyond the 3 epochs of the run "
        + "that wrote it", refused(past, options().withEpochs(5), false));
    ModelFile into = withAdamSteps(withTraining(done, Map.of("stepInEpoch", 2L, "step", 14L)), 14);
    assertEquals("the checkpoint's counters disagree: training state 'stepInEpoch' is 2 in epoch 3, beyond the 3 "
        + "epochs of the run that wrote it", refused(into, options().withEpochs(5), false));
  }

  @Test
  void aStepPastTheRunsStepBudgetIsRefused() throws IOException {
    LvmTrainingOptions budget = options().withMaxSteps(5);
    ModelFile f = withAdamSteps(withTraining(checkpoint(budget, false, 3), Map.of("step", 6L, "stepInEpoch", 2L,
        "epoch", 1L, "history", List.of(Map.of("epoch", 0L, "step", 4L)))), 6);
    assertEquals("the checkpoint's counters disagree: training state 'step' is 6, beyond the 5 steps (maxSteps) of "
        + "the run that wrote it", refused(f, options().withMaxSteps(10), false));
  }

  @Test
  void aReverseKlCheckpointsCountersAreChecked() throws IOException {
    Path ckpt = dir.resolve("r.ckpt");
    AtomicInteger calls = new AtomicInteger();
    SurrogateTraining.train(FUNNEL, REVERSE, SurrogateTraining.Control.none().withEvaluation(10, QUICK)
        .withCheckpoint(ckpt, 0).withStop(() -> calls.incrementAndGet() >= 30));
    ModelFile f = ModelFile.read(ckpt);
    assertEquals(30L, LvmCheckpoint.step(f));
    assertEquals("the checkpoint's counters disagree: opt.encoder/t, the optimizer's step count, is 31, but "
        + "training state 'step' is 30", resumeRefused(withTensor(f, LvmCheckpoint.ENCODER_PREFIX + "t", bits(31))));
    assertEquals("the checkpoint's counters disagree: average/n, the parameter average's update count, is 29, but "
        + "training state 'step' is 30", resumeRefused(withTensor(f, LvmCheckpoint.AVERAGE_PREFIX + "n", bits(29))));
    Map<String, Object> p = new LinkedHashMap<>(f.provenance());
    @SuppressWarnings("unchecked")
    Map<String, Object> options = new LinkedHashMap<>((Map<String, Object>) p.get("options"));
    options.put("iterations", 20L);
    p.put("options", options);
    assertEquals("the checkpoint's counters disagree: training state 'step' is 30, beyond the 20 iterations of the "
        + "run that wrote it", resumeRefused(new ModelFile(f.kind(), f.config(), p, f.tensors(),
            f.float64Tensors())));
  }

  private static String resumeRefused(ModelFile f) {
    return assertThrows(IllegalArgumentException.class, () -> SurrogateTraining.train(FUNNEL, REVERSE,
        SurrogateTraining.Control.none().withEvaluation(10, QUICK).withResume(f))).getMessage();
  }
}
