package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Dataset;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A checkpoint of the other kind of run is refused as such, not setting by setting. */
class RunFingerprintTest {
  private static final Map<String, Object> DENSITY = RunFingerprint.of(LvmTrainingOptions.defaults(),
      Dataset.ofRows(new float[][] {{0.5f, 1.5f}, {2f, -1f}}), null, false,
      new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN), false, 0);
  private static final Map<String, Object> REVERSE_KL = RunFingerprint.of(ReverseKlOptions.defaults(), "funnel");

  @Test
  void kindIsReadFromTheFingerprintOrElseTheProvenance() {
    assertEquals(RunFingerprint.Kind.DENSITY, RunFingerprint.kindOf(Map.of(RunFingerprint.KEY, DENSITY)));
    assertEquals(RunFingerprint.Kind.REVERSE_KL, RunFingerprint.kindOf(Map.of(RunFingerprint.KEY, REVERSE_KL)));
    // Files written before fingerprints: their provenance names data or a target.
    assertEquals(RunFingerprint.Kind.DENSITY, RunFingerprint.kindOf(Map.of("data", "toy:moons", "rows", 60)));
    assertEquals(RunFingerprint.Kind.REVERSE_KL, RunFingerprint.kindOf(Map.of("target", "funnel")));
    assertNull(RunFingerprint.kindOf(Map.of("seed", 0)));
  }

  @Test
  void aCheckpointOfTheOtherKindIsRefusedWithoutComparingSettings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, REVERSE_KL), DENSITY));
    assertEquals("the checkpoint is of a reverse-KL run on a target, not of a density-estimation run",
        e.getMessage());
    assertFalse(e instanceof ParameterException, "no setting is named");
    e = assertThrows(IllegalArgumentException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, DENSITY), REVERSE_KL));
    assertEquals("the checkpoint is of a density-estimation run, not of a reverse-KL run on a target",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> RunFingerprint.check(Map.of("data", "toy:moons", "rows", 60), REVERSE_KL));
    assertEquals("the checkpoint is of a density-estimation run, not of a reverse-KL run on a target",
        e.getMessage());
    RunFingerprint.check(Map.of(RunFingerprint.KEY, DENSITY), DENSITY);
  }

  @Test
  void aSettingOnlyTheNewRunHasIsCalledOffInTheCheckpoint() {
    Map<String, Object> withForward = new java.util.LinkedHashMap<>(REVERSE_KL);
    withForward.put("forward", "k 8");
    ParameterException e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, REVERSE_KL), withForward));
    assertTrue(e.getMessage().contains("forward k 8 (the checkpoint's run had it off)"), e.getMessage());
    assertFalse(e.getMessage().contains("null"), e.getMessage());
  }

  @Test
  void aValidationSplitOnInOneRunOnlyIsCalledOffInTheOther() {
    Map<String, Object> withSplit = RunFingerprint.of(LvmTrainingOptions.defaults(),
        Dataset.ofRows(new float[][] {{0.5f, 1.5f}, {2f, -1f}}), "0.05", false,
        new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN), false, 0);
    ParameterException e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, withSplit), DENSITY));
    assertTrue(e.getMessage().contains("validation off (the checkpoint's run had 0.05)"), e.getMessage());
    assertFalse(e.getMessage().contains("null"), e.getMessage());
    e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, DENSITY), withSplit));
    assertTrue(e.getMessage().contains("validation 0.05 (the checkpoint's run had it off)"), e.getMessage());
    assertFalse(e.getMessage().contains("null"), e.getMessage());
  }

  /** Settings are named as a user types them: layer widths as a list, a switch as on or off. */
  @Test
  void settingsAreShownAsTyped() {
    Map<String, Object> deeper = RunFingerprint.of(LvmTrainingOptions.defaults(),
        Dataset.ofRows(new float[][] {{0.5f, 1.5f}, {2f, -1f}}), null, true,
        new DeepLvm.Config(2, 2, new int[] {16, 8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN), true, 200);
    ParameterException e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, DENSITY), deeper));
    assertTrue(e.getMessage().contains("standardize on (the checkpoint's run had it off); hidden 16,8 (the "
        + "checkpoint's run had 8); perDatapoint on (the checkpoint's run had it off)"), e.getMessage());
    e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, deeper), DENSITY));
    assertTrue(e.getMessage().contains("standardize off (the checkpoint's run had it on); hidden 8 (the "
        + "checkpoint's run had 16,8); perDatapoint off (the checkpoint's run had it on)"), e.getMessage());
    assertFalse(e.getMessage().contains("[") || e.getMessage().contains("true"), e.getMessage());
  }

  /**
   * Settings the caller left at their defaults are marked so, with how to give the checkpoint's value; the others,
   * and a setting the checkpoint's run had off, are left as they were.
   */
  @Test
  void settingsLeftAtTheirDefaultsAreMarkedWithTheValueToPass() {
    Map<String, Object> deeper = RunFingerprint.of(LvmTrainingOptions.defaults(),
        Dataset.ofRows(new float[][] {{0.5f, 1.5f}, {2f, -1f}}), null, true,
        new DeepLvm.Config(2, 2, new int[] {16, 8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN), true, 200);
    ParameterException e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, deeper), DENSITY));
    assertEquals(e.getMessage().replace("standardize off (the checkpoint's run had it on); hidden 8 (the "
        + "checkpoint's run had 16,8)", "standardize off (the default; the checkpoint's run had it on, so pass "
        + "standardize); hidden 8 (the default; the checkpoint's run had 16,8, so pass hidden 16,8)"),
        RunFingerprint.markDefaults(e.getMessage(), List.of("standardize", "hidden", "seed")));
    e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, DENSITY), deeper));
    assertEquals(e.getMessage().replace("standardize on (the checkpoint's run had it off)", "standardize on (the "
        + "default; the checkpoint's run had it off)"), RunFingerprint.markDefaults(e.getMessage(),
        List.of("standardize")));
    assertEquals(e.getMessage(), RunFingerprint.markDefaults(e.getMessage(), List.of("seed", "checkpoint's")));
  }

  /**
   * A per-datapoint run's local fit steps are part of it: its model scores new rows with them. An amortized run
   * records none, so its fingerprint is what it was before they were recorded.
   */
  @Test
  void theLocalStepsOfAPerDatapointRunAreCompared() {
    Dataset data = Dataset.ofRows(new float[][] {{0.5f, 1.5f}, {2f, -1f}});
    DeepLvm.Config config = new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN);
    Map<String, Object> five = RunFingerprint.of(LvmTrainingOptions.defaults(), data, null, false, config, true, 5);
    Map<String, Object> seven = RunFingerprint.of(LvmTrainingOptions.defaults(), data, null, false, config, true, 7);
    ParameterException e = assertThrows(ParameterException.class,
        () -> RunFingerprint.check(Map.of(RunFingerprint.KEY, five), seven));
    assertEquals(List.of("localSteps"), e.parameters());
    assertTrue(e.getMessage().contains("localSteps 7 (the checkpoint's run had 5)"), e.getMessage());
    RunFingerprint.check(Map.of(RunFingerprint.KEY, five), five);
    assertFalse(DENSITY.containsKey("localSteps"), DENSITY.toString());
    assertEquals(DENSITY, RunFingerprint.of(LvmTrainingOptions.defaults(), data, null, false, config, false, 5));
  }
}
