package dev.marginal.cli;

import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.io.IoErrors;
import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marginal sample}: draws from a model, written as CSV with the model's column names. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Draw N samples from a model and write them as CSV (optionally also as a PNG).",
    footer = {"", "Example:", "  marginal sample --model moons.marginal --n 500 --seed 1 --out samples.csv"})
final class SampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file.")
  Path model;

  @Option(names = "--n", required = true, paramLabel = "N", description = "Number of samples.")
  int n;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "CSV", description = "CSV file to write.")
  Path out;

  @Option(names = "--png", paramLabel = "FILE", description = "Also draw the samples (the first "
      + SampleStream.CHUNK_ROWS + ") into this PNG file.")
  Path png;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    Commands.positive("--n", n);
    new OutputGuard().input("--model", model).output("--out", out).output("--png", png).check();
    Commands.pngName("--png", png);
    SamplePlotter plotter = null;
    if (png != null) {
      plotter = SamplePlotter.find().orElseThrow(
          () -> new UserInputException("--png: plotting is not available in this build"));
    }
    DensityModel m = Commands.readModel(model);
    if (plotter != null) {
      plotter.cannotDraw(m).ifPresent(reason -> {
        throw new UserInputException(reason);
      });
    }
    Dataset samples = SampleStream.write(m, RngKey.of(seed), n, out,
        TerminalProgress.rowsOnTerminal("sample", n, output.quiet));
    if (plotter != null) {
      try {
        plotter.plot(samples, m, png);
      } catch (IOException e) {
        throw new IllegalStateException(png + ": cannot write (" + IoErrors.reason(e) + ")", e);
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("rows", n);
    report.put("columns", samples.columns());
    report.put("seed", seed);
    report.put("out", out.toString());
    if (png != null) {
      report.put("png", png.toString());
    }
    Commands.print(spec.commandLine().getOut(), output,
        "sampled " + n + " rows from " + model + " into " + out, output.json ? report : Map.of());
    return 0;
  }
}
