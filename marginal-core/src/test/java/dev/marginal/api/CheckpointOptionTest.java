package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.io.ModelFile;
import dev.marginal.random.RngKey;
import dev.marginal.train.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint file set in the training options ({@code LvmTrainingOptions.withCheckpoint}) is written as one set on
 * the {@link DeepLvmFit.Control}; two different files are refused.
 */
class CheckpointOptionTest {
  private static final Dataset MOONS = ToyData.generate("moons", 100, RngKey.of(3));
  /** 5 batches of 20 per epoch, 2 epochs: 10 steps. */
  private static final DeepLvmOptions OPTIONS = DeepLvmOptions.defaults().withBatchSize(20).withEpochs(2);

  @TempDir Path dir;

  @Test
  void theTrainingOptionsCheckpointIsWrittenAndResumesTheRun() throws IOException {
    Path ckpt = dir.resolve("fit.ckpt");
    DeepLvmOptions withFile = OPTIONS.withTraining(OPTIONS.training().withCheckpoint(ckpt, 0));
    AtomicInteger calls = new AtomicInteger();
    DeepLvmFit.Result stopped = DeepLvmFit.fit(MOONS, withFile,
        DeepLvmFit.Control.none().withStop(() -> calls.incrementAndGet() >= 6));
    assertEquals(TrainingState.Status.INTERRUPTED, stopped.state().status());
    assertTrue(Files.exists(ckpt), "no checkpoint at " + ckpt);

    DeepLvmFit.Result resumed = DeepLvmFit.fit(MOONS, OPTIONS,
        DeepLvmFit.Control.none().withResume(ModelFile.read(ckpt)));
    DeepLvmFit.Result whole = DeepLvmFit.fit(MOONS, OPTIONS);
    assertEquals(10, resumed.state().step());
    assertEquals(whole.state().history(), resumed.state().history());
  }

  @Test
  void theSameFileInBothPlacesIsOne() {
    Path ckpt = dir.resolve("fit.ckpt");
    DeepLvmFit.fit(MOONS, OPTIONS.withTraining(OPTIONS.training().withCheckpoint(ckpt, 0)),
        DeepLvmFit.Control.none().withCheckpoint(ckpt));
    assertTrue(Files.exists(ckpt));
  }

  @Test
  void twoDifferentFilesAreRefusedBeforeAnyIsWritten() {
    Path a = dir.resolve("a.ckpt");
    Path b = dir.resolve("b.ckpt");
    ParameterException e = assertThrows(ParameterException.class, () -> DeepLvmFit.fit(MOONS,
        OPTIONS.withTraining(OPTIONS.training().withCheckpoint(a, 0)), DeepLvmFit.Control.none().withCheckpoint(b)));
    assertEquals(List.of("checkpoint"), e.parameters());
    assertTrue(e.getMessage().contains(a.toString()) && e.getMessage().contains(b.toString()), e.getMessage());
    assertFalse(Files.exists(a) || Files.exists(b));
  }
}
