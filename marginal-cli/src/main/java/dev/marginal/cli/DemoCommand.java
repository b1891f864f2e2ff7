package dev.marginal.cli;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Kernels;
import picocli.CommandLine.Command;

/** {@code marginal demo}: a tour of what marginal does, on embedded defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a short showcase of marginal on built-in data and targets.")
final class DemoCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("marginal demo");
    System.out.println("  kernels: " + Kernels.get().name());
    System.out.println("  rng key from seed 0: " + RngKey.of(0));
  }
}
