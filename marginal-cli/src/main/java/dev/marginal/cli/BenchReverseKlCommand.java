package dev.marginal.cli;

import dev.marginal.targets.Targets;
import dev.marginal.tensor.Parallel;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.ReverseKlTrainer;
import picocli.CommandLine.Command;

/**
 * {@code marginal bench reverse-kl}: milliseconds per reverse-KL iteration on the funnel with the default options
 * (2-128-8 surrogate, SUMO m = 4, batch 32, both optimizers and the parameter average), the workload the reference
 * comparison ({@code bench/compare/run}) repeats in PyTorch.
 */
@Command(name = "reverse-kl", mixinStandardHelpOptions = true,
    description = "Time one reverse-KL iteration on the funnel (2-128-8 surrogate, SUMO m = 4, batch 32).")
final class BenchReverseKlCommand extends BenchWorkload {
  @Override
  void fill(BenchTable table) {
    row(table, options.repeats);
  }

  /** Adds the row {@code reverse-kl}: best and median milliseconds per iteration of a fresh funnel run. */
  static void row(BenchTable table, int repeats) {
    var target = Targets.of("funnel");
    ReverseKlOptions o = ReverseKlOptions.defaults();
    ReverseKlTrainer trainer = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(target, o), target, o);
    double[] nanos = BenchTiming.nanosPerCall(trainer::step, repeats);
    var row = table.row("reverse-kl");
    row.put("workload", "funnel, 2-128-8 surrogate, SUMO m=4, batch 32, decoder+encoder steps");
    row.put("threads", Parallel.threads());
    row.put("best_ms_per_iter", nanos[0] / 1e6);
    row.put("median_ms_per_iter", BenchTiming.median(nanos) / 1e6);
  }
}
