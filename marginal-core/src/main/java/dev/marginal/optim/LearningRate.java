package dev.marginal.optim;

/**
 * A learning-rate schedule: the rate to use at (zero-based) step {@code t}.
 */
@FunctionalInterface
public interface LearningRate {
  double at(long step);

  /** A constant rate. */
  static LearningRate constant(double rate) {
    positive(rate);
    return t -> rate;
  }

  /** {@code rate · decay^(t / every)}, decaying continuously. */
  static LearningRate exponential(double rate, double decay, long every) {
    positive(rate);
    if (!(decay > 0 && decay <= 1) || every < 1) {
      throw new IllegalArgumentException("exponential decay needs 0 < decay <= 1 and every >= 1");
    }
    return t -> rate * StrictMath.pow(decay, (double) t / every);
  }

  /**
   * Linear warm-up over {@code warmup} steps, then cosine decay from {@code rate} to {@code rate·floor} at
   * {@code total} steps (constant afterwards).
   */
  static LearningRate cosine(double rate, long warmup, long total, double floor) {
    positive(rate);
    if (warmup < 0 || total < 1 || floor < 0 || floor > 1) {
      throw new IllegalArgumentException("cosine schedule needs warmup >= 0, total >= 1, 0 <= floor <= 1");
    }
    return t -> {
      if (t < warmup) {
        return rate * (t + 1) / warmup;
      }
      double progress = Math.min(1.0, (double) (t - warmup) / Math.max(1, total - warmup));
      return rate * (floor + (1 - floor) * 0.5 * (1 + StrictMath.cos(Math.PI * progress)));
    };
  }

  private static void positive(double rate) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("learning rate must be positive and finite, got " + rate);
    }
  }
}
