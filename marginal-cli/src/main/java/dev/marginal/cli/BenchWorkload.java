package dev.marginal.cli;

import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A {@code bench} workload: applies the shared {@link BenchOptions}, lets the command time its rows into a
 * {@link BenchTable}, and prints the table (text or JSON) on the command's output.
 */
abstract class BenchWorkload implements Runnable {
  @Mixin BenchOptions options;
  @Spec CommandSpec spec;

  @Override
  public final void run() {
    options.apply();
    BenchTable table = new BenchTable();
    fill(table);
    table.print(spec.commandLine().getOut(), options.json);
  }

  /** Times the workload into {@code table}; the options are applied already. */
  abstract void fill(BenchTable table);

  /** The options that set how much the workload holds in memory, for the out-of-memory advice; none by default. */
  List<String> sizeOptions() {
    return List.of();
  }
}
