package dev.marginal.train;

/**
 * Receives a training run's progress on the training thread: after every step, at the end of every epoch of a
 * density fit ({@link EpochMetrics}), at every evaluation of a reverse-KL surrogate ({@link SurrogateReport}), and once
 * at the end. The library never prints; a front end draws a progress bar from these calls, a service logs them, a
 * test ignores them. Only {@link #update} must be implemented.
 */
public interface Progress {
  /**
   * Called after each optimisation step.
   *
   * @param step steps done so far in the run (resumed runs count the earlier steps)
   * @param examples examples processed since this call sequence started
   * @param objective the step's batch-mean objective (nats per example)
   */
  void update(long step, long examples, double objective);

  /**
   * Called when a density-estimation epoch closes, after its validation pass; epochs arrive in order.
   *
   * @param metrics the epoch's objectives, learning rate and throughput
   */
  default void epoch(EpochMetrics metrics) {}

  /**
   * Called at each evaluation of a reverse-KL surrogate trained by {@code dev.marginal.api.SurrogateTraining} (every
   * {@code evalEvery} steps and at the end of a run that completes), in order.
   *
   * @param report the training since the previous report and the evaluation
   */
  default void report(SurrogateReport report) {}

  /** Called once when the run stops, however it stops. */
  default void finish() {}

  /** A listener that ignores everything. */
  static Progress silent() {
    return (step, examples, objective) -> {};
  }
}
