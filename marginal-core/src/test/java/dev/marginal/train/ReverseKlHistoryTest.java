package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.SurrogateTraining;
import dev.marginal.config.ParameterException;
import dev.marginal.estimators.DiagnosticsSummary;
import dev.marginal.io.Json;
import dev.marginal.io.ModelFile;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import dev.marginal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reverse-KL checkpoint carries the run's losses, evaluations and warnings, so that a run interrupted and resumed
 * reports the same history as one that ran straight through.
 */
class ReverseKlHistoryTest {
  private static final Target FUNNEL = Targets.of("funnel");
  private static final ReverseKlOptions OPTIONS = ReverseKlOptions.defaults().withIterations(60);
  private static final SurrogateMetrics.Settings QUICK = new SurrogateMetrics.Settings(50, 20, 4, 200, 200, 50);

  @TempDir Path dir;

  @Test
  void evaluationsAndWarningsReadBackBitForBitThroughJson() {
    SurrogateMetrics odd = metrics(3, Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE, 0.1,
        Double.NEGATIVE_INFINITY);
    SurrogateMetrics plain = metrics(5, 1.5, 0.25, -2.0, 1e300, 3.0 / 7, 0);
    ReverseKlHistory h = new ReverseKlHistory(new float[] {1, -2.5f, 3, 4, 5f / 3},
        List.of(odd, plain), List.of("step 3: a warning"));
    Map<String, Object> training = new LinkedHashMap<>(Map.of("step", 5L));
    training.putAll(h.toTraining());
    Map<String, Object> read = Json.parseObject(Json.write(training));
    assertEquals(h, ReverseKlHistory.fromCheckpoint(read, h.losses(), Map.of(), 5));
  }

  @Test
  void resumedRunReportsTheWholeRunAsAnUninterruptedOneBitForBit() throws IOException {
    SurrogateTraining.Result straight = SurrogateTraining.train(FUNNEL, OPTIONS,
        SurrogateTraining.Control.none().withEvaluation(10, QUICK));
    SurrogateTraining.Result resumed = interruptedAndResumed(30, OPTIONS);
    assertEquals(60, straight.losses().length);
    assertArrayEquals(straight.losses(), resumed.losses());
    assertEquals(List.of(10L, 20L, 30L, 40L, 50L, 60L), resumed.evaluations().stream().map(SurrogateMetrics::step)
        .toList());
    for (int i = 0; i < 6; i++) {
      SurrogateMetrics a = straight.evaluations().get(i);
      SurrogateMetrics b = resumed.evaluations().get(i);
      // Those before the cut restored from the checkpoint: every value, the log Z weights included.
      assertEquals(a, b, "evaluation at step " + a.step());
      assertEquals(QUICK.logZSamples(), b.checks().logZ().logWeights().length);
      assertEquals(Json.write(a.toMap()), Json.write(b.toMap()));
    }
    assertEquals(straight.warnings(), resumed.warnings());
    assertEquals(straight.steps(), resumed.steps());
  }

  /** A checkpoint written before checkpoints kept the log Z weights restores its evaluations without them. */
  @Test
  void checkpointWithoutLogWeightsRestoresEverythingElse() throws IOException {
    SurrogateTraining.Result straight = SurrogateTraining.train(FUNNEL, OPTIONS,
        SurrogateTraining.Control.none().withEvaluation(10, QUICK));
    ModelFile file = ModelFile.read(interrupted(30, OPTIONS));
    assertEquals(3, file.float64Tensors().keySet().stream()
        .filter(n -> n.startsWith(ReverseKlHistory.LOG_WEIGHTS_PREFIX)).count());
    SurrogateTraining.Result resumed = SurrogateTraining.train(FUNNEL, OPTIONS, SurrogateTraining.Control.none()
        .withEvaluation(10, QUICK).withResume(new ModelFile(file.kind(), file.config(), file.provenance(),
            file.tensors())));
    for (int i = 0; i < 6; i++) {
      SurrogateMetrics a = straight.evaluations().get(i);
      assertEquals(i < 3 ? withoutLogWeights(a) : a, resumed.evaluations().get(i), "evaluation at step " + a.step());
    }
  }

