package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.io.ModelFile;
import dev.marginal.random.RngKey;
import dev.marginal.train.TrainingState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumed fit may be lengthened or shortened, but not below the steps its checkpoint has done: it would stop at
 * once and report the checkpoint's steps under a length it never had.
 */
class ResumeLengthTest {
  private static final Dataset MOONS = ToyData.generate("moons", 100, RngKey.of(3));
  /** 5 batches of 20 per epoch, 4 epochs: 20 steps; stopped after 12. */
  private static final DeepLvmOptions OPTIONS = DeepLvmOptions.defaults().withBatchSize(20).withEpochs(4);

  @TempDir Path dir;

  @Test
  void fewerEpochsThanTheStepsDoneAreRefusedNamingBoth() throws IOException {
    ModelFile ckpt = interruptedAfter(12);
    ParameterException e = assertThrows(ParameterException.class,
        () -> DeepLvmFit.fit(MOONS, OPTIONS.withEpochs(2), DeepLvmFit.Control.none().withResume(ckpt)));
    assertEquals(List.of("epochs"), e.parameters());
    assertEquals("epochs 2 is 10 steps (5 per epoch), fewer than the 12 steps already done", e.getMessage());
  }

  @Test
  void aStepBudgetBelowTheStepsDoneIsRefused() throws IOException {
    ModelFile ckpt = interruptedAfter(12);
    DeepLvmOptions steps = OPTIONS.withTraining(OPTIONS.training().withMaxSteps(11));
    ParameterException e = assertThrows(ParameterException.class,
        () -> DeepLvmFit.fit(MOONS, steps, DeepLvmFit.Control.none().withResume(ckpt)));
    assertEquals(List.of("maxSteps"), e.parameters());
    assertEquals("maxSteps 11 is fewer than the 12 steps already done", e.getMessage());
  }

  /** A length that covers the steps done, shorter than the checkpoint's own, is accepted and run to its end. */
  @Test
  void aShorterLengthThatCoversTheStepsDoneIsRunToItsEnd() throws IOException {
    DeepLvmFit.Result r = DeepLvmFit.fit(MOONS, OPTIONS.withEpochs(3),
        DeepLvmFit.Control.none().withResume(interruptedAfter(12)));
    assertEquals(TrainingState.Status.COMPLETED, r.state().status());
    assertEquals(15, r.state().step());
    assertEquals(3, r.state().history().size());
  }

  private ModelFile interruptedAfter(int steps) throws IOException {
    Path ckpt = dir.resolve("fit.ckpt");
    AtomicInteger calls = new AtomicInteger();
    DeepLvmFit.Result r = DeepLvmFit.fit(MOONS, OPTIONS, DeepLvmFit.Control.none().withCheckpoint(ckpt)
        .withStop(() -> calls.incrementAndGet() >= steps));
    assertEquals(TrainingState.Status.INTERRUPTED, r.state().status());
    assertEquals(steps, r.state().step());
    return ModelFile.read(ckpt);
  }
}
