package dev.marginal.cli;

import dev.marginal.config.WorkProgress;
import dev.marginal.train.EpochMetrics;
import dev.marginal.train.Progress;
import dev.marginal.train.SurrogateReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * A one-line progress display for long work: step, objective, examples per second and ETA, redrawn in place on a
 * terminal at most a few times a second, followed by the latest epoch's objectives (a density fit) or the latest
 * evaluation's KL estimate (a reverse-KL run), all as the library's {@link Progress} listener reports them. Silent
 * when quiet, when standard error is not a terminal, or under CI (environment variable {@code CI} set); drawn only
 * once the work has run for {@link #SHOW_AFTER_NANOS} and its first unit (step, row) is done, so that fast work
 * shows nothing and no line reads {@code 0/N (0%)}; fitted to the terminal's width,
 * so that it never wraps (a wrapped line is not redrawn in place). The ETA is measured from the first line drawn on,
 * not from the start, whose first steps (the JIT compiling, a resumed run's earlier steps) say little about the rest.
 *
 * <p>A line too long for the terminal sheds its least useful parts first, whole, so that the position (step
 * {@code i/N} and percent) and the ETA stay as long as anything does: the rate goes first, then the latest epoch or
 * KL estimate, then the objective (or other value), then the label, each kept where it still fits beside the more
 * useful parts kept (the rate stays when dropping the epoch leaves room for it). Whether a part fits is judged at
 * the widest it has been, so that one at the edge does not come and go as its digits change. Only when the position
 * and ETA alone are too long is the line cut, from its end, to one column less than the terminal. On a terminal wide
 * enough for the whole line nothing is shed.
 *
 * <p>The library's other long work (scoring, evaluation, encoding, EM) reports to a {@link WorkProgress}, which
 * {@link #work()} draws on the same line: rows done with the mean log p(x) so far, or EM iterations with the
 * log-likelihood.
 *
 * <p>A line drawn is always ended: by {@link #finish()}, or, when the JVM shuts down first (Ctrl-C, {@code kill})
 * in the middle of the work, by a shutdown hook, so that the shell's prompt and any later message start on a line
 * of their own; nothing is drawn after that.
 */
final class TerminalProgress implements Progress {
  /** Minimum time between redraws. */
  static final long REDRAW_NANOS = 250_000_000L;
  /** Time before the first line: work that ends sooner shows none. */
  static final long SHOW_AFTER_NANOS = 1_000_000_000L;
  /** Terminal width when neither the launcher nor {@code COLUMNS} gives one. */
  static final int DEFAULT_COLUMNS = 80;

  private final PrintStream out;
  private final boolean enabled;
  private final String label;
  private final long total;
  /** What the counter counts: optimizer steps, rows, or EM iterations. */
  private final Unit unit;
  /** Terminal width: lines are cut to one column less, so that the cursor never wraps. */
  private final int columns;
  private final LongSupplier clock;
  private final long start;
  /** Step and time (since {@link #start}) of the first line drawn, from which the ETA is measured (0, 0 before). */
  private long etaFromStep;
  private long etaFromNanos;
  private long lastDraw;
  private boolean drawn;
  /** Whether the line drawn has been ended (by {@link #finish()} or at shutdown): nothing more is drawn. */
  private boolean ended;
  /** The shutdown hook that ends the line, registered when the first line is drawn. */
  private Thread endOnExit;
  /** The latest epoch or evaluation, as shown last on the line ("" before the first). */
  private String latest = "";
  /** Slots per shed order in {@link #widest}: the position and the ETA share order 0. */
  private static final int WIDEST_PER_ORDER = 2;
  /** The widest each part of the line has been, by shed order and place ({@link #widestWidths}). */
  private final int[] widest = new int[(Part.LABEL + 1) * WIDEST_PER_ORDER];
  private long lastStep;
  private long lastExamples;
  private double lastObjective;

  /**
   * What a display counts, as shown.
   *
   * @param name the counter's name ("step")
   * @param rate the rate's unit ("ex/s")
   * @param value the name of the value shown after the counter ("objective")
   */
  record Unit(String name, String rate, String value) {
    /** Optimizer steps, with examples per second and the step's objective. */
    static final Unit STEPS = new Unit("step", "ex/s", "objective");
    /** Rows written, without a value. */
    static final Unit ROWS = new Unit("rows", "rows/s", "objective");
    /** Rows scored (or encoded), with the mean log p(x) of the rows scored so far. */
    static final Unit SCORED_ROWS = new Unit("rows", "rows/s", "mean log p(x)");
    /** EM iterations, with the latest mean log-likelihood. */
    static final Unit ITERATIONS = new Unit("iteration", "it/s", "log-likelihood");
  }

  private TerminalProgress(PrintStream out, boolean enabled, String label, long total, Unit unit, int columns,
      LongSupplier clock) {
    this.out = out;
    this.enabled = enabled;
    this.label = label;
    this.total = total;
    this.unit = unit;
    this.columns = columns;
    this.clock = clock;
    this.start = clock.getAsLong();
  }

  /** Set by {@code bin/marginal} to whether standard error is a terminal ({@code [ -t 2 ]}). */
  static final String STDERR_TERMINAL = "marginal.stderr.terminal";
  /** Set by {@code bin/marginal} to the width of the terminal on standard error, where it knows it. */
  static final String STDERR_COLUMNS = "marginal.stderr.columns";

  /**
   * A display on standard error, enabled only where standard error is an interactive terminal and outside CI.
   *
   * @param total the number of steps expected (0 if unknown)
   */
  static TerminalProgress onTerminal(String label, long total, boolean quiet) {
    return new TerminalProgress(System.err, shown(quiet), label, total, Unit.STEPS, terminalColumns(),
        System::nanoTime);
  }

  /**
   * A display of {@code total} {@code unit}s (rows scored or encoded, EM iterations) for the library's
   * {@link WorkProgress} ({@link #work()}), on standard error where {@link #onTerminal} would show one. Call
   * {@link #finish()} when the work ends.
   */
  static TerminalProgress workOnTerminal(String label, Unit unit, long total, boolean quiet) {
    return new TerminalProgress(System.err, shown(quiet), label, total, unit, terminalColumns(), System::nanoTime);
  }

  /**
   * A display of rows written out of {@code total} (for work without an objective, such as sampling), on standard
   * error where {@link #onTerminal} would show one. Report with {@code update(rows, rows, NaN)}.
   */
  static TerminalProgress rowsOnTerminal(String label, long total, boolean quiet) {
    return new TerminalProgress(System.err, shown(quiet), label, total, Unit.ROWS, terminalColumns(),
        System::nanoTime);
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

  /** The terminal's width: what the launcher says, else {@code COLUMNS}, else {@link #DEFAULT_COLUMNS}. */
  private static int terminalColumns() {
    return columns(System.getProperty(STDERR_COLUMNS), System.getenv("COLUMNS"));
  }

  /** The first of {@code launcherSays} and {@code columnsVariable} that is a positive width, else the default. */
  static int columns(String launcherSays, String columnsVariable) {
    for (String s : new String[] {launcherSays, columnsVariable}) {
      try {
        if (s != null && Integer.parseInt(s.trim()) > 0) {
          return Integer.parseInt(s.trim());
        }
      } catch (NumberFormatException e) {
        // not a width: try the next source
      }
    }
    return DEFAULT_COLUMNS;
  }

  /** A display that always prints to {@code out} (for tests), on a wide terminal, timed by the system clock. */
  static TerminalProgress to(PrintStream out, String label, long total) {
    return new TerminalProgress(out, true, label, total, Unit.STEPS, Integer.MAX_VALUE, System::nanoTime);
  }

  /** A display that always prints to {@code out}, {@code columns} wide and timed by {@code clock} (for tests). */
  static TerminalProgress to(PrintStream out, String label, long total, int columns, LongSupplier clock) {
    return new TerminalProgress(out, true, label, total, Unit.STEPS, columns, clock);
  }

  /** A display of rows written that always prints to {@code out} (for tests). */
  static TerminalProgress rowsTo(PrintStream out, String label, long total) {
    return new TerminalProgress(out, true, label, total, Unit.ROWS, Integer.MAX_VALUE, System::nanoTime);
  }

  /** A display of rows written that always prints to {@code out}, timed by {@code clock} (for tests). */
  static TerminalProgress rowsTo(PrintStream out, String label, long total, LongSupplier clock) {
    return new TerminalProgress(out, true, label, total, Unit.ROWS, Integer.MAX_VALUE, clock);
  }

  /** A display of {@code unit}s that always prints to {@code out}, timed by {@code clock} (for tests). */
  static TerminalProgress workTo(PrintStream out, String label, Unit unit, long total, LongSupplier clock) {
    return new TerminalProgress(out, true, label, total, unit, Integer.MAX_VALUE, clock);
  }

  /**
   * This display as the library's {@link WorkProgress} listener: the units of work reported are shown as this
   * display's units in proportion (rows scored for work counted in model evaluations; EM iterations one for one),
   * all of them when the work is done, with the running estimate. Call {@link #finish()} when the work ends.
   */
  WorkProgress work() {
    return (done, workTotal, estimate) -> {
      long shown = done >= workTotal ? total : (long) Math.floor((double) done / workTotal * total);
      update(shown, shown, estimate);
    };
  }

  /**
   * Reports that {@code step} steps and {@code examples} examples are done, with the latest objective value.
   */
  @Override
  public synchronized void update(long step, long examples, double objective) {
    if (!enabled || ended) {
      return;
    }
    lastStep = step;
    lastExamples = examples;
    lastObjective = objective;
    long now = clock.getAsLong();
    // The first line waits for a unit done: "rows 0/N (0%)" at 0 rows/s says nothing.
    if (now - start < SHOW_AFTER_NANOS || !drawn && step == 0
        || drawn && now - lastDraw < REDRAW_NANOS && step < total) {
      return;
    }
    if (!drawn) {
      etaFromStep = step;
      etaFromNanos = now - start;
      endOnExit = new Thread(this::endLine, "marginal-end-progress-line");
      try {
        Runtime.getRuntime().addShutdownHook(endOnExit);
      } catch (IllegalStateException e) {
        // Already shutting down: draw nothing more.
        ended = true;
        return;
      }
    }
    lastDraw = now;
    drawn = true;
    out.print('\r' + fitted(step, examples, objective, now - start) + "\u001b[K");
    out.flush();
  }

  /** Shows the closed epoch's training and validation objectives from the next redraw on. */
  @Override
  public void epoch(EpochMetrics m) {
    latest = String.format(Locale.ROOT, "epoch %d: train %.4f", m.epoch() + 1, m.trainingObjective())
        + (m.hasValidation() ? String.format(Locale.ROOT, ", validation %.4f", m.validationObjective()) : "");
  }

  /** Shows the evaluation's KL estimate from the next redraw on. */
  @Override
  public void report(SurrogateReport r) {
    latest = "KL(IWAE) " + Commands.withError(r.evaluation().klIwae(), r.evaluation().klIwaeSe()) + " at step "
        + r.step();
  }

  /** Redraws the line with the last step and the latest epoch or evaluation, and ends it (if anything was drawn). */
  @Override
  public synchronized void finish() {
    if (enabled && drawn && !ended) {
      out.print('\r' + fitted(lastStep, lastExamples, lastObjective, clock.getAsLong() - start) + "\u001b[K");
      out.println();
      out.flush();
      ended = true;
      try {
        Runtime.getRuntime().removeShutdownHook(endOnExit);
      } catch (IllegalStateException e) {
        // The JVM is shutting down; the hook finds the line ended.
      }
    }
  }

  /** The shutdown hook of a line drawn: ends it where it stands, unless {@link #finish()} has. */
  private synchronized void endLine() {
    if (!ended) {
      out.println();
      out.flush();
      ended = true;
    }
  }

  /**
   * A part of the line and when it is shed from a line too long for the terminal: parts of {@code shedOrder} 1 go
   * first, then 2, and so on; parts of 0 (the position and the ETA) are never shed, only cut.
   */
  private record Part(String text, int shedOrder) {
    static final int KEPT = 0;
    static final int RATE = 1;
    static final int LATEST = 2;
    static final int VALUE = 3;
    static final int LABEL = 4;
  }

  /** The whole line, as drawn on a terminal wide enough for it. */
  String line(long step, long examples, double objective, long elapsedNanos) {
    return join(parts(step, examples, objective, elapsedNanos), new boolean[] {true, true, true, true, true});
  }

  /**
   * The line fitted to one column less than the terminal, so that it stays on its row: the position and ETA, and
   * each other part, the most useful first, that still fits beside those kept; cut from its end if the position and
   * ETA alone do not fit.
   */
  String fitted(long step, long examples, double objective, long elapsedNanos) {
    List<Part> parts = parts(step, examples, objective, elapsedNanos);
    int[] widths = widestWidths(parts);
    boolean[] shown = new boolean[Part.LABEL + 1];
    shown[Part.KEPT] = true;
    for (int order = Part.LABEL; order > Part.KEPT; order--) {
      shown[order] = true;
      shown[order] = joinedWidth(parts, widths, shown) < columns;
    }
    String line = join(parts, shown);
    return line.length() < columns ? line : line.substring(0, Math.max(columns - 1, 0));
  }

  /**
   * Each part's width for deciding what fits: the widest it has been on this display, so that a part right at the
   * terminal's edge, whose digits change from one redraw to the next (a rate of 9,999 then 10,001), is not shown and
   * dropped in turn. A part is known by its shed order and its place among the parts of that order.
   */
  private int[] widestWidths(List<Part> parts) {
    int[] widths = new int[parts.size()];
    int[] seen = new int[Part.LABEL + 1];
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      int key = part.shedOrder() * WIDEST_PER_ORDER + Math.min(seen[part.shedOrder()]++, WIDEST_PER_ORDER - 1);
      widest[key] = Math.max(widest[key], part.text().length());
      widths[i] = widest[key];
    }
    return widths;
  }

  /** The width of the parts {@code shown}, each at {@code widths}, two spaces apart. */
  private static int joinedWidth(List<Part> parts, int[] widths, boolean[] shown) {
    int width = 0;
    int count = 0;
    for (int i = 0; i < parts.size(); i++) {
      if (shown[parts.get(i).shedOrder()]) {
        width += widths[i];
        count++;
      }
    }
    return width + 2 * Math.max(count - 1, 0);
  }

  /** The parts {@code shown} (by their shed order), two spaces apart. */
  private static String join(List<Part> parts, boolean[] shown) {
    return parts.stream().filter(part -> shown[part.shedOrder()]).map(Part::text)
        .collect(Collectors.joining("  "));
  }

  /** The line's parts in the order shown: label, position, value, rate, ETA and the latest epoch or evaluation. */
  private List<Part> parts(long step, long examples, double objective, long elapsedNanos) {
    double secs = Math.max(elapsedNanos / 1e9, 1e-9);
    List<Part> parts = new ArrayList<>();
    parts.add(new Part(label, Part.LABEL));
    String position = String.format(Locale.ROOT, "%s %d", unit.name(), step);
    if (total > 0) {
      position += String.format(Locale.ROOT, "/%d (%d%%)", total, (long) (100.0 * step / total));
    }
    parts.add(new Part(position, Part.KEPT));
    if (!Double.isNaN(objective)) {
      parts.add(new Part(String.format(Locale.ROOT, "%s %.4f", unit.value(), objective), Part.VALUE));
    }
    parts.add(new Part(String.format(Locale.ROOT, "%,.0f %s", examples / secs, unit.rate()), Part.RATE));
    // Measured from the first line drawn (from the start before one is): the first line has no ETA.
    if (total > 0 && step > etaFromStep) {
      double since = Math.max((elapsedNanos - etaFromNanos) / 1e9, 0);
      long eta = Math.round(since * Math.max(total - step, 0) / (step - etaFromStep));
      parts.add(new Part(String.format(Locale.ROOT, "ETA %d:%02d", eta / 60, eta % 60), Part.KEPT));
    }
    if (!latest.isEmpty()) {
      parts.add(new Part(latest, Part.LATEST));
    }
    return parts;
  }
}