  /** Log weights of every kind (−∞, NaN, −0, the smallest and a huge double) read back bit for bit from a file. */
  @Test
  void logWeightsReadBackBitForBitThroughAFile() throws IOException {
    double[] odd = {Double.NEGATIVE_INFINITY, Double.NaN, -0.0, Double.MIN_VALUE, -1e300, 1.0 / 3, -7.25};
    ReverseKlHistory h = new ReverseKlHistory(new float[] {1, 2, 3, 4, 5},
        List.of(withLogWeights(metrics(3, 1.5, 0.25, -2.0, 0.5, 3.0 / 7, 0), odd), metrics(5, 1, 2, 3, 4, 5, 6)),
        List.of());
    Map<String, ModelFile.Float64> tensors = h.logWeightTensors();
    assertEquals(List.of(ReverseKlHistory.LOG_WEIGHTS_PREFIX + "0"), List.copyOf(tensors.keySet()));
    Path p = dir.resolve("w.marginal");
    new ModelFile("lvm", Map.of(), Map.of(), Map.of(), tensors).write(p);
    Map<String, Object> training = new LinkedHashMap<>(Map.of("step", 5L));
    training.putAll(h.toTraining());
    ReverseKlHistory read = ReverseKlHistory.fromCheckpoint(Json.parseObject(Json.write(training)), h.losses(),
        ModelFile.read(p).float64Tensors(), 5);
    assertEquals(h, read);
    double[] back = read.evaluations().get(0).checks().logZ().logWeights();
    for (int j = 0; j < odd.length; j++) {
      assertEquals(Double.doubleToRawLongBits(odd[j]), Double.doubleToRawLongBits(back[j]), "weight " + j);
    }
  }

  @Test
  void logWeightsThatDoNotFitTheirEvaluationAreRefused() {
    ReverseKlHistory h = new ReverseKlHistory(new float[] {1, 2, 3}, List.of(metrics(3, 1, 2, 3, 4, 5, 6)),
        List.of());
    Map<String, Object> training = new LinkedHashMap<>(Map.of("step", 3L));
    training.putAll(h.toTraining());
    Map<String, Object> read = Json.parseObject(Json.write(training));
    String name = ReverseKlHistory.LOG_WEIGHTS_PREFIX + "0";
    assertEquals("the checkpoint's training history 'logZWeights' tensor '" + name + "' must have shape [2000, 2] "
        + "(one pair per draw of its evaluation), got [1999, 2]", refusedWeights(read, name,
            new ModelFile.Float64(new double[2 * 1999], new int[] {1999, 2})));
    double[] bits = new double[2 * 2000];
    bits[7] = 4294967296.0;
    assertEquals("the checkpoint's training history 'logZWeights' tensor '" + name + "' must hold whole numbers "
        + "from 0 to 2^32 - 1, got 4.294967296E9 in row 3", refusedWeights(read, name,
            new ModelFile.Float64(bits, new int[] {2000, 2})));
    bits[7] = 0;
    bits[4] = 0.5;
    assertEquals("the checkpoint's training history 'logZWeights' tensor '" + name + "' must hold whole numbers "
        + "from 0 to 2^32 - 1, got 0.5 in row 2", refusedWeights(read, name,
            new ModelFile.Float64(bits, new int[] {2000, 2})));
    String stray = ReverseKlHistory.LOG_WEIGHTS_PREFIX + "1";
    assertEquals("the checkpoint's training history 'logZWeights' has a tensor '" + stray + "' for none of its 1 "
        + "evaluations", refusedWeights(read, stray, new ModelFile.Float64(new double[4000], new int[] {2000, 2})));
  }

  private static String refusedWeights(Map<String, Object> training, String name, ModelFile.Float64 t) {
    return assertThrows(IllegalArgumentException.class,
        () -> ReverseKlHistory.fromCheckpoint(training, new float[] {1, 2, 3}, Map.of(name, t), 3)).getMessage();
  }

