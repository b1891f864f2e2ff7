package dev.marginal.cli;

import dev.marginal.data.CsvWriter;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marginal encode}: posterior summaries of every row, written as CSV. */
@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Write posterior summaries of every row as CSV: component responsibilities p0.. for a mixture, "
        + "posterior means z0.. then variances var_z0.. for continuous latents.",
        "A per-datapoint LVM has no encoder: each row's q is fitted on the spot with the decoder fixed (the model's "
            + "local_steps), from a fixed seed, so the same rows in the same order give the same file; a row's code "
            + "depends on its position in the data by the noise of that fit."},
    footer = {"", "Example:", "  marginal encode --model moons.marginal --data toy:moons --out codes.csv"})
final class EncodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file.")
  Path model;

  @Mixin DataArgs data;

  @Option(names = "--out", required = true, paramLabel = "CSV", description = "CSV file to write.")
  Path out;

  @Option(names = "--png", paramLabel = "FILE", description = "Also draw the posterior means z0, z1 of the rows (lvm"
      + " and ppca models of two or more latents), one colour per label where the data carry up to ten labels"
      + " (Fashion-MNIST, IDX with a labels file, the toy sets with groups), into this PNG file.")
  Path png;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    Commands.checkColumnNames(spec.commandLine().getParseResult());
    new OutputGuard().input("--model", model).data("--data", data.data).output("--out", out).output("--png", png)
        .check();
    Commands.pngName("--png", png);
    Commands.csvName("--out", out);
    DensityModel m = Commands.readModel(model);
    if (png != null) {
      CodesPicture.cannotDraw(m).ifPresent(reason -> {
        throw new UserInputException(reason);
      });
    }
    Dataset x = Commands.loadDataFor(m, model, data.data, data.columns, data.limit);
    Dataset codes = encode(m, x, TerminalProgress.workOnTerminal("encode", TerminalProgress.Unit.ROWS, x.rows(),
        output.quiet));
    CsvWriter.write(out, codes);
    if (png != null) {
      Commands.writePng(png, () -> CodesPicture.write(codes, x, m.kind(), png));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("rows", codes.rows());
    report.put("columns", codes.columns());
    report.put("out", out.toString());
    if (png != null) {
      report.put("png", png.toString());
    }
    // The columns last, so that their count ("... 100 in all") is not read as the rows'.
    Commands.print(spec.commandLine().getOut(), output, "encoded " + codes.rows() + " rows into " + out
        + ": columns " + Commands.abbreviate(codes.columns()) + Commands.picture(png), output.json ? report : Map.of());
    return 0;
  }

  /**
   * The model's codes, drawn on {@code progress} (rows encoded; ended however encoding ends); data the model cannot
   * describe (outside a Bernoulli decoder's [0, 1]) are an input error.
   */
  static Dataset encode(DensityModel m, Dataset x, TerminalProgress progress) {
    try {
      return m.encode(x, progress.work());
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    } finally {
      progress.finish();
    }
  }
}
