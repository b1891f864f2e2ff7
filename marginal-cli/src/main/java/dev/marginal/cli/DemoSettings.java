package dev.marginal.cli;

import dev.marginal.train.SurrogateMetrics;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code marginal demo} runs: the full showcase (80 to 200 seconds on two cores) or, with
 * {@code --quick}, a smaller one of a few seconds that exercises every step and writes every file.
 *
 * @param quick whether to run the small version
 * @param out directory for {@code index.html}, pictures and tables; created if missing
 * @param seed root seed of every model and run (the toy data sets have fixed seeds of their own)
 * @param threads worker threads for the tensor kernels
 * @param quiet print nothing on success and show no progress
 */
record DemoSettings(boolean quick, Path out, long seed, int threads, boolean quiet) {
  /** Reverse-KL steps of each funnel surrogate. */
  static final long FUNNEL_STEPS = 15_000;
  static final long FUNNEL_STEPS_QUICK = 1_500;
  /** Reverse-KL steps of each surrogate in the section beyond the funnel (U2 and the 40-mode mixture). */
  static final long TARGET_STEPS = 2_000;
  static final long TARGET_STEPS_QUICK = 300;
  /** Evaluations of each funnel run, evenly spaced, the last at the final step. */
  static final int FUNNEL_EVALUATIONS = 5;
  /** K of the IWAE estimate of log q(x) during training; the final evaluation uses the full settings. */
  static final int FUNNEL_CURVE_K = 1_000;
  /**
   * Optimizer steps of each deep LVM (minibatches of {@link DemoDensity#LVM_BATCH} of its 2,000 training points): a
   * budget counted in steps, not seconds, so the result does not depend on the machine. How it was chosen:
   * BENCHMARKS.md, "The demo's deep LVM against the GMM".
   */
  static final long LVM_STEPS = 4_000;
  static final long LVM_STEPS_QUICK = 400;
  /** Rows of each held-out set. */
  static final int HELD_OUT_ROWS = 1_000;
  static final int HELD_OUT_ROWS_QUICK = 400;
  /** K of the IWAE estimate that scores the deep LVMs on held-out data. */
  static final int SCORE_K = 1_000;
  /** Cells per side of the grid on which a deep LVM's density is estimated for its heat map, and K there. */
  static final int LVM_GRID = 60;
  static final int LVM_GRID_QUICK = 40;
  static final int LVM_GRID_K = 200;
  static final int LVM_GRID_K_QUICK = 50;
  /** K at which the IWAE bound is shown tightening. */
  static final List<Integer> BOUND_K = List.of(1, 5, 50, 500, 5000);
  static final List<Integer> BOUND_K_QUICK = List.of(1, 5, 50, 500);
  /** Points simulated from the moons LVM for bidirectional Monte Carlo, and AIS steps each way. */
  static final int BDMC_POINTS = 200;
  static final int BDMC_POINTS_QUICK = 50;
  static final int BDMC_STEPS = 200;
  static final int BDMC_STEPS_QUICK = 30;

  DemoSettings {
    if (threads < 1) {
      throw new UserInputException("--threads must be >= 1, got " + threads);
    }
  }

  int bdmcPoints() {
    return quick ? BDMC_POINTS_QUICK : BDMC_POINTS;
  }

  int bdmcSteps() {
    return quick ? BDMC_STEPS_QUICK : BDMC_STEPS;
  }

  long funnelSteps() {
    return quick ? FUNNEL_STEPS_QUICK : FUNNEL_STEPS;
  }

  /** How the funnel surrogates are evaluated (IWAE K = 5000 on 1,000 samples in the full demo). */
  SurrogateMetrics.Settings funnelMetrics() {
    return quick ? SurrogateMetrics.Settings.quick() : SurrogateMetrics.Settings.defaults();
  }

  /**
   * How the funnel surrogates are evaluated during training: in the full demo as {@link #funnelMetrics} but with
   * IWAE K = {@value #FUNNEL_CURVE_K}, which costs a fifth as much.
   */
  SurrogateMetrics.Settings funnelCurveMetrics() {
    SurrogateMetrics.Settings f = funnelMetrics();
    return quick ? f : new SurrogateMetrics.Settings(f.klSamples(), FUNNEL_CURVE_K, f.sumoMinTerms(), f.w1Samples());
  }

  long targetSteps() {
    return quick ? TARGET_STEPS_QUICK : TARGET_STEPS;
  }

  /**
   * How the surrogates beyond the funnel are evaluated: IWAE K = 500 on 500 samples, log Z on 5,000 draws, 200
   * exact samples for the forward check; the quick settings in {@code --quick}.
   */
  SurrogateMetrics.Settings targetMetrics() {
    return quick ? SurrogateMetrics.Settings.quick() : new SurrogateMetrics.Settings(500, 500,
        dev.marginal.train.ReverseKlOptions.DEFAULT_MIN_TERMS, 2_000, 5_000, 200);
  }

  long lvmSteps() {
    return quick ? LVM_STEPS_QUICK : LVM_STEPS;
  }

  int heldOutRows() {
    return quick ? HELD_OUT_ROWS_QUICK : HELD_OUT_ROWS;
  }

  int lvmGrid() {
    return quick ? LVM_GRID_QUICK : LVM_GRID;
  }

  int lvmGridK() {
    return quick ? LVM_GRID_K_QUICK : LVM_GRID_K;
  }

  List<Integer> boundK() {
    return quick ? BOUND_K_QUICK : BOUND_K;
  }

  /** "full" or "quick". */
  String mode() {
    return quick ? "quick" : "full";
  }
}
