package dev.marginal.spark.ml;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress lines for a log, at most one every {@link #EVERY_NANOS} ns and one at the end: what
 * {@link RoundProgress} and {@link IterationProgress} share.
 */
abstract class LogLines {
  /** The least time between two lines: 10 s. */
  static final long EVERY_NANOS = 10_000_000_000L;

  private final Consumer<String> log;
  private final LongSupplier clock;
  private final long start;
  private long lastLine;

  /**
   * @param log where lines go
   * @param clock nanoseconds, {@link System#nanoTime} but for tests
   */
  LogLines(Consumer<String> log, LongSupplier clock) {
    this.log = log;
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastLine = start;
  }

  /**
   * Logs the line {@code line} makes of the seconds since the start, if {@code last} or the last line is
   * {@link #EVERY_NANOS} old.
   */
  void maybeLog(boolean last, java.util.function.DoubleFunction<String> line) {
    long now = clock.getAsLong();
    if (now - lastLine < EVERY_NANOS && !last) {
      return;
    }
    lastLine = now;
    log.accept(line.apply((now - start) / 1e9));
  }

  /** Seconds as "45 s", "3 min 20 s" or "2 h 05 min". */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + " min " + String.format(java.util.Locale.ROOT, "%02d", s % 60) + " s";
    }
    return (s / 3600) + " h " + String.format(java.util.Locale.ROOT, "%02d", (s % 3600) / 60) + " min";
  }
}
