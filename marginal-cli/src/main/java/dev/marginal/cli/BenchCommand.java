package dev.marginal.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code marginal bench}: speed measurements printed as a table or JSON. Each workload is a subcommand taking the
 * shared {@link BenchOptions}; add a workload by writing a command and listing it here.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure kernel and training-step speed on this machine.",
    subcommands = {BenchGemmCommand.class, BenchMlpCommand.class, BenchEstimatorsCommand.class,
        BenchIwaeCommand.class, BenchReverseKlCommand.class, BenchThreadsCommand.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
