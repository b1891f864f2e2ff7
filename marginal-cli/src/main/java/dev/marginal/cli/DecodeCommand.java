package dev.marginal.cli;

import dev.marginal.data.CsvWriter;
import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LatentDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marginal decode}: the mean of p(x | z) for latent codes, written as CSV with the model's column names. */
@Command(name = "decode", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Write the mean of p(x | z) for every code z as CSV, with the model's columns (lvm and ppca "
        + "models): a Bernoulli decoder's pixel probabilities, a Gaussian's means, W z + b for PPCA.",
        "The codes are the columns z0.. of the data, by name, when it has them all (so the output of encode decodes "
            + "as it is, to the reconstructions of its rows), else all its columns when there are as many as the "
            + "model's latents, or the columns named by --columns. Code columns (z and a number) of another count "
            + "than the model's latents are another model's codes, and are refused. A model of data on a bounded or "
            + "positive support maps the decoder's mean onto it, as it maps its draws."},
    footer = {"", "Example: the reconstructions of encoded rows",
        "  marginal fit --data toy:moons --model lvm --epochs 5 --out lvm.marginal",
        "  marginal encode --model lvm.marginal --data toy:moons --out codes.csv",
        "  marginal decode --model lvm.marginal --data codes.csv --out recon.csv"})
final class DecodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (lvm or ppca).")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "SRC",
      description = "Codes: a .csv or .csv.gz file (such as encode writes), an IDX file, or toy:NAME[?n=N&seed=S].")
  String data;

  @Option(names = "--columns", split = ",", paramLabel = "A,B",
      description = "The code's columns, in the order of the latents (default: z0.. by name, else all columns).")
  List<String> columns;

  @Option(names = "--limit", paramLabel = "N", description = "Decode only the first N rows.")
  Integer limit;

  @Option(names = "--out", required = true, paramLabel = "CSV", description = "CSV file to write.")
  Path out;

  @Option(names = "--png", paramLabel = "FILE", description = "Also draw the decoded rows (images: the first "
      + PlotSamplePlotter.MAX_IMAGES + ") into this PNG file.")
  Path png;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    Commands.checkColumnNames(spec.commandLine().getParseResult());
    new OutputGuard().input("--model", model).data("--data", data).output("--out", out).output("--png", png)
        .check();
    Commands.pngName("--png", png);
    Commands.csvName("--out", out);
    SamplePlotter plotter = Commands.plotter(png);
    DensityModel m = Commands.readModel(model);
    if (!(m instanceof LatentDecoder)) {
      throw new UserInputException("decode applies to lvm and ppca models, which decode a continuous latent; "
          + model + " is a " + m.kind() + " model");
    }
    LatentDecoder decoder = (LatentDecoder) m;
    Commands.requireDrawable(plotter, m);
    Dataset codes = loadCodes(decoder.latentDim());
    Dataset decoded = decoder.decode(codes);
    CsvWriter.write(out, decoded);
    if (plotter != null) {
      SamplePlotter p = plotter;
      Commands.writePng(png, () -> p.plot(decoded, m, png, "decoded codes"));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("rows", decoded.rows());
    report.put("columns", decoded.columns());
    report.put("out", out.toString());
    if (png != null) {
      report.put("png", png.toString());
    }
    String rows = decoded.rows() + (decoded.rows() == 1 ? " code" : " codes");
    Commands.print(spec.commandLine().getOut(), output, "decoded " + rows + " into " + out + ": columns "
        + Commands.abbreviate(decoded.columns()) + Commands.picture(png), output.json ? report : Map.of());
    return 0;
  }

  /**
   * The codes: the {@code --columns} (as many as the latents, renamed {@code z0 ..}), else the columns
   * {@code z0 ..} when the data's code columns are exactly those (others are not read), else every column, for the
   * model to take by position or refuse ({@link LatentDecoder#decode}).
   */
  private Dataset loadCodes(int q) {
    List<String> names = new ArrayList<>(q);
    for (int a = 0; a < q; a++) {
      names.add("z" + a);
    }
    if (columns != null && !columns.isEmpty()) {
      Dataset chosen = Commands.loadData(data, columns, limit);
      if (chosen.cols() != q) {
        throw new UserInputException("--columns: " + chosen.cols() + " columns, but the model " + model + " has "
            + q + " latent" + (q == 1 ? "" : "s") + " (" + Commands.abbreviate(names) + ")");
      }
      return chosen.withColumns(names);
    }
    List<String> present = DataSources.columns(data);
    Set<String> codeNames = present.stream().filter(c -> c.matches("z[0-9]+")).collect(Collectors.toSet());
    boolean byName = codeNames.equals(new HashSet<>(names)) && !present.equals(names);
    return Commands.loadData(data, byName ? names : List.of(), limit);
  }
}
