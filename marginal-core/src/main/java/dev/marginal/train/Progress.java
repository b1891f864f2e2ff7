package dev.marginal.train;

/**
 * Receives a training run's progress on the training thread: after every step and once at the end. The library
 * never prints; a front end draws a progress bar from these calls, a service logs them, a test ignores them.
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

  /** Called once when the run stops, however it stops. */
  default void finish() {}

  /** A listener that ignores everything. */
  static Progress silent() {
    return (step, examples, objective) -> {};
  }
}
