package dev.marginal.config;

/**
 * Receives how far a long computation has come: scoring rows, evaluating a model, encoding rows, EM iterations.
 * The library calls it on the thread that called the computation, between passes over the data (never from a
 * worker thread, never once per row), so a listener needs no locking and costs nothing worth measuring; the
 * computation's results are the same, bit for bit, with or without one. The library never prints: a front end draws
 * a progress line from these calls, a service logs them, a test records them.
 *
 * <pre>{@code
 * LogDensity lp = model.logDensity(data, ScoreOptions.iwae(5000), key,
 *     (done, total, estimate) -> System.err.printf("%d/%d%n", done, total));
 * }</pre>
 */
@FunctionalInterface
public interface WorkProgress {
  /**
   * Called after each pass.
   *
   * @param done units of work done so far: at least 1, never less than at the call before, {@code total} at the
   *     last call (a computation that ends early, such as EM that converges, reports {@code total} when it ends)
   * @param total units of work in all, the same at every call of one computation (what a unit is, each
   *     computation documents)
   * @param estimate the running value where one means something (the mean log p(x) of the rows scored so far, the
   *     EM log-likelihood), else NaN
   */
  void update(long done, long total, double estimate);

  /** A listener that ignores everything. */
  static WorkProgress silent() {
    return (done, total, estimate) -> {};
  }
}
