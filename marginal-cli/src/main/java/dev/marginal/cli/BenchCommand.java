package dev.marginal.cli;

import picocli.CommandLine.Command;

/** {@code marginal bench}: speed measurements printed as a table or JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure kernel and training-step speed on this machine.")
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("bench: no workloads yet");
  }
}
