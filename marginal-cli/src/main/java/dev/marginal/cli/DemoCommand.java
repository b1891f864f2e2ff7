package dev.marginal.cli;

import dev.marginal.io.IoErrors;
import dev.marginal.models.GmmOptions;
import dev.marginal.tensor.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marginal demo}: a tour of what marginal does, on embedded defaults, written as a static HTML page with
 * pictures and the raw numbers of every table and curve. The sections live in {@link DemoFunnel},
 * {@link DemoDensity}, {@link DemoTargets} and {@link DemoReport}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a showcase of marginal on built-in data and targets (about 2 minutes on 2 cores) and write "
        + "an HTML report with pictures and tables."},
    footer = {"", "Examples:", "  marginal demo", "  marginal demo --quick --out /tmp/demo"})
final class DemoCommand implements Callable<Integer> {
  /** Default output directory, relative to the working directory. */
  static final String DEFAULT_OUT = "marginal-demo";

  @Spec CommandSpec spec;

  @Option(names = "--quick", description = "A smaller run of 15 to 30 seconds, with every section and file.")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out = Path.of(DEFAULT_OUT);

  @Option(names = "--seed", paramLabel = "S", description = "Root random seed (default: ${DEFAULT-VALUE}).")
  long seed = GmmOptions.DEFAULT_SEED;

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: ${DEFAULT-VALUE}).")
  int threads = Limits.DEFAULT_THREADS;

  @Option(names = {"-q", "--quiet"}, description = "Print no report and no progress"
      + " (warnings and errors still go to standard error).")
  boolean quiet;

  @Override
  public Integer call() {
    DemoSettings s = new DemoSettings(quick, out, seed, threads, quiet);
    createDirectory(out);
    Parallel.setThreads(threads);
    try {
      long start = System.nanoTime();
      DemoFunnel.Outcome funnel = DemoFunnel.run(s);
      long funnelDone = System.nanoTime();
      DemoDensity.Outcome density = DemoDensity.run(s);
      long densityDone = System.nanoTime();
      DemoTargets.Outcome targets = DemoTargets.run(s);
      long end = System.nanoTime();
      DemoReport.Timing timing = new DemoReport.Timing((funnelDone - start) / 1e9,
          (densityDone - funnelDone) / 1e9, (end - densityDone) / 1e9, (end - start) / 1e9);
      Path index = DemoReport.write(s, funnel, density, targets, timing);
      if (!quiet) {
        DemoReport.print(spec.commandLine().getOut(), funnel, density, targets, timing, index);
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(out + ": cannot write the report (" + IoErrors.reason(e) + ")", e);
    }
  }

  private static void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserInputException("--out " + dir + ": cannot create the directory (" + IoErrors.reason(e) + ")", e);
    }
  }
}
