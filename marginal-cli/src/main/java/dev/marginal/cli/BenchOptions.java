package dev.marginal.cli;

import dev.marginal.tensor.Parallel;
import picocli.CommandLine.Option;

/** Options every {@code bench} workload takes: thread count, repeat count and output format. */
final class BenchOptions {
  /** Timed repeats per measurement unless {@code --repeats} says otherwise. */
  static final int DEFAULT_REPEATS = 10;
  /** Most timed repeats: the timings are kept in arrays of this length (and {@code bench threads} times ten windows each). */
  static final int MAX_REPEATS = 10_000;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads the kernels may use, at most the number of cores (default: all processors).")
  Integer threads;

  @Option(names = "--repeats", paramLabel = "R", defaultValue = "" + DEFAULT_REPEATS,
      description = "Timed repeats per measurement, after warm-up (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--json", description = "Print one JSON object on one line instead of a table.")
  boolean json;

  /** Checks the options and applies the thread count, capped at the cores ({@link Limits#threads}). */
  void apply() {
    if (threads != null) {
      if (threads < 1) {
        throw new UserInputException("--threads must be at least 1, got " + threads);
      }
      Parallel.setThreads(Limits.threads(threads));
    }
    if (repeats < 1 || repeats > MAX_REPEATS) {
      throw new UserInputException("--repeats must be between 1 and " + MAX_REPEATS + ", got " + repeats);
    }
  }
}