  @Test
  void checkpointWithoutAHistoryResumesWithAnEmptyOne() throws IOException {
    Path ckpt = interrupted(30, OPTIONS);
    ModelFile file = ModelFile.read(ckpt);
    Map<String, Object> provenance = new LinkedHashMap<>(file.provenance());
    provenance.put("training", Map.of("step", 30L));
    Map<String, Tensor> tensors = new LinkedHashMap<>(file.tensors());
    tensors.remove(LvmCheckpoint.LOSSES);
    SurrogateTraining.Result r = SurrogateTraining.train(FUNNEL, OPTIONS, SurrogateTraining.Control.none()
        .withEvaluation(10, QUICK).withResume(new ModelFile(file.kind(), file.config(), provenance, tensors)));
    assertEquals(30, r.losses().length);
    assertEquals(List.of(40L, 50L, 60L), r.evaluations().stream().map(SurrogateMetrics::step).toList());
  }

  @Test
  void historyThatDoesNotFitTheCheckpointsStepIsRefused() throws IOException {
    ModelFile file = ModelFile.read(interrupted(30, OPTIONS));
    Map<?, ?> training = (Map<?, ?>) file.provenance().get("training");
    float[] losses = file.tensors().get(LvmCheckpoint.LOSSES).toArray();
    IllegalArgumentException fewer = assertThrows(IllegalArgumentException.class,
        () -> ReverseKlHistory.fromCheckpoint(training, java.util.Arrays.copyOf(losses, 29), Map.of(), 30));
    assertTrue(fewer.getMessage().contains("at step 30 but holds 29 training losses"), fewer.getMessage());
    IllegalArgumentException later = assertThrows(IllegalArgumentException.class,
        () -> ReverseKlHistory.fromCheckpoint(training, java.util.Arrays.copyOf(losses, 20), Map.of(), 20));
    assertTrue(later.getMessage().contains("evaluation at step 30"), later.getMessage());
  }

  @Test
  void resumingWithFewerIterationsThanDoneIsRefusedNamingBoth() throws IOException {
    ModelFile file = ModelFile.read(interrupted(30, OPTIONS));
    ParameterException e = assertThrows(ParameterException.class, () -> SurrogateTraining.train(FUNNEL,
        OPTIONS.withIterations(20), SurrogateTraining.Control.none().withEvaluation(10, QUICK).withResume(file)));
    assertEquals(List.of("iterations"), e.parameters());
    assertEquals("iterations 20 is fewer than the 30 steps already done", e.getMessage());
  }

  /** A checkpoint of a completed run resumed at the same length gives its result again, not a second evaluation. */
  @Test
  void completedRunResumedAtItsLengthIsNotEvaluatedTwice() throws IOException {
    ReverseKlOptions o = OPTIONS.withIterations(20);
    Path ckpt = dir.resolve("done.ckpt");
    SurrogateTraining.Result done = SurrogateTraining.train(FUNNEL, o, SurrogateTraining.Control.none()
        .withEvaluation(10, QUICK).withCheckpoint(ckpt, 0));
    SurrogateTraining.Result again = SurrogateTraining.train(FUNNEL, o, SurrogateTraining.Control.none()
        .withEvaluation(10, QUICK).withResume(ModelFile.read(ckpt)));
    assertEquals(List.of(10L, 20L), again.evaluations().stream().map(SurrogateMetrics::step).toList());
    assertEquals(done.finalMetrics(), again.finalMetrics());
    assertEquals(done.evaluations(), again.evaluations());
    assertArrayEquals(done.losses(), again.losses());
  }

  /**
   * A stop during an evaluation can end the process before the evaluation does (the wait on Ctrl-C or kill is
   * bounded): the checkpoint saved before each evaluation keeps the steps, is of an unfinished run, and its resume
   * evaluates that step first and ends as an uninterrupted run, bit for bit.
   */
  @Test
  void runEndedDuringAnEvaluationResumesFromTheCheckpointSavedBeforeIt() throws IOException {
    SurrogateTraining.Result straight = SurrogateTraining.train(FUNNEL, OPTIONS,
        SurrogateTraining.Control.none().withEvaluation(10, QUICK));
    for (long end : new long[] {30, 60}) {
      Path ckpt = dir.resolve("eval" + end + ".ckpt");
      RuntimeException ended = new IllegalStateException("the process ended");
      assertThrows(IllegalStateException.class, () -> SurrogateTraining.train(FUNNEL, OPTIONS,
          SurrogateTraining.Control.none().withEvaluation(10, QUICK).withCheckpoint(ckpt, 0).withOnEvaluation(m -> {
            if (m.step() == end) {
              throw ended;
            }
          })));
      ModelFile file = ModelFile.read(ckpt);
      assertEquals(end, LvmCheckpoint.step(file));
      assertFalse(LvmCheckpoint.ofFinishedRun(file), "ended at step " + end);
      SurrogateTraining.Result resumed = SurrogateTraining.train(FUNNEL, OPTIONS,
          SurrogateTraining.Control.none().withEvaluation(10, QUICK).withResume(file));
      assertArrayEquals(straight.losses(), resumed.losses());
      assertEquals(List.of(10L, 20L, 30L, 40L, 50L, 60L), resumed.evaluations().stream()
          .map(SurrogateMetrics::step).toList());
      for (int i = 0; i < 6; i++) {
        SurrogateMetrics a = straight.evaluations().get(i);
        assertEquals(a, resumed.evaluations().get(i), "step " + a.step());
      }
      straight.model().model().tensors().forEach((name, t) -> assertArrayEquals(t.toArray(),
          resumed.model().model().tensors().get(name).toArray(), name));
    }
  }

