package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.io.ModelFile;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Targets;
import dev.marginal.train.CheckpointWriteException;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.SurrogateMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint whose directory does not exist fails the run with the documented {@link CheckpointWriteException},
 * as the command line refuses it, and the directory is not created.
 */
class MissingCheckpointDirectoryTest {
  @TempDir Path dir;

  private void assertRefusedAndRescuable(CheckpointWriteException e, Path ckpt) throws IOException {
    assertEquals(ckpt, e.path());
    assertEquals(ckpt + ": cannot write checkpoint: directory " + ckpt.getParent() + " does not exist",
        e.getMessage());
    assertFalse(Files.exists(ckpt.getParent()), "the missing directory was created");
    Path rescued = dir.resolve("rescued.ckpt");
    e.writeTo(rescued);
    assertTrue(ModelFile.read(rescued).provenance().containsKey("training"));
  }

  @Test
  void deepLvmFitDoesNotCreateTheCheckpointsDirectory() throws IOException {
    Dataset moons = ToyData.generate("moons", 40, RngKey.of(3));
    DeepLvmOptions o = DeepLvmOptions.defaults().withEpochs(1)
        .withArchitecture(new DeepLvmOptions.Architecture(2, new int[] {4}, Activation.TANH, null));
    Path ckpt = dir.resolve("missing/dir/x.ckpt");
    CheckpointWriteException e = assertThrows(CheckpointWriteException.class,
        () -> DeepLvmFit.fit(moons, o, DeepLvmFit.Control.none().withCheckpoint(ckpt)));
    assertRefusedAndRescuable(e, ckpt);
  }

  @Test
  void surrogateTrainingDoesNotCreateTheCheckpointsDirectory() throws IOException {
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(10)
        .withArchitecture(2, new int[] {4}, Activation.TANH);
    Path ckpt = dir.resolve("missing/dir/x.ckpt");
    CheckpointWriteException e = assertThrows(CheckpointWriteException.class,
        () -> SurrogateTraining.train(Targets.of("funnel"), o, SurrogateTraining.Control.none()
            .withEvaluation(0, new SurrogateMetrics.Settings(20, 10, 4, 100)).withCheckpoint(ckpt, 5)));
    assertRefusedAndRescuable(e, ckpt);
  }
}
