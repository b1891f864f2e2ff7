package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Var;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReverseKlTrainerTest {
  /** The reverse KL estimated with IWAE K = 5000 on 500 surrogate samples, as {@code marginal target} reports it. */
  private static final SurrogateMetrics.Settings EVAL = new SurrogateMetrics.Settings(500, 5000, 4, 2000);

  /**
   * SUMO training on the two-Gaussian mixture (log Z = log 2π, so the KL is a true KL) brings the IWAE-5000 reverse
   * KL estimate from about 0.8 nats to below 0.3 nats in 3,000 steps.
   */
  @Test
  void sumoTrainingOnTheMixtureBringsTheReverseKlBelowThreshold() {
    Target mixture = Targets.of("mixture");
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(3000).withLearningRates(3e-4, 3e-4);
    DeepLvm surrogate = ReverseKlTrainer.newSurrogate(mixture, o);
    SurrogateMetrics before = SurrogateMetrics.evaluate(surrogate, mixture, 0, EVAL, RngKey.of(1));
    ReverseKlTrainer trainer = new ReverseKlTrainer(surrogate, mixture, o);
    for (int i = 0; i < o.iterations(); i++) {
      assertTrue(Double.isFinite(trainer.step()), "finite loss at step " + i);
    }
    SurrogateMetrics after = SurrogateMetrics.evaluate(surrogate, mixture, o.iterations(), EVAL, RngKey.of(1));
    assertTrue(after.normalized());
    assertTrue(before.klIwae() > 0.6, "untrained KL " + before.klIwae());
    assertTrue(after.klIwae() < 0.3, "trained KL " + after.klIwae() + " ± " + after.klIwaeSe());
  }

  @Test
  void scheduleWarmsUpThenDecaysToTheFloorAtTheLastIteration() {
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(1000).withSchedule(100, 0.1);
    var lr = ReverseKlTrainer.schedule(o, 2e-4);
    assertEquals(2e-6, lr.at(0), 1e-12);
    assertEquals(2e-4, lr.at(99), 1e-12);
    assertEquals(2e-4 * 0.55, lr.at(550), 1e-12);
    assertEquals(2e-5, lr.at(1000), 1e-12);
    var constant = ReverseKlTrainer.schedule(o.withSchedule(0, 1), 2e-4);
    assertEquals(2e-4, constant.at(0), 0);
    assertEquals(2e-4, constant.at(999), 0);
  }

  /** A target whose density is NaN everywhere: training must stop as diverged without writing a checkpoint. */
  public static final class BrokenTarget implements Target {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public Var logDensity(Var x) {
      return x.sum(-1, false).mul(Float.NaN);
    }
  }

  @Test
  void nonFiniteTargetStopsTheRunSayingSoAndMentionsNoCheckpointBeforeOne() throws IOException {
    Target t = new BrokenTarget();
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(50);
    ReverseKlTrainer trainer = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(t, o), t, o);
    AtomicInteger written = new AtomicInteger();
    ReverseKlRun.Result r = ReverseKlRun.run(trainer, t, o, ReverseKlRun.Control.defaults()
        .withEvaluation(0, EVAL).withCheckpoints(10, tr -> written.incrementAndGet()));
    assertEquals(ReverseKlRun.Status.DIVERGED, r.status());
    assertEquals("training diverged at step 1: the target's log density was NaN at a point the surrogate drew (it "
        + "must be finite wherever the surrogate may put mass)", r.message());
    assertEquals(0, written.get());
    assertEquals(0, trainer.steps(), "no update is applied from a non-finite loss");
  }

  /** A standard normal whose log density turns NaN from its {@code failFrom}-th call on. */
  private static final class FailingTarget implements Target {
    private final int failFrom;
    private int calls;

    FailingTarget(int failFrom) {
      this.failFrom = failFrom;
    }

    @Override
    public String name() {
      return "failing";
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public Var logDensity(Var x) {
      Var logP = x.square().sum(-1, false).mul(-0.5f);
      return ++calls < failFrom ? logP : logP.mul(Float.NaN);
    }
  }

  @Test
  void divergenceAfterACheckpointNamesItsStepAndOnlyARealSinkCounts() throws IOException {
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(50);
    Target t = new FailingTarget(5);
    ReverseKlTrainer trainer = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(t, o), t, o);
    AtomicInteger written = new AtomicInteger();
    ReverseKlRun.Result r = ReverseKlRun.run(trainer, t, o, ReverseKlRun.Control.defaults()
        .withEvaluation(0, EVAL).withCheckpoints(2, tr -> written.incrementAndGet()));
    assertEquals(4, trainer.steps(), r.message());
    assertEquals(2, written.get());
    assertTrue(r.message().endsWith("; the checkpoint of step 4 holds the last good surrogate"), r.message());
    Target u = new FailingTarget(5);
    ReverseKlTrainer silent = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(u, o), u, o);
    ReverseKlRun.Result none = ReverseKlRun.run(silent, u, o, ReverseKlRun.Control.defaults()
        .withEvaluation(0, EVAL).withCheckpoints(2, ReverseKlRun.CheckpointSink.NONE));
    assertTrue(none.message().startsWith("training diverged at step 5: the target's log density was NaN")
        && !none.message().contains("checkpoint"), none.message());
  }

  /**
   * A step size so large that the first update carries the surrogate's draws beyond float32's range: the target's
   * log density overflows there, and the run says the parameters diverged and blames the step size, not the target.
   */
  @Test
  void parametersCarriedOffByTheStepSizeAreBlamedNotTheTarget() throws IOException {
    Target t = new FailingTarget(Integer.MAX_VALUE);
    ReverseKlOptions o = ReverseKlOptions.defaults().withLearningRates(1e30, 1e30).withIterations(20);
    ReverseKlTrainer trainer = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(t, o), t, o);
    ReverseKlRun.Result r = ReverseKlRun.run(trainer, t, o, ReverseKlRun.Control.defaults().withEvaluation(0, EVAL));
    assertEquals(ReverseKlRun.Status.DIVERGED, r.status());
    assertTrue(r.message().startsWith("training diverged at step 2" + ReverseKlRun.PARAMETERS_DIVERGED
        + ": it drew a point too far out (a coordinate of "), r.message());
    assertTrue(r.message().endsWith("; the step size is the likely cause"), r.message());
    assertTrue(!r.message().contains("must be finite wherever"), r.message());
  }

  /** A forward proposal so wide that its draws leave float32's range is blamed, naming forwardScale. */
  @Test
  void forwardProposalsBeyondFloat32AreBlamedOnTheirScale() throws IOException {
    Target t = Targets.of("funnel");
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(20)
        .withForward(new ForwardKl(0.5, ForwardKl.DEFAULT_PROPOSALS, 1e38));
    ReverseKlTrainer trainer = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(t, o), t, o);
    ReverseKlRun.Result r = ReverseKlRun.run(trainer, t, o, ReverseKlRun.Control.defaults().withEvaluation(0, EVAL));
    assertEquals(ReverseKlRun.Status.DIVERGED, r.status());
    assertTrue(r.message().startsWith("training diverged at step 1: the forward KL proposed a point too far out"),
        r.message());
    assertTrue(r.message().endsWith("; the proposal's scale is the likely cause: lower forwardScale"), r.message());
  }

  @Test
  void runEvaluatesOnScheduleAndResumesBitForBit() throws IOException {
    resumesBitForBit(ReverseKlOptions.defaults().withIterations(60).withAveraging(0));
  }

  /** With averaging, the averaged parameters (what is evaluated and saved) also continue exactly on resume. */
  @Test
  void averagedRunResumesBitForBit() throws IOException {
    resumesBitForBit(ReverseKlOptions.defaults().withIterations(60).withAveraging(0.9));
  }

  /** Annealing depends only on the step counter and the options, so an annealed run resumes bit for bit too. */
  @Test
  void annealedRunResumesBitForBit() throws IOException {
    resumesBitForBit(ReverseKlOptions.defaults().withIterations(60).withAveraging(0).withAnnealing(0.8));
  }

  /**
   * The forward KL's phase, proposals and resampling depend only on the step counter, the options and the key, so
   * a run cut inside the forward phase resumes bit for bit across the switch to reverse KL.
   */
  @Test
  void forwardThenReverseRunResumesBitForBit() throws IOException {
    resumesBitForBit(ReverseKlOptions.defaults().withIterations(60).withAveraging(0).withForward(ForwardKl.over(0.5)));
  }

  /** Averaging changes what is evaluated, not the raw parameters' trajectory. */
  @Test
  void averagingLeavesTheRawTrajectoryAndEvaluatesTheAverage() throws IOException {
    Target funnel = Targets.of("funnel");
    SurrogateMetrics.Settings quick = new SurrogateMetrics.Settings(50, 20, 4, 200);
    ReverseKlOptions plain = ReverseKlOptions.defaults().withIterations(40).withAveraging(0);
    ReverseKlOptions averaged = plain.withAveraging(0.9);
    ReverseKlTrainer a = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(funnel, plain), funnel, plain);
    ReverseKlTrainer b = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(funnel, averaged), funnel, averaged);
    ReverseKlRun.Result ra = ReverseKlRun.run(a, funnel, plain,
        ReverseKlRun.Control.defaults().withEvaluation(20, quick));
    ReverseKlRun.Result rb = ReverseKlRun.run(b, funnel, averaged,
        ReverseKlRun.Control.defaults().withEvaluation(20, quick));
    assertArrayEquals(ra.losses(), rb.losses());
    float[][] raw = values(b.surrogate().parameters());
    assertArrayEquals(values(a.surrogate().parameters())[0], raw[0]);
    SurrogateMetrics onAverage = b.withAveragedParameters(() -> SurrogateMetrics.evaluate(b.surrogate(), funnel,
        40, quick, RngKey.of(averaged.seed()).foldIn(0x4556414CL)));
    assertEquals(onAverage.klIwae(), rb.evaluations().get(1).klIwae(), 0);
    assertTrue(ra.evaluations().get(1).klIwae() != rb.evaluations().get(1).klIwae());
    b.finishWithAveragedParametersInPlace();
    assertTrue(!java.util.Arrays.equals(raw[0], values(b.surrogate().parameters())[0]));
    assertEquals(0.9, averaged.toMap().get("averaging"));
    assertEquals(0.0, plain.toMap().get("averaging"));
  }

  private static void resumesBitForBit(ReverseKlOptions o) throws IOException {
    Target funnel = Targets.of("funnel");
    SurrogateMetrics.Settings quick = new SurrogateMetrics.Settings(50, 20, 4, 200);
    ReverseKlTrainer straight = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(funnel, o), funnel, o);
    ReverseKlRun.Result full = ReverseKlRun.run(straight, funnel, o,
        ReverseKlRun.Control.defaults().withEvaluation(20, quick));
    assertEquals(ReverseKlRun.Status.COMPLETED, full.status());
    assertEquals(List.of(20L, 40L, 60L), full.evaluations().stream().map(SurrogateMetrics::step).toList());
    assertEquals(60, full.losses().length);

    ReverseKlTrainer first = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(funnel, o), funnel, o);
    AtomicInteger calls = new AtomicInteger();
    java.util.Map<String, float[]>[] saved = new java.util.Map[3];
    float[][][] params = new float[1][][];
    ReverseKlRun.Result cut = ReverseKlRun.run(first, funnel, o, ReverseKlRun.Control.defaults()
        .withEvaluation(0, quick).withStop(() -> calls.incrementAndGet() >= 25).withCheckpoints(0, t -> {
          saved[0] = t.decoderOptimizerState();
          saved[1] = t.encoderOptimizerState();
          saved[2] = t.averageState();
          params[0] = values(t.surrogate().parameters());
        }));
    assertEquals(ReverseKlRun.Status.INTERRUPTED, cut.status());
    DeepLvm copy = ReverseKlTrainer.newSurrogate(funnel, o.withSeed(99));
    List<Parameter> ps = copy.parameters();
    for (int i = 0; i < ps.size(); i++) {
      System.arraycopy(params[0][i], 0, ps.get(i).value().buffer(), 0, params[0][i].length);
    }
    ReverseKlTrainer resumed = new ReverseKlTrainer(copy, funnel, o);
    resumed.resumeFrom(25, saved[0], saved[1], saved[2]);
    ReverseKlRun.Result rest = ReverseKlRun.run(resumed, funnel, o,
        ReverseKlRun.Control.defaults().withEvaluation(0, quick));
    float[][] a = values(straight.surrogate().parameters());
    float[][] b = values(copy.parameters());
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], "parameter " + i);
    }
    SurrogateMetrics last = rest.evaluations().get(rest.evaluations().size() - 1);
    assertEquals(full.evaluations().get(2).klIwae(), last.klIwae(), 0, "final evaluation");
    straight.finishWithAveragedParametersInPlace();
    resumed.finishWithAveragedParametersInPlace();
    a = values(straight.surrogate().parameters());
    b = values(copy.parameters());
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], "saved parameter " + i);
    }
  }

  private static float[][] values(List<Parameter> ps) {
    float[][] v = new float[ps.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = ps.get(i).value().toArray();
    }
    return v;
  }
}
