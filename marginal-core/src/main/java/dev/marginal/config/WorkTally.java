package dev.marginal.config;

import java.util.Objects;

/**
 * Units of a computation's work done so far, each addition reported to a {@link WorkProgress} with the running
 * count and the computation's total: what the library's long computations use between their passes, and what a
 * computation of your own can use to report as they do. Not thread-safe: call it from the computation's thread.
 */
public final class WorkTally {
  private static final WorkTally SILENT = new WorkTally(WorkProgress.silent(), 0);

  private final WorkProgress progress;
  private final long total;
  private long done;

  /**
   * A tally of {@code total} units reported to {@code progress}.
   *
   * @param progress the listener
   * @param total units of work in all, >= 0
   */
  public WorkTally(WorkProgress progress, long total) {
    this.progress = Objects.requireNonNull(progress, "progress");
    if (total < 0) {
      throw new IllegalArgumentException("total must be >= 0, got " + total);
    }
    this.total = total;
  }

  /** A tally that counts nothing and reports nowhere. */
  public static WorkTally silent() {
    return SILENT;
  }

  /**
   * Counts {@code units} more as done and reports the count with {@code estimate}.
   *
   * @param units units just done, >= 0
   * @param estimate the running value where one means something, else NaN
   */
  public void add(long units, double estimate) {
    if (this != SILENT) {
      done += units;
      progress.update(done, total, estimate);
    }
  }

  /** Units counted as done so far (0 for {@link #silent()}). */
  public long done() {
    return done;
  }

  /** Counts {@code units} more as done and reports the count with no estimate. */
  public void add(long units) {
    add(units, Double.NaN);
  }
}
