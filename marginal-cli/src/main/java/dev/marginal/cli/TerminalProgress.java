package dev.marginal.cli;

import dev.marginal.train.EpochMetrics;
import dev.marginal.train.Progress;
import dev.marginal.train.SurrogateReport;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display for long work: step, objective, examples per second and ETA, redrawn in place on a
 * terminal at most a few times a second, followed by the latest epoch's objectives (a density fit) or the latest
 * evaluation's KL estimate (a reverse-KL run), all as the library's {@link Progress} listener reports them. Silent
 * when quiet, when standard error is not a terminal, or under CI (environment variable {@code CI} set).
 */
final class TerminalProgress implements Progress {
  /** Minimum time between redraws. */
  static final long REDRAW_NANOS = 250_000_000L;

  private final PrintStream out;
  private final boolean enabled;
  private final String label;
  private final long total;
  /** Whether the counter is of rows written (a sampler) rather than optimizer steps. */
  private final boolean rows;
  private final long start = System.nanoTime();
  private long lastDraw;
  private boolean drawn;
  /** The latest epoch or evaluation, as shown after the step counters ("" before the first). */
  private String latest = "";
  private long lastStep;
  private long lastExamples;
  private double lastObjective;

  private TerminalProgress(PrintStream out, boolean enabled, String label, long total, boolean rows) {
    this.out = out;
    this.enabled = enabled;
    this.label = label;
    this.total = total;
    this.rows = rows;
  }

  /** Set by {@code bin/marginal} to whether standard error is a terminal ({@code [ -t 2 ]}). */
  static final String STDERR_TERMINAL = "marginal.stderr.terminal";

  /**
   * A display on standard error, enabled only where standard error is an interactive terminal and outside CI.
   *
   * @param total the number of steps expected (0 if unknown)
   */
  static TerminalProgress onTerminal(String label, long total, boolean quiet) {
    return new TerminalProgress(System.err, shown(quiet), label, total, false);
  }

  /**
   * A display of rows written out of {@code total} (for work without an objective, such as sampling), on standard
   * error where {@link #onTerminal} would show one. Report with {@code update(rows, rows, NaN)}.
   */
  static TerminalProgress rowsOnTerminal(String label, long total, boolean quiet) {
    return new TerminalProgress(System.err, shown(quiet), label, total, true);
  }

  /** Whether a display is drawn: not when quiet, and only on an interactive standard error outside CI. */
  private static boolean shown(boolean quiet) {
    return !quiet && stderrIsTerminal(System.getProperty(STDERR_TERMINAL), System.console() != null)
        && System.getenv("CI") == null;
  }

  /**
   * Whether standard error is a terminal: what the launcher says ({@code "true"} or {@code "false"}), or, when it
   * says nothing (the jar run directly), whether the JVM has a console (standard input and output are terminals).
   */
  static boolean stderrIsTerminal(String launcherSays, boolean hasConsole) {
    return launcherSays == null ? hasConsole : Boolean.parseBoolean(launcherSays);
  }

  /** A display that always prints to {@code out} (for tests). */
  static TerminalProgress to(PrintStream out, String label, long total) {
    return new TerminalProgress(out, true, label, total, false);
  }

  /** A display of rows written that always prints to {@code out} (for tests). */
  static TerminalProgress rowsTo(PrintStream out, String label, long total) {
    return new TerminalProgress(out, true, label, total, true);
  }

  /**
   * Reports that {@code step} steps and {@code examples} examples are done, with the latest objective value.
   */
  @Override
  public void update(long step, long examples, double objective) {
    if (!enabled) {
      return;
    }
    lastStep = step;
    lastExamples = examples;
    lastObjective = objective;
    long now = System.nanoTime();
    if (drawn && now - lastDraw < REDRAW_NANOS && step < total) {
      return;
    }
    lastDraw = now;
    drawn = true;
    out.print('\r' + line(step, examples, objective, now - start) + "\u001b[K");
    out.flush();
  }

  /** Shows the closed epoch's training and validation objectives from the next redraw on. */
  @Override
  public void epoch(EpochMetrics m) {
    latest = String.format(Locale.ROOT, "  epoch %d: train %.4f", m.epoch() + 1, m.trainingObjective())
        + (m.hasValidation() ? String.format(Locale.ROOT, ", validation %.4f", m.validationObjective()) : "");
  }

  /** Shows the evaluation's KL estimate from the next redraw on. */
  @Override
  public void report(SurrogateReport r) {
    latest = String.format(Locale.ROOT, "  KL(IWAE) %.4f ± %.4f at step %d", r.evaluation().klIwae(),
        r.evaluation().klIwaeSe(), r.step());
  }

  /** Redraws the line with the last step and the latest epoch or evaluation, and ends it (if anything was drawn). */
  @Override
  public void finish() {
    if (enabled && drawn) {
      out.print('\r' + line(lastStep, lastExamples, lastObjective, System.nanoTime() - start) + "\u001b[K");
      out.println();
      out.flush();
    }
  }

  String line(long step, long examples, double objective, long elapsedNanos) {
    double secs = Math.max(elapsedNanos / 1e9, 1e-9);
    StringBuilder sb = new StringBuilder(label);
    sb.append(String.format(Locale.ROOT, rows ? "  rows %d" : "  step %d", step));
    if (total > 0) {
      sb.append(String.format(Locale.ROOT, "/%d (%d%%)", total, (long) (100.0 * step / total)));
    }
    if (!Double.isNaN(objective)) {
      sb.append(String.format(Locale.ROOT, "  objective %.4f", objective));
    }
    sb.append(String.format(Locale.ROOT, rows ? "  %,.0f rows/s" : "  %,.0f ex/s", examples / secs));
    if (total > 0 && step > 0) {
      long eta = Math.round(secs * (total - step) / step);
      sb.append(String.format(Locale.ROOT, "  ETA %d:%02d", eta / 60, eta % 60));
    }
    return sb.append(latest).toString();
  }
}
