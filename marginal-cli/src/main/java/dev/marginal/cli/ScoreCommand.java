package dev.marginal.cli;

import dev.marginal.data.CsvWriter;
import dev.marginal.data.Dataset;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.estimators.RobustInterval;
import dev.marginal.estimators.Sumo;
import dev.marginal.estimators.WeightDiagnostics;
import dev.marginal.density.DensityModel;
import dev.marginal.random.RngKey;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code marginal score}: log p(x) of every row, exact or estimated, written as CSV. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Write log p(x) and its standard error for every row of the data (columns log_px,std_err; "
        + "more with iwae and sumo, see --repeats).",
    footer = {"", "Example:", "  marginal score --model moons.marginal --data 'toy:moons?seed=1' \\",
        "      --out scores.csv"})
final class ScoreCommand implements Callable<Integer> {
  /** Importance samples K when {@code --k} is not given (the IWAE paper's test setting). */
  static final int DEFAULT_K = DensityModel.ScoreOptions.DEFAULT_NUM_SAMPLES;
  /** SUMO's minimum number of terms m when {@code --min-terms} is not given. */
  static final int DEFAULT_MIN_TERMS = 1;

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file.")
  Path model;

  @Mixin DataArgs data;

  @Option(names = "--out", required = true, paramLabel = "CSV", description = "CSV file to write.")
  Path out;

  @Option(names = "--estimator", paramLabel = "NAME",
      description = "exact, elbo, iwae or sumo (default: exact where the model has it, else iwae).")
  String estimator;

  @Option(names = "--k", paramLabel = "K", description = "Importance samples per row (default: ${DEFAULT-VALUE}).")
  int k = DEFAULT_K;

  @Option(names = "--min-terms", paramLabel = "M", description = "SUMO minimum terms m (default: ${DEFAULT-VALUE}).")
  int minTerms = DEFAULT_MIN_TERMS;

  @Option(names = "--repeats", paramLabel = "R",
      description = {"Independent estimates per row, averaged; their spread gives std_err (default: ${DEFAULT-VALUE}; "
          + "with 1, an estimated log p(x) has no per-row std_err and the column holds NaN).",
          "With --estimator sumo and R >= 6 also a median-of-means interval per row (mom_log_px, mom_lower, "
          + "mom_upper): SUMO's variance is infinite, so its std_err is not a reliable error bar.",
          "With --estimator iwae, whatever R, also the effective sample size and Pareto k-hat of each row's K "
          + "importance weights in its first repeat (ess, pareto_k; pareto_k is NaN for K < 25, too few weights "
          + "to fit a tail)."})
  int repeats = 1;

  @Option(names = "--seed", paramLabel = "S",
      description = "Random seed for estimators and a per-datapoint LVM's local fits of q (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--png", paramLabel = "FILE", description = "Also draw the model's log density over the rows, with"
      + " the rows on top, into this PNG file (models of two columns; a deep LVM's density estimated by IWAE with K = "
      + DensityPicture.LVM_K + " on a " + DensityPicture.LVM_GRID + "×" + DensityPicture.LVM_GRID + " grid, whatever"
      + " the scores' estimator; from " + DensityPicture.QUANTILE_ROWS + " rows on, the frame leaves out the"
      + " extreme 0.5% of each column, so that far outliers do not shrink the rest to a dot).")
  Path png;

  @Mixin OutputOptions output;

