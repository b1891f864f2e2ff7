package dev.marginal.cli;

import dev.marginal.api.Evaluation;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.estimators.Ais;
import dev.marginal.estimators.BidirectionalMonteCarlo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marginal eval}: how well a model fits data, as a short report. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate a model on data: the exact mean log-likelihood for gmm and ppca; for lvm, the test "
        + "NLL with K importance samples, ELBO and IWAE bounds (K = 1, 5, 50, 500, 5000) and active units. Every "
        + "mean comes with its standard error over rows (x ± se; x and x_se with --json)."},
    footer = {"", "Example:", "  marginal eval --model moons.marginal --data 'toy:moons?seed=1' --json"})
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file.")
  Path model;

  @Mixin DataArgs data;

  @Option(names = "--k", paramLabel = "K",
      description = "Importance samples for the test NLL (default: ${DEFAULT-VALUE}).")
  int k = ScoreCommand.DEFAULT_K;

  @Option(names = "--seed", paramLabel = "S",
      description = "Random seed for estimators and a per-datapoint LVM's local fits of q (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--bdmc", paramLabel = "N",
      description = {"lvm: also simulate N points from the model and bracket their log p(x) by forward and reverse "
          + "AIS (bidirectional Monte Carlo), with IWAE-K and SUMO on the same points (default: 0, off)."})
  int bdmc;

  @Option(names = "--ais", description = {"lvm: also estimate the NLL by forward AIS with HMC (a lower bound on "
      + "log p(x) like IWAE, tighter with more steps), reported beside the IWAE NLL."})
  boolean ais;

  @Option(names = "--ais-steps", paramLabel = "T",
      description = "AIS intermediate distributions for --ais and --bdmc (default: ${DEFAULT-VALUE}).")
  int aisSteps = BidirectionalMonteCarlo.DEFAULT_STEPS;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    Commands.positive("--k", k);
    Commands.positive("--ais-steps", aisSteps);
    if (bdmc < 0) {
      throw new UserInputException("--bdmc must be >= 0, got " + bdmc);
    }
    Commands.checkColumnNames(spec.commandLine().getParseResult());
    DensityModel m = Commands.readModel(model);
    Commands.refuseForExactModels(spec.commandLine().getParseResult(), m,
        List.of("--ais", "--bdmc", "--ais-steps", "--k"));
    if (!ais && bdmc == 0 && spec.commandLine().getParseResult().hasMatchedOption("--ais-steps")) {
      throw new UserInputException("--ais-steps applies to --ais or --bdmc only");
    }
    Limits.checkImportanceSamples("--k", k, m);
    Dataset x = Commands.loadDataFor(m, model, data.data, data.columns, data.limit);
    Limits.checkAis(m, aisSteps, ais, bdmc, x.rows(), k, Ais.of(aisSteps));
    Map<String, Object> report = evaluate(m, x, new Evaluation.Settings(k, seed, bdmc, aisSteps, ais),
        TerminalProgress.workOnTerminal("eval", TerminalProgress.Unit.SCORED_ROWS, x.rows(), output.quiet))
        .toMap();
    if (!output.json) {
      // The text report shows bdmc_iwae_K ± its standard error; the older name of that error is for JSON readers.
      report.remove(BidirectionalMonteCarlo.Report.IWAE_SE_ALIAS);
    }
    Commands.print(spec.commandLine().getOut(), output, "eval " + model + " on " + x.source(), report);
    return 0;
  }

  /**
   * The evaluation, all of its work drawn on {@code progress} (in rows' worth of the work: every estimator, the
   * active-unit count, AIS and bidirectional Monte Carlo together, with the running mean of the estimator being
   * run), ended however it ends.
   */
  static Evaluation.Report evaluate(DensityModel m, Dataset x, Evaluation.Settings settings,
      TerminalProgress progress) {
    try {
      return Evaluation.evaluate(m, x, settings, progress.work());
    } finally {
      progress.finish();
    }
  }
}
