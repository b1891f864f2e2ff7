package dev.marginal.train;

import dev.marginal.config.ParameterException;
import java.nio.file.Path;

/**
 * How long a density-estimation run lasts and what it does along the way.
 *
 * @param batchSize minibatch rows, >= 1
 * @param epochs passes over the training rows, >= 1 (a {@code maxSteps} budget ends the run instead)
 * @param maxSteps stop after this many steps instead (0 = no limit)
 * @param clipNorm global gradient-norm bound per optimizer (0 = no clipping)
 * @param seed root seed: every key of the run derives from it
 * @param patience epochs without validation improvement before stopping (0 = never stop early)
 * @param checkpointEvery write a checkpoint every N steps (0 = only at the end and on interruption)
 * @param checkpoint checkpoint file (null = none)
 */
public record LvmRunOptions(int batchSize, int epochs, long maxSteps, double clipNorm, long seed, int patience,
    long checkpointEvery, Path checkpoint) implements java.io.Serializable {
  /** Default batch size (as in the IWAE paper). */
  public static final int DEFAULT_BATCH = 20;
  /** Default epochs. */
  public static final int DEFAULT_EPOCHS = 10;

  public LvmRunOptions {
    ParameterException.atLeast("batchSize", batchSize, 1);
    ParameterException.atLeast("epochs", epochs, 1);
    ParameterException.atLeast("maxSteps", maxSteps, 0);
    if (!(clipNorm >= 0)) {
      throw ParameterException.of("clipNorm", "must be >= 0, got " + clipNorm);
    }
    ParameterException.float32("clipNorm", clipNorm);
    ParameterException.atLeast("patience", patience, 0);
    ParameterException.atLeast("checkpointEvery", checkpointEvery, 0);
  }

  /** Batch 20, 10 epochs, no clipping, seed 0, no early stopping, checkpoints only at the end. */
  public static LvmRunOptions defaults() {
    return new LvmRunOptions(DEFAULT_BATCH, DEFAULT_EPOCHS, 0, 0, 0, 0, 0, null);
  }

  public LvmRunOptions withBatchSize(int b) {
    return new LvmRunOptions(b, epochs, maxSteps, clipNorm, seed, patience, checkpointEvery, checkpoint);
  }

  public LvmRunOptions withEpochs(int e) {
    return new LvmRunOptions(batchSize, e, maxSteps, clipNorm, seed, patience, checkpointEvery, checkpoint);
  }

  public LvmRunOptions withMaxSteps(long s) {
    return new LvmRunOptions(batchSize, epochs, s, clipNorm, seed, patience, checkpointEvery, checkpoint);
  }

  public LvmRunOptions withClipNorm(double c) {
    return new LvmRunOptions(batchSize, epochs, maxSteps, c, seed, patience, checkpointEvery, checkpoint);
  }

  public LvmRunOptions withSeed(long s) {
    return new LvmRunOptions(batchSize, epochs, maxSteps, clipNorm, s, patience, checkpointEvery, checkpoint);
  }

  public LvmRunOptions withPatience(int p) {
    return new LvmRunOptions(batchSize, epochs, maxSteps, clipNorm, seed, p, checkpointEvery, checkpoint);
  }

  public LvmRunOptions withCheckpoint(Path path, long every) {
    return new LvmRunOptions(batchSize, epochs, maxSteps, clipNorm, seed, patience, every, path);
  }
}
