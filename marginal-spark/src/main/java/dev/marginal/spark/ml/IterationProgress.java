package dev.marginal.spark.ml;

import dev.marginal.config.WorkProgress;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The progress of an iterative fit on the cluster (EM's iterations over all restarts) as lines for a log: at most one
 * every {@link RoundProgress#EVERY_NANOS} ns and one at the end, each with the iterations done of the most there can
 * be, the running estimate and the time left at the rate so far (an upper bound: EM stops early when it converges).
 */
final class IterationProgress implements WorkProgress {
  private final String what;
  private final String estimate;
  private final Consumer<String> log;
  private final LongSupplier clock;
  private final long start;
  private long lastLine;

  /**
   * @param what what is being fitted, the start of every line
   * @param estimate what the running value is ("mean log-likelihood")
   * @param log where lines go
   * @param clock nanoseconds, {@link System#nanoTime} but for tests
   */
  IterationProgress(String what, String estimate, Consumer<String> log, LongSupplier clock) {
    this.what = what;
    this.estimate = estimate;
    this.log = log;
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastLine = start;
  }

  @Override
  public void update(long done, long total, double value) {
    long now = clock.getAsLong();
    if (now - lastLine < RoundProgress.EVERY_NANOS && done < total) {
      return;
    }
    lastLine = now;
    double seconds = (now - start) / 1e9;
    String left = done >= total || done == 0 || seconds <= 0 ? ""
        : ", at most " + RoundProgress.duration(seconds * (total - done) / done) + " left";
    log.accept(String.format(Locale.ROOT, "%s: iteration %d of at most %d, %s %.4f%s", what, done, total, estimate,
        value, left));
  }
}
