package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.config.ParameterException;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ForwardKlTest {
  private static final ReverseKlRun.Control QUICK = ReverseKlRun.Control.defaults()
      .withEvaluation(0, new SurrogateMetrics.Settings(50, 20, 4, 200));

  @Test
  void phaseCoversTheFirstFractionOfTheRun() {
    ForwardKl f = ForwardKl.over(0.3);
    assertTrue(f.appliesAt(0, 100) && f.appliesAt(29, 100));
    assertFalse(f.appliesAt(30, 100));
    assertFalse(ForwardKl.NONE.appliesAt(0, 100));
    assertTrue(ForwardKl.over(1).appliesAt(99, 100));
  }

  /** The automatic proposal: 3/4 of the box's half-widths around its centre on ℝ, 3 on a bounded coordinate. */
  @Test
  void proposalFollowsTheTargetsBoxOrIsGiven() {
    assertArrayEquals(new double[] {3, 3}, ForwardKl.over(1).scalesFor(Targets.of("u1")), 0);
    assertArrayEquals(new double[] {0, 0}, ForwardKl.over(1).centresFor(Targets.of("u1")), 0);
    assertArrayEquals(new double[] {6.75, 5.25}, ForwardKl.over(1).scalesFor(Targets.of("mixture")), 0);
    assertArrayEquals(new double[] {1, 0}, ForwardKl.over(1).centresFor(Targets.of("mixture")), 0);
    assertArrayEquals(new double[] {36, 36}, ForwardKl.over(1).scalesFor(Targets.of("gmm40")), 0);
    assertArrayEquals(new double[] {3, 3}, ForwardKl.over(1).scalesFor(Targets.of("u2")), 0);
    assertArrayEquals(new double[] {0, 0}, ForwardKl.over(1).centresFor(Targets.of("u2")), 0);
    assertArrayEquals(new double[] {2, 2}, new ForwardKl(1, 10, 2).scalesFor(Targets.of("gmm40")), 0);
    double[] neal = ForwardKl.over(1).scalesFor(Targets.of("neal-funnel:4"));
    assertEquals(4, neal.length);
    assertEquals(0.75 * 10, neal[3], 0, "beyond the box: the larger half-width");
  }

  @Test
  void refusesOutOfRangeSettingsNamingThem() {
    ParameterException e = assertThrows(ParameterException.class, () -> new ForwardKl(1.5, 10, 0));
    assertTrue(e.getMessage().contains("forwardFraction"), e.getMessage());
    e = assertThrows(ParameterException.class, () -> new ForwardKl(1, 0, 0));
    assertTrue(e.getMessage().contains("forwardProposals"), e.getMessage());
    assertThrows(ParameterException.class, () -> new ForwardKl(1, ForwardKl.MAX_PROPOSALS + 1, 0));
    assertThrows(ParameterException.class, () -> new ForwardKl(1, 10, -1));
    assertThrows(ParameterException.class, () -> new ForwardKl(Double.NaN, 10, 0));
  }

  /**
   * A run fitted by the forward KL throughout records that as its objective, and the estimator option as the
   * encoder's; a run with a reverse-KL part keeps the estimator's name.
   */
  @Test
  void forwardRecipeIsNamedAsTheForwardKlObjective() {
    ReverseKlOptions recipe = ReverseKlOptions.importanceForward();
    assertEquals(ReverseKlOptions.FORWARD_KL_OBJECTIVE, recipe.objectiveLabel());
    assertEquals("forward-kl", recipe.toMap().get("objective"));
    assertEquals("sumo", recipe.toMap().get("encoderObjective"));
    ReverseKlOptions partly = recipe.withForward(ForwardKl.over(0.5));
    assertEquals("sumo", partly.objectiveLabel());
    assertEquals("sumo", partly.toMap().get("objective"));
    assertFalse(partly.toMap().containsKey("encoderObjective"));
  }

  /** The options carry the forward KL into provenance and into the resume fingerprint, which refuses a mismatch. */
  @Test
  void forwardIsRecordedAndARunWithoutItDoesNotResume() {
    ReverseKlOptions recipe = ReverseKlOptions.importanceForward();
    assertEquals(1.0, recipe.toMap().get("forwardFraction"));
    assertEquals(0.0, ReverseKlOptions.defaults().toMap().get("forwardFraction"));
    var saved = java.util.Map.<String, Object>of(RunFingerprint.KEY, RunFingerprint.of(recipe, "u1"));
    RunFingerprint.check(saved, RunFingerprint.of(recipe, "u1"));
    ParameterException e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(saved, RunFingerprint.of(recipe.withForward(ForwardKl.NONE), "u1")));
    assertTrue(e.getMessage().contains("forwardFraction"), e.getMessage());
  }

  /**
   * The decoder's path gradient changes reverse-KL steps only, and a forward KL over the whole run leaves none: the
   * options refuse the two together, in either order of the {@code with} calls, naming both settings; a shorter
   * forward phase keeps it.
   */
  @Test
  void pathGradientIsRefusedWithAForwardKlOverTheWholeRun() {
    for (org.junit.jupiter.api.function.Executable e : java.util.List.<org.junit.jupiter.api.function.Executable>of(
        () -> ReverseKlOptions.importanceForward().withPathGradient(true),
        () -> ReverseKlOptions.defaults().withPathGradient(true).withForward(ForwardKl.over(1)))) {
      ParameterException p = assertThrows(ParameterException.class, e);
      assertEquals(java.util.List.of("pathGradient", "forwardFraction"), p.parameters());
      assertEquals("pathGradient applies to the reverse-KL steps, and forwardFraction 1 leaves none: the decoder "
          + "follows the forward KL throughout", p.getMessage());
    }
    assertTrue(ReverseKlOptions.defaults().withPathGradient(true).withForward(ForwardKl.over(0.5)).pathGradient());
    assertFalse(ReverseKlOptions.importanceForward().withPathGradient(false).pathGradient());
  }

  /**
   * A checkpoint whose run recorded the path gradient with a forward KL over the whole run (as runs could before the
   * two were refused together) resumes with the options that are now allowed: the path gradient changed nothing.
   * With a shorter forward phase it did, and a resume without it is still refused.
   */
  @Test
  void aCheckpointRecordingThePathGradientUnderTheForwardRecipeStillResumes() {
    ReverseKlOptions recipe = ReverseKlOptions.importanceForward();
    java.util.Map<String, Object> recorded = new java.util.LinkedHashMap<>(RunFingerprint.of(recipe, "u1"));
    recorded.put("decoderGradient", "path");
    RunFingerprint.check(java.util.Map.of(RunFingerprint.KEY, recorded), RunFingerprint.of(recipe, "u1"));
    ReverseKlOptions half = recipe.withForward(ForwardKl.over(0.5));
    java.util.Map<String, Object> halfway = RunFingerprint.of(half.withPathGradient(true), "u1");
    ParameterException e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(java.util.Map.of(RunFingerprint.KEY, halfway), RunFingerprint.of(half, "u1")));
    assertTrue(e.getMessage().contains("decoderGradient off (the checkpoint's run had path)"), e.getMessage());
  }

  /** The phase switches after fraction·T steps: forward losses estimate −log q on target points, then reverse. */
  @Test
  void trainerSwitchesFromForwardToReverse() {
    Target u1 = Targets.of("u1");
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(10).withAveraging(0)
        .withForward(ForwardKl.over(0.5));
    ReverseKlTrainer t = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(u1, o), u1, o);
    assertTrue(Double.isNaN(t.lastForwardEss()));
    for (int i = 0; i < 5; i++) {
      assertTrue(t.inForwardPhase(), "step " + i);
      assertTrue(Double.isFinite(t.step()));
      assertTrue(t.lastForwardEss() >= 1 && t.lastForwardEss() <= ForwardKl.DEFAULT_PROPOSALS, "ess");
    }
    assertFalse(t.inForwardPhase());
    double ess = t.lastForwardEss();
    t.step();
    assertEquals(ess, t.lastForwardEss(), 0, "a reverse step draws no proposals");
  }

  /**
   * The recipe keeps both modes of U1 (a ring of radius 2 and width 0.4 with equal lobes at x0 = ±2) where reverse
   * KL drifts onto one (BENCHMARKS.md): after 1,500 forward steps more than 30% of 4,000 surrogate samples lie at
   * x0 > 1 and more than 30% at x0 < −1 (under p 48% each), and more than 80% within 0.8 of the ring (under
   * p 96%; the untrained surrogate, about N(0, I), puts 16% and 47% there). The bounds allow the fit's error,
   * not sampling noise (its SE is below 0.008).
   */
  /** The forward recipe in up to two dimensions, where its proposal keeps weight; reverse KL beyond. */
  @Test
  void recipeForATargetFollowsItsDimension() {
    for (String name : new String[] {"u1", "u2", "funnel", "gmm40", "mixture"}) {
      assertEquals(ReverseKlOptions.importanceForward(), ReverseKlOptions.forTarget(Targets.of(name)), name);
    }
    for (String name : new String[] {"neal-funnel:3", "neal-funnel:10", "many-well:32"}) {
      assertEquals(ReverseKlOptions.defaults(), ReverseKlOptions.forTarget(Targets.of(name)), name);
    }
  }

  @Test
  void recipeCoversBothModesOfU1() throws java.io.IOException {
    Target u1 = Targets.of("u1");
    ReverseKlOptions o = ReverseKlOptions.importanceForward().withIterations(1500);
    ReverseKlTrainer t = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(u1, o), u1, o);
    ReverseKlRun.Result r = ReverseKlRun.run(t, u1, o, QUICK);
    assertEquals(ReverseKlRun.Status.COMPLETED, r.status());
    float[] x = t.surrogate().sample(RngKey.of(42), 4000, false).buffer();
    int right = 0;
    int left = 0;
    int onRing = 0;
    for (int i = 0; i < 4000; i++) {
      right += x[2 * i] > 1 ? 1 : 0;
      left += x[2 * i] < -1 ? 1 : 0;
      onRing += Math.abs(Math.hypot(x[2 * i], x[2 * i + 1]) - 2) < 0.8 ? 1 : 0;
    }
    assertTrue(right > 0.3 * 4000 && left > 0.3 * 4000, "x0 > 1: " + right + ", x0 < -1: " + left);
    assertTrue(onRing > 0.8 * 4000, "within 0.8 of the ring: " + onRing);
    // log Z: the plain joint weight (K = 1) misses the tail that carries its mean, here by many standard errors;
    // with the encoder's draws beside the joint's latent (K = 100) the estimate lands on the exact value.
    double exact = u1.logZ().orElseThrow();
    LogZEstimate plain = LogZEstimate.of(t.surrogate(), u1, 20_000, 1, RngKey.of(5));
    LogZEstimate inner = LogZEstimate.of(t.surrogate(), u1, 20_000, RngKey.of(5));
    assertTrue(exact - plain.logZ() > 10 * plain.logZSe(), "K = 1: " + plain + " vs " + exact);
    assertTrue(Math.abs(inner.logZ() - exact) <= 4 * inner.logZSe(), "K = 100: " + inner + " vs " + exact);
  }

  /** A target that the proposal never reaches stops the run with a message that says what to change. */
  @Test
  void proposalsThatMissTheTargetStopTheRunSayingWhy() throws java.io.IOException {
    Target nowhere = ValueTargets.of("nowhere", 2, x -> {
      float[] out = new float[x.shape()[0]];
      java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
      return Tensor.wrap(out, out.length);
    });
    ReverseKlOptions o = ReverseKlOptions.importanceForward().withIterations(5);
    ReverseKlTrainer t = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(nowhere, o), nowhere, o);
    ReverseKlRun.Result r = ReverseKlRun.run(t, nowhere, o, QUICK);
    assertEquals(ReverseKlRun.Status.DIVERGED, r.status());
    assertTrue(r.message().contains("forwardScale"), r.message());
    assertEquals(0, t.steps());
  }
}
