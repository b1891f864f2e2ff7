package dev.marginal.spark.ml;

import dev.marginal.config.WorkProgress;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The progress of an iterative fit on the cluster (EM's iterations over all restarts) as lines for a log
 * ({@link LogLines}), each with the iterations done of the most there can be, the running estimate and the time left
 * at the rate so far (an upper bound: EM stops early when it converges).
 */
final class IterationProgress extends LogLines implements WorkProgress {
  private final String what;
  private final String estimate;

  /**
   * @param what what is being fitted, the start of every line
   * @param estimate what the running value is ("mean log-likelihood")
   * @param log where lines go
   * @param clock nanoseconds, {@link System#nanoTime} but for tests
   */
  IterationProgress(String what, String estimate, Consumer<String> log, LongSupplier clock) {
    super(log, clock);
    this.what = what;
    this.estimate = estimate;
  }

  @Override
  public void update(long done, long total, double value) {
    maybeLog(done >= total, seconds -> {
      String left = done >= total || done == 0 || seconds <= 0 ? ""
          : ", at most " + duration(seconds * (total - done) / done) + " left";
      return String.format(Locale.ROOT, "%s: iteration %d of at most %d, %s %.4f%s", what, done, total, estimate,
          value, left);
    });
  }
}
