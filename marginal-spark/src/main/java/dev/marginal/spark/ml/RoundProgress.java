package dev.marginal.spark.ml;

import dev.marginal.train.Progress;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The progress of a data-parallel fit as lines for a log: after a round, at most one line every
 * {@link #EVERY_NANOS} ns (and one for the last round), each with the local steps done of the run's total, the
 * examples, the round's mean objective, the examples per second and the time left at that rate.
 */
final class RoundProgress implements Progress {
  /** The least time between two lines: 10 s. */
  static final long EVERY_NANOS = 10_000_000_000L;

  private final String what;
  private final long totalSteps;
  private final Consumer<String> log;
  private final LongSupplier clock;
  private final long start;
  private long lastLine;

  /**
   * @param what what is being fitted, the start of every line
   * @param totalSteps the run's local steps per shard
   * @param log where lines go
   * @param clock nanoseconds, {@link System#nanoTime} but for tests
   */
  RoundProgress(String what, long totalSteps, Consumer<String> log, LongSupplier clock) {
    this.what = what;
    this.totalSteps = totalSteps;
    this.log = log;
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastLine = start;
  }

  @Override
  public void update(long step, long examples, double objective) {
    long now = clock.getAsLong();
    if (now - lastLine < EVERY_NANOS && step < totalSteps) {
      return;
    }
    lastLine = now;
    log.accept(line(step, examples, objective, now - start));
  }

  /** The line for {@code step} of the total, {@code examples} so far and {@code elapsed} ns since the start. */
  String line(long step, long examples, double objective, long elapsed) {
    double seconds = elapsed / 1e9;
    double rate = seconds > 0 ? examples / seconds : Double.NaN;
    String left = step >= totalSteps || step == 0 || seconds <= 0 ? ""
        : ", about " + duration(seconds * (totalSteps - step) / step) + " left";
    return String.format(Locale.ROOT, "%s: step %d of %d (%.0f%%), %d examples, objective %.4f nats, %s examples/s%s",
        what, step, totalSteps, 100.0 * step / Math.max(1, totalSteps), examples, objective,
        Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.0f", rate), left);
  }

  /** Seconds as "45 s", "3 min 20 s" or "2 h 05 min". */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + " min " + String.format(Locale.ROOT, "%02d", s % 60) + " s";
    }
    return (s / 3600) + " h " + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + " min";
  }
}