  private SurrogateTraining.Result interruptedAndResumed(int cut, ReverseKlOptions o) throws IOException {
    ModelFile file = ModelFile.read(interrupted(cut, o));
    return SurrogateTraining.train(FUNNEL, o, SurrogateTraining.Control.none().withEvaluation(10, QUICK)
        .withResume(file));
  }

  /** The checkpoint of a run stopped after {@code cut} steps. */
  private Path interrupted(int cut, ReverseKlOptions o) {
    Path ckpt = dir.resolve("cut" + cut + ".ckpt");
    AtomicInteger calls = new AtomicInteger();
    SurrogateTraining.Result r = SurrogateTraining.train(FUNNEL, o, SurrogateTraining.Control.none()
        .withEvaluation(10, QUICK).withCheckpoint(ckpt, 0).withStop(() -> calls.incrementAndGet() >= cut));
    assertEquals(ReverseKlRun.Status.INTERRUPTED, r.status());
    return ckpt;
  }

  private static SurrogateMetrics withoutLogWeights(SurrogateMetrics m) {
    SamplerChecks c = m.checks();
    LogZEstimate z = c.logZ();
    SamplerChecks checks = new SamplerChecks(new LogZEstimate(z.logZ(), z.logZSe(), z.ess(), z.paretoK(),
        new double[0], z.draws()), c.targetLogZ(), c.forwardLogQ(), c.forwardLogQSe(), c.forwardKl(),
        c.modesCovered(), c.modes(), c.outsideSupport());
    return new SurrogateMetrics(m.step(), m.klIwae(), m.klIwaeSe(), m.klSumo(), m.klSumoSe(), m.crossEntropy(),
        m.crossEntropySe(), m.targetEntropy(), m.w1(), m.hardMass(), m.targetHardMass(), m.normalized(), checks,
        m.iwaeDiagnostics());
  }

  private static SurrogateMetrics withLogWeights(SurrogateMetrics m, double[] logWeights) {
    SamplerChecks c = m.checks();
    LogZEstimate z = c.logZ();
    SamplerChecks checks = new SamplerChecks(new LogZEstimate(z.logZ(), z.logZSe(), z.ess(), z.paretoK(),
        logWeights), c.targetLogZ(), c.forwardLogQ(), c.forwardLogQSe(), c.forwardKl(), c.modesCovered(), c.modes(),
        c.outsideSupport());
    return new SurrogateMetrics(m.step(), m.klIwae(), m.klIwaeSe(), m.klSumo(), m.klSumoSe(), m.crossEntropy(),
        m.crossEntropySe(), m.targetEntropy(), m.w1(), m.hardMass(), m.targetHardMass(), m.normalized(), checks,
        m.iwaeDiagnostics());
  }

  private static SurrogateMetrics metrics(long step, double a, double b, double c, double d, double e, double f) {
    LogZEstimate logZ = new LogZEstimate(a, b, c, d, new double[0], 2000);
    SamplerChecks checks = new SamplerChecks(logZ, e, f, a, b, c, 40, d);
    return new SurrogateMetrics(step, a, b, c, d, e, f, a, new double[] {b, c, e}, d, f, step % 2 == 1, checks,
        new DiagnosticsSummary(50, 20, e, f, a, b, 3));
  }
}
