package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.io.ModelFile;
import dev.marginal.random.RngKey;
import dev.marginal.train.RunFingerprint;
import dev.marginal.train.TrainingState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Held-out validation rows belong to the run as its training data do, by content: early stopping and the best epoch
 * are decided on them, so a resume with other rows under the same name is another run, and the same rows read from
 * another path are the same run.
 */
class ResumeValidationRowsTest {
  private static final Dataset MOONS = ToyData.generate("moons", 100, RngKey.of(3));
  private static final Dataset HELD_OUT = ToyData.generate("moons", 40, RngKey.of(4)).withSource("val.csv");
  private static final DeepLvmOptions OPTIONS = DeepLvmOptions.defaults().withBatchSize(20).withEpochs(4)
      .withPatience(2);

  @TempDir Path dir;

  @Test
  void otherRowsUnderTheSameNameAreAnotherRun() throws IOException {
    ModelFile ckpt = interruptedAfter(7);
    Dataset edited = ToyData.generate("moons", 40, RngKey.of(5)).withSource("val.csv");
    ParameterException e = assertThrows(ParameterException.class, () -> DeepLvmFit.fit(MOONS, OPTIONS,
        DeepLvmFit.Control.none().withResume(ckpt).withValidation(edited)));
    assertEquals(List.of("validation"), e.parameters());
    assertTrue(e.getMessage().startsWith("the checkpoint is of a different run: validation 40 rows of 2 columns "
        + "with sha256 "), e.getMessage());
  }

  @Test
  void theSameRowsFromAnotherPathResumeTheRunBitForBit() throws IOException {
    ModelFile ckpt = interruptedAfter(7);
    DeepLvmFit.Result resumed = DeepLvmFit.fit(MOONS, OPTIONS,
        DeepLvmFit.Control.none().withResume(ckpt).withValidation(HELD_OUT.withSource("./data/../val.csv")));
    DeepLvmFit.Result whole = DeepLvmFit.fit(MOONS, OPTIONS, DeepLvmFit.Control.none().withValidation(HELD_OUT));
    assertEquals(whole.state().history(), resumed.state().history());
    assertEquals(whole.model().model().tensors().keySet(), resumed.model().model().tensors().keySet());
    whole.model().model().tensors().forEach((name, t) -> assertArrayEquals(t.toArray(),
        resumed.model().model().tensors().get(name).toArray(), name));
  }

  /** A checkpoint whose fingerprint names the rows by their source, as all did before, still resumes by it. */
  @Test
  void aCheckpointNamingTheRowsBySourceResumesWithThatSource() throws IOException {
    ModelFile ckpt = interruptedAfter(7);
    Map<String, Object> provenance = new LinkedHashMap<>(ckpt.provenance());
    Map<String, Object> fingerprint = new LinkedHashMap<>();
    ((Map<?, ?>) provenance.get(RunFingerprint.KEY)).forEach((k, v) -> fingerprint.put((String) k, v));
    fingerprint.put("validation", "val.csv");
    provenance.put(RunFingerprint.KEY, fingerprint);
    ModelFile legacy = new ModelFile(ckpt.kind(), ckpt.config(), provenance, ckpt.tensors());
    DeepLvmFit.Result r = DeepLvmFit.fit(MOONS, OPTIONS,
        DeepLvmFit.Control.none().withResume(legacy).withValidation(HELD_OUT));
    assertTrue(r.usable());
  }

  private ModelFile interruptedAfter(int steps) throws IOException {
    Path ckpt = dir.resolve("fit.ckpt");
    AtomicInteger calls = new AtomicInteger();
    DeepLvmFit.Result r = DeepLvmFit.fit(MOONS, OPTIONS, DeepLvmFit.Control.none().withCheckpoint(ckpt)
        .withValidation(HELD_OUT).withStop(() -> calls.incrementAndGet() >= steps));
    assertEquals(TrainingState.Status.INTERRUPTED, r.state().status());
    return ModelFile.read(ckpt);
  }
}
