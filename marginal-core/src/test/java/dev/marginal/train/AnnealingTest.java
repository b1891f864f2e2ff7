package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.config.ParameterException;
import dev.marginal.targets.AnnealedTarget;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AnnealingTest {
  /** β rises linearly from β₀ at step 0 to 1 at fraction·T, and stays 1 after. */
  @Test
  void scheduleRisesLinearlyToOneOverTheFraction() {
    Annealing a = new Annealing(0.5, 0.01, 0);
    assertEquals(0.01, a.beta(0, 1000), 0);
    assertEquals(0.01 + 0.99 * 0.5, a.beta(250, 1000), 1e-12);
    assertEquals(0.01 + 0.99 * 499 / 500.0, a.beta(499, 1000), 1e-12);
    assertEquals(1, a.beta(500, 1000), 0);
    assertEquals(1, a.beta(999, 1000), 0);
    for (long t = 1; t < 1000; t++) {
      assertTrue(a.beta(t, 1000) >= a.beta(t - 1, 1000), "monotone at " + t);
    }
    assertEquals(1, Annealing.NONE.beta(0, 1000), 0);
    assertEquals(1, new Annealing(0.5, 1, 0).beta(0, 1000), 0);
    assertTrue(!Annealing.NONE.active() && a.active());
  }

  @Test
  void scaleIsGivenOrFollowsTheTargetsBoxOrIsOneOnUnconstrainedCoordinates() {
    assertEquals(24, Annealing.over(0.3).scaleFor(Targets.of("gmm40")), 0);
    assertEquals(2, Annealing.over(0.3).scaleFor(Targets.of("u1")), 0);
    assertEquals(1, Annealing.over(0.3).scaleFor(Targets.of("u2")), 0);
    assertEquals(5, new Annealing(0.3, 0.01, 5).scaleFor(Targets.of("gmm40")), 0);
  }

  @Test
  void refusesOutOfRangeSettingsNamingThem() {
    ParameterException e = assertThrows(ParameterException.class, () -> new Annealing(1.5, 0.01, 0));
    assertTrue(e.getMessage().contains("annealFraction"), e.getMessage());
    assertThrows(ParameterException.class, () -> new Annealing(0.5, 0, 0));
    assertThrows(ParameterException.class, () -> new Annealing(0.5, 0.01, -1));
    assertThrows(ParameterException.class, () -> new Annealing(Double.NaN, 0.01, 0));
  }

  /**
   * The trainer fits the tempered target while annealing and the target itself after: its training target at
   * step 0 is p̃_β₀, and an annealed run's losses differ from a plain run's until β reaches 1.
   */
  @Test
  void trainerFitsTheTemperedTargetWhileAnnealing() {
    Target gmm = Targets.of("gmm40");
    ReverseKlOptions plain = ReverseKlOptions.defaults().withIterations(20).withAveraging(0);
    ReverseKlOptions annealed = plain.withAnnealing(0.5);
    ReverseKlTrainer a = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(gmm, plain), gmm, plain);
    ReverseKlTrainer b = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(gmm, annealed), gmm, annealed);
    assertEquals(1, a.beta(), 0);
    assertEquals(0.01, b.beta(), 0);
    Tensor x = Tensor.wrap(new float[] {1, 2, -30, 10}, 2, 2);
    double[] want = AnnealedTarget.of(gmm, 0.01, 24).logDensity(x).toDoubleArray();
    double[] got = b.trainingTarget().logDensity(x).toDoubleArray();
    assertEquals(want[0], got[0], 0);
    assertEquals(want[1], got[1], 0);
    assertTrue(a.step() != b.step(), "the first step's losses differ");
    for (int i = 1; i < 10; i++) {
      a.step();
      b.step();
    }
    assertEquals(1, b.beta(), 0);
    assertEquals(gmm.logDensity(x).toDoubleArray()[1], b.trainingTarget().logDensity(x).toDoubleArray()[1], 0);
  }

  /** The options carry annealing into provenance and into the resume fingerprint, which refuses a mismatch. */
  @Test
  void annealingIsRecordedAndARunWithOtherAnnealingDoesNotResume() {
    ReverseKlOptions plain = ReverseKlOptions.defaults();
    ReverseKlOptions annealed = plain.withAnnealing(0.25);
    assertEquals(0.25, annealed.toMap().get("annealFraction"));
    assertEquals(0.0, plain.toMap().get("annealFraction"));
    var saved = java.util.Map.<String, Object>of(RunFingerprint.KEY, RunFingerprint.of(annealed, "gmm40"));
    RunFingerprint.check(saved, RunFingerprint.of(annealed, "gmm40"));
    ParameterException e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(saved, RunFingerprint.of(annealed.withAnnealing(0.5), "gmm40")));
    assertTrue(e.getMessage().contains("annealFraction"), e.getMessage());
  }
}
