package dev.marginal.cli;

import dev.marginal.api.DeepLvmOptions;
import dev.marginal.data.Dataset;
import dev.marginal.models.GmmOptions;
import dev.marginal.models.Ppca;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code marginal fit}: fits a model to data and saves it with its provenance. */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Fit a model (gmm, ppca or lvm) to data and save it as a model file.",
    footer = {"", "Example:", "  marginal fit --data toy:moons --model gmm --components 8 --out moons.marginal"})
final class FitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "SRC",
      description = "Training data: a .csv or .csv.gz file, an IDX file, fashion-mnist:train|test or"
          + " toy:NAME[?n=N&seed=S] (NAME: " + ToyNames.LIST + ").")
  String data;

  @Option(names = "--model", required = true, paramLabel = "KIND", description = "Model kind: gmm, ppca or lvm.")
  String model;

  @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Model file to write.")
  Path out;

  @Option(names = "--columns", split = ",", paramLabel = "A,B", description = "Columns to use (default: all).")
  List<String> columns;

  @Option(names = "--limit", paramLabel = "N", description = "Use only the first N rows.")
  Integer limit;

  @Option(names = "--standardize", description = "Fit to standardized columns; densities stay in data units."
      + " Without it, a deep LVM with a gaussian decoder warns before training of columns whose standard deviations"
      + " lie outside 0.5 to 6 (constant columns aside), where it learned worse than on standardized columns"
      + " (BENCHMARKS.md).")
  boolean standardize;

  @Option(names = "--seed", paramLabel = "S", description = "Root random seed (default: ${DEFAULT-VALUE}).")
  long seed = GmmOptions.DEFAULT_SEED;

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads, at most the number of cores (default: ${DEFAULT-VALUE}).")
  int threads = Limits.DEFAULT_THREADS;

  @Option(names = "--latent", paramLabel = "Q",
      description = "Latent dimension (ppca: default " + Ppca.DEFAULT_LATENT_DIM + "; lvm: default "
          + DeepLvmOptions.Architecture.LATENT_IMAGES + " for data of more than "
          + DeepLvmOptions.Architecture.WIDE_DATA + " columns, else " + DeepLvmOptions.Architecture.LATENT_SMALL
          + ").")
  Integer latent;

  @Mixin(name = "gmm") GmmArgs gmm;

  @Mixin(name = "lvm") LvmArgs lvm;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    String kind = model.strip().toLowerCase(java.util.Locale.ROOT);
    Fitters.Fitter fitter = Fitters.forKind(kind);
    checkApplicable(kind);
    Commands.checkColumnNames(spec.commandLine().getParseResult());
    threads = Limits.threads(Commands.positive("--threads", threads));
    LvmArgs.Settings lvmSettings = lvm.settings(latent);
    if (kind.equals("lvm")) {
      // Combinations the library refuses (--gradient score with --objective elbo, say) before any data is read.
      LvmFitter.options(lvmSettings, seed, standardize);
    }
    new OutputGuard().data("--data", data).data("--validation", lvm.validation).input("--resume", lvm.resume)
        .output("--out", out).output("checkpoint", kind.equals("lvm") ? LvmFitter.checkpointPath(out) : null,
            lvm.resume).check();
    Commands.modelName("--out", out);
    Dataset train;
    Fitters.FitResult result;
    try (OutputLock lock = OutputLock.acquire("--out", out)) {
      if (kind.equals("lvm")) {
        CheckpointGuard.keepUnfinished(LvmFitter.checkpointPath(out), lvm.resume);
      }
      train = Commands.loadData(data, columns, limit);
      PrintWriter err = spec.commandLine().getErr();
      // An LVM's training stops at Ctrl-C or kill and saves its checkpoint. The guard stays open until the model is
      // written, so that the JVM's exit comes before the model of a stopped run or after the model of a finished one.
      try (InterruptGuard guard = kind.equals("lvm") ? new InterruptGuard(lock) : null) {
        result = fitter.fit(
            new FitRequest(train, seed, threads, standardize, gmm, latent, lvmSettings, out, err, output.quiet,
            Commands.commandLine(spec), guard == null ? () -> false : guard::stopRequested));
        Commands.writeModel(result.model().toFile(result.provenance().withCommandLine(Commands.commandLine(spec))),
            out);
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("model", kind);
    report.put("data", train.source());
    report.put("rows", train.rows());
    report.put("columns", train.cols());
    report.putAll(result.summary());
    report.put("out", out.toString());
    Commands.print(spec.commandLine().getOut(), output, "fit " + kind + ": wrote " + out, report);
    return 0;
  }

  /** Rejects options of another model kind (e.g. --components with --model ppca). */
  private void checkApplicable(String kind) {
    ParseResult parsed = spec.commandLine().getParseResult();
    rejectUnless(parsed, spec.mixins().get("gmm"), kind.equals("gmm"), "gmm");
    rejectUnless(parsed, spec.mixins().get("lvm"), kind.equals("lvm"), "lvm");
    if (latent != null && kind.equals("gmm")) {
      throw new UserInputException("--latent applies to --model ppca or lvm, not gmm");
    }
  }

  private static void rejectUnless(ParseResult parsed, CommandSpec group, boolean applies, String kind) {
    if (applies) {
      return;
    }
    for (OptionSpec o : group.options()) {
      if (parsed.hasMatchedOption(o)) {
        throw new UserInputException(o.longestName() + " applies to --model " + kind + " only");
      }
    }
  }
}
