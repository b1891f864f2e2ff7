package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.io.Json;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.density.LvmDensityModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint's training counters are checked when it is restored: no wrapped, negative or impossible position. */
class HostileCheckpointTest {
  @TempDir Path dir;

  private static final Dataset DATA = ToyData.generate("moons", 40, RngKey.of(1));

  private static DeepLvm model() {
    return DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {4}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(2), null);
  }

  private static LvmTrainingOptions options() {
    return LvmTrainingOptions.defaults().withBatchSize(10).withEpochs(3).withSeed(3);
  }

  /** A value that {@link #checkpoint} removes its key for. */
  private static final Object ABSENT = new Object();

  /** A checkpoint after 3 steps, its training state changed by {@code key = value} ({@link #ABSENT}: removed). */
  @SuppressWarnings("unchecked")
  private ModelFile checkpoint(String key, Object value) throws IOException {
    Path ckpt = dir.resolve("c.ckpt");
    DeepLvm m = model();
    LvmDensityModel lm = new LvmDensityModel(m, List.of("x0", "x1"), null);
    AtomicInteger steps = new AtomicInteger();
    new LvmTrainer(m, options()).fit(DATA, null, Progress.silent(), () -> steps.incrementAndGet() >= 3,
        t -> LvmCheckpoint.write(ckpt, lm, t, Map.of()));
    ModelFile f = ModelFile.read(ckpt);
    Map<String, Object> p = new LinkedHashMap<>(f.provenance());
    Map<String, Object> training = new LinkedHashMap<>((Map<String, Object>) p.get("training"));
    if (value == ABSENT) {
      training.remove(key);
    } else {
      training.put(key, value);
    }
    p.put("training", training);
    return new ModelFile(f.kind(), f.config(), Json.parseObject(Json.write(p)), f.tensors(), f.float64Tensors());
  }

  private String refused(ModelFile f) {
    DeepLvm m = LvmDensityModel.fromFile(f).model();
    LvmTrainer t = new LvmTrainer(m, options());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
      LvmCheckpoint.restore(f, t);
      t.fit(DATA, null, Progress.silent(), () -> false, tr -> { });
    });
    return e.getMessage();
  }

  @Test
  void wrappedOrNegativeCountersAreRefused() throws IOException {
    assertTrue(refused(checkpoint("stepInEpoch", 4294967298L)).contains("'stepInEpoch' is out of range"));
    assertTrue(refused(checkpoint("step", -1L)).contains("'step' must be a whole number >= 0, got -1"));
    assertTrue(refused(checkpoint("epoch", 1.5)).contains("'epoch' must be a whole number"));
  }

  @Test
  void historyAndStatusOfTheWrongJsonTypeAreNamedNotCast() throws IOException {
    assertEquals("training state 'history' must be a list of objects, got [null]",
        refused(checkpoint("history", java.util.Collections.singletonList(null))));
    assertEquals("training state 'history' must be a list of objects, got 'x'", refused(checkpoint("history", "x")));
    assertEquals("training state 'history[0].step' must be a whole number >= 0, got null",
        refused(checkpoint("history", List.of(Map.of("epoch", 0L)))));
    assertEquals("training state 'status' must be one of [RUNNING, COMPLETED, EARLY_STOPPED, INTERRUPTED, DIVERGED], "
        + "got 'zzz'", refused(checkpoint("status", "zzz")));
  }

  @Test
  void positionBeyondTheEpochIsRefused() throws IOException {
    String m = refused(checkpoint("stepInEpoch", 9L));
    assertTrue(m.contains("at batch 9 of an epoch, but an epoch has 4 batches"), m);
  }
  @Test
  void describeAndStepNameATrainingStateOfTheWrongJsonType() throws IOException {
    assertEquals(3L, LvmCheckpoint.describe(checkpoint("stepInEpoch", 3L)).get("step"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LvmCheckpoint.describe(checkpoint("step", "40")));
    assertEquals("training state 'step' must be a whole number >= 0, got '40'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LvmCheckpoint.describe(checkpoint("epoch", 1.5)));
    assertEquals("training state 'epoch' must be a whole number >= 0, got 1.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LvmCheckpoint.step(checkpoint("step", 2.5)));
    assertEquals("training state 'step' must be a whole number >= 0, got 2.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LvmCheckpoint.ofFinishedRun(checkpoint("status", 1L)));
    assertEquals("training state 'status' must be a string, got 1", e.getMessage());
  }

  @Test
  void aTrainingStateThatIsNotAnObjectIsNamed() throws IOException {
    ModelFile f = checkpoint("step", 3L);
    Map<String, Object> p = new LinkedHashMap<>(f.provenance());
    p.put("training", List.of(1L));
    ModelFile bad = new ModelFile(f.kind(), f.config(), p, f.tensors(), f.float64Tensors());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LvmCheckpoint.describe(bad));
    assertEquals("provenance 'training' must be an object, got [1]", e.getMessage());
    assertEquals("provenance 'training' must be an object, got [1]", refused(bad));
  }

  @Test
  void theEpochsRunningObjectiveOfTheWrongJsonTypeIsNamed() throws IOException {
    assertEquals("training state 'epochObjectiveSum' must be a number, got 'x'",
        refused(checkpoint(LvmCheckpoint.EPOCH_SUM, "x")));
    assertEquals("training state 'epochObjectiveCount' must be an integer, got 4294967298",
        refused(checkpoint(LvmCheckpoint.EPOCH_COUNT, 4294967298L)));
    assertEquals("training state 'epochObjectiveCount' must be a whole number >= 0, got null",
        refused(checkpoint(LvmCheckpoint.EPOCH_COUNT, ABSENT)));
    assertEquals("training state 'epochObjectiveSum' must be a number, got null",
        refused(checkpoint(LvmCheckpoint.EPOCH_SUM, ABSENT)));
  }
}
