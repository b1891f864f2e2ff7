package dev.marginal.cli;

import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LatentDecoder;
import dev.marginal.random.RngKey;
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
    footer = {"", "Examples:", "  marginal sample --model moons.marginal --n 500 --seed 1 --out samples.csv",
        "  marginal sample --model fm.marginal --n 64 --mean --out m.csv --png m.png"})
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

  @Option(names = "--mean", description = "For lvm and ppca models: write the mean of p(x | z) for each draw z of"
      + " the prior instead of a draw of x (a Bernoulli decoder's pixel probabilities, a Gaussian's means; the same"
      + " z as without --mean for the same seed).")
  boolean mean;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    Commands.positive("--n", n);
    new OutputGuard().input("--model", model).output("--out", out).output("--png", png).check();
    Commands.pngName("--png", png);
    Commands.csvName("--out", out);
    SamplePlotter plotter = Commands.plotter(png);
    DensityModel m = Commands.readModel(model);
    SampleStream.Draw draw = m::sample;
    if (mean) {
      if (!(m instanceof LatentDecoder)) {
        throw new UserInputException("--mean applies to lvm and ppca models, whose draws are decoded from a"
            + " continuous latent; " + model + " is a " + m.kind() + " model");
      }
      draw = ((LatentDecoder) m)::sampleMeans;
    }
    Commands.requireDrawable(plotter, m);
    Dataset samples = SampleStream.write(m, draw, RngKey.of(seed), n, out,
        TerminalProgress.rowsOnTerminal("sample", n, output.quiet));
    if (plotter != null) {
      SamplePlotter p = plotter;
      Commands.writePng(png, () -> p.plot(samples, m, png, mean ? "sample means" : "samples"));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("rows", n);
    report.put("columns", samples.columns());
    report.put("seed", seed);
    report.put("mean", mean);
    report.put("out", out.toString());
    if (png != null) {
      report.put("png", png.toString());
    }
    String what = mean ? "wrote the means of " + n + " draws from " : "sampled " + n + " rows from ";
    Commands.print(spec.commandLine().getOut(), output, what + model + " into " + out + Commands.picture(png),
        output.json ? report : Map.of());
    return 0;
  }
}
