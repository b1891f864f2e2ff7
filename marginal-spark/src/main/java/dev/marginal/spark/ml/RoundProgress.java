package dev.marginal.spark.ml;

import dev.marginal.train.Progress;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The progress of a data-parallel fit as lines for a log ({@link LogLines}): after a round, each with the local steps
 * done of the run's total, the examples, the round's mean objective, the examples per second and the time left at
 * that rate.
 */
final class RoundProgress extends LogLines implements Progress {
  private final String what;
  private final long totalSteps;

  /**
   * @param what what is being fitted, the start of every line
   * @param totalSteps the run's local steps per shard
   * @param log where lines go
   * @param clock nanoseconds, {@link System#nanoTime} but for tests
   */
  RoundProgress(String what, long totalSteps, Consumer<String> log, LongSupplier clock) {
    super(log, clock);
    this.what = what;
    this.totalSteps = totalSteps;
  }

  @Override
  public void update(long step, long examples, double objective) {
    maybeLog(step >= totalSteps, seconds -> line(step, examples, objective, seconds));
  }

  private String line(long step, long examples, double objective, double seconds) {
    double rate = seconds > 0 ? examples / seconds : Double.NaN;
    String left = step >= totalSteps || step == 0 || seconds <= 0 ? ""
        : ", about " + duration(seconds * (totalSteps - step) / step) + " left";
    return String.format(Locale.ROOT, "%s: step %d of %d (%.0f%%), %d examples, objective %.4f nats, %s examples/s%s",
        what, step, totalSteps, 100.0 * step / Math.max(1, totalSteps), examples, objective,
        Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.0f", rate), left);
  }
}