  private static boolean hasNaN(double[] v) {
    for (double x : v) {
      if (Double.isNaN(x)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Integer call() {
    Commands.positive("--k", k);
    Commands.positive("--min-terms", minTerms);
    Commands.positive("--repeats", repeats);
    Commands.checkColumnNames(spec.commandLine().getParseResult());
    DensityModel.Estimator requested = estimator == null ? null : parse(estimator);
    new OutputGuard().input("--model", model).data("--data", data.data).output("--out", out).output("--png", png)
        .check();
    Commands.pngName("--png", png);
    Commands.csvName("--out", out);
    DensityModel m = Commands.readModel(model);
    if (png != null) {
      DensityPicture.cannotDraw(m).ifPresent(reason -> {
        throw new UserInputException(reason);
      });
    }
    refuseUnused(m, requested == null ? defaultEstimator(m) : requested);
    DensityModel.Estimator est = requested == null ? defaultEstimator(m) : requested;
    Limits.checkImportanceSamples("--k", k, m);
    if (est == DensityModel.Estimator.SUMO) {
      Limits.checkImportanceSamples("--min-terms", minTerms, m);
    }
    Dataset x = Commands.loadDataFor(m, model, data.data, data.columns, data.limit);
    if (m instanceof LvmDensityModel) {
      double perRow = est == DensityModel.Estimator.SUMO ? Sumo.of(minTerms).expectedSamplesPerPoint() : k;
      Limits.fitsInHeap("--repeats", repeats, Limits.repeatBytes(repeats, x.rows(), perRow),
          "the estimates of every repeat");
    }
    DensityModel.LogDensity lp = score(m, x, new DensityModel.ScoreOptions(est, k, minTerms, repeats),
        RngKey.of(seed), TerminalProgress.workOnTerminal("score", TerminalProgress.Unit.SCORED_ROWS, x.rows(),
            output.quiet));
    boolean diagnosed = lp.diagnostics() != null;
    boolean robust = lp.intervals() != null;
    List<String> header = new java.util.ArrayList<>(List.of("log_px", "std_err"));
    if (diagnosed) {
      header.addAll(List.of("ess", "pareto_k"));
    }
    if (robust) {
      header.addAll(List.of("mom_log_px", "mom_lower", "mom_upper"));
    }
    int cols = header.size();
    double[] value = lp.value();
    double[] stdErr = lp.stdErr();
    WeightDiagnostics[] diagnostics = lp.diagnostics();
    RobustInterval[] intervals = lp.intervals();
    double[] rows = new double[cols * value.length];
    for (int i = 0; i < value.length; i++) {
      rows[cols * i] = value[i];
      rows[cols * i + 1] = stdErr[i];
      if (diagnosed) {
        rows[cols * i + 2] = diagnostics[i].ess();
        rows[cols * i + 3] = diagnostics[i].paretoK();
      }
      if (robust) {
        rows[cols * i + 2] = intervals[i].estimate();
        rows[cols * i + 3] = intervals[i].lower();
        rows[cols * i + 4] = intervals[i].upper();
      }
    }
    CsvWriter.write(out, header, rows);
    if (png != null) {
      Commands.writePng(png, () -> DensityPicture.write(m, x, RngKey.of(seed).foldIn(1), png));
    }
    if (repeats == 1 && lp.estimator() != null && !output.quiet && hasNaN(stdErr)) {
      spec.commandLine().getErr().println("note: std_err is NaN in " + out + ": one " + lp.estimator()
          + " estimate per row has no spread; --repeats 2 or more gives a per-row standard error");
    }
    double se = lp.meanEstimate().stdErr(); // NaN for one row: no spread to measure
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("rows", x.rows());
    report.put("estimator", lp.estimator());
    report.put("mean_log_px", lp.mean());
    report.put("mean_log_px_se", se);
    report.put("out", out.toString());
    if (png != null) {
      report.put("png", png.toString());
    }
    if (diagnosed) {
      report.putAll(lp.diagnosticsSummary().toMap(""));
      if (report.containsKey("warning") && !output.quiet) {
        spec.commandLine().getErr().println("warning: " + report.get("warning"));
      }
    }
    String error = Double.isNaN(se) ? "" : String.format(" ± %.2g", se);
    Commands.print(spec.commandLine().getOut(), output,
        String.format("mean log p(x) = %.6g%s nats over %s (%s%s)", lp.mean(), error, CodesPicture.rows(x.rows()),
            lp.estimator(), Double.isNaN(se) ? "; " + Commands.NO_ERROR : "") + Commands.picture(png),
        output.json ? report : Map.of());
    return 0;
  }

  /**
   * Refuses estimator settings that would be ignored: --k, --min-terms and --repeats for a model with an exact log
   * density, --k with SUMO (which draws its own number of samples), --min-terms with another estimator.
   */
  private void refuseUnused(DensityModel m, DensityModel.Estimator est) {
    ParseResult parsed = spec.commandLine().getParseResult();
    Commands.refuseForExactModels(parsed, m, List.of("--k", "--min-terms", "--repeats"));
    if (parsed.hasMatchedOption("--k") && est == DensityModel.Estimator.SUMO) {
      throw new UserInputException("--k applies to --estimator elbo or iwae, not sumo");
    }
    if (parsed.hasMatchedOption("--min-terms") && est != DensityModel.Estimator.SUMO) {
      throw new UserInputException("--min-terms applies to --estimator sumo only");
    }
  }

  /**
   * The model's scores, drawn on {@code progress} (rows scored, the mean so far; ended however scoring ends); an
   * estimator the model does not support is an input error.
   */
  static DensityModel.LogDensity score(DensityModel m, Dataset x, DensityModel.ScoreOptions options,
      RngKey key, TerminalProgress progress) {
    try {
      return m.logDensity(x, options, key, progress.work());
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    } finally {
      progress.finish();
    }
  }

  static DensityModel.Estimator parse(String name) {
    try {
      return DensityModel.Estimator.parse(name);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--estimator: " + e.getMessage(), e);
    }
  }

  /** EXACT for models with an exact density, IWAE for deep LVMs. */
  static DensityModel.Estimator defaultEstimator(DensityModel m) {
    return m.defaultScoreOptions().estimator();
  }
}
