package dev.marginal.gradients;

import dev.marginal.tensor.Tensor;

/**
 * An exponentially weighted running mean of a learning signal, used as a score-function baseline:
 * {@code b ← decay·b + (1 − decay)·mean(f)}; the first update sets b to mean(f). Stateful and explicit: read
 * {@link #value()} before drawing a step's samples, then {@link #update} with that step's signal, so the baseline
 * never depends on the samples it is subtracted from.
 */
public final class RunningMeanBaseline {
  /** The default decay per update. */
  public static final double DEFAULT_DECAY = 0.9;

  private final double decay;
  private double value;
  private boolean initialized;

  /** A baseline with {@link #DEFAULT_DECAY}. */
  public RunningMeanBaseline() {
    this(DEFAULT_DECAY);
  }

  /** @param decay the weight of the old value, in [0, 1) */
  public RunningMeanBaseline(double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("decay must lie in [0, 1), got " + decay);
    }
    this.decay = decay;
  }

  /** The current baseline (0 before the first update). */
  public double value() {
    return value;
  }

  /** The current baseline as a scalar tensor. */
  public Tensor asTensor() {
    return Tensor.scalar((float) value);
  }

  /** Whether an update has happened. */
  public boolean initialized() {
    return initialized;
  }

  /** Folds in a step's mean signal. */
  public void update(double meanSignal) {
    value = initialized ? decay * value + (1 - decay) * meanSignal : meanSignal;
    initialized = true;
  }

  /** Folds in the mean of a step's signals. */
  public void update(Tensor signals) {
    update(signals.sumDouble() / signals.size());
  }
}
