package dev.marginal.cli;

import dev.marginal.api.SurrogateTraining;
import dev.marginal.data.CsvWriter;
import dev.marginal.io.AtomicFiles;
import dev.marginal.io.IoErrors;
import dev.marginal.io.Json;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Untrusted;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import dev.marginal.tensor.Parallel;
import dev.marginal.train.Annealing;
import dev.marginal.train.CheckpointWriteException;
import dev.marginal.train.ForwardKl;
import dev.marginal.train.LogZEstimate;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.ReverseKlRun;
import dev.marginal.train.RunFingerprint;
import dev.marginal.train.SamplerChecks;
import dev.marginal.train.SurrogateMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code marginal target}: fits a surrogate LVM to an unnormalized target density by reverse KL and writes the
 * model, a metrics log (CSV and JSON) and, with {@code --png}, pictures of the target beside the surrogate.
 */
@Command(name = "target", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Fit a surrogate sampler to an unnormalized target density by reverse KL (SUMO, IWAE or ELBO) or, "
        + "in few dimensions, by an importance-weighted forward KL.",
    footer = {"", "Targets: funnel, neal-funnel[:D], mixture, u1..u4, two-moons, gmm40,",
        "  many-well[:D], class:<fully.qualified.Name>",
        "A class: target is found on the class path; with bin/marginal, name its",
        "directory or jar in MARGINAL_CLASSPATH (entries separated by ':').",
        "", "Examples:", "  marginal target --target u1 --out u1.marginal",
        "  marginal target --target funnel --recipe reverse --objective sumo \\",
        "      --iters 20000 --out funnel.marginal"})
final class TargetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--target", required = true, paramLabel = "T", description = "The target density (see below).")
  String target;

  @Option(names = "--recipe", paramLabel = "NAME",
      description = "auto: forward for targets of up to " + ReverseKlOptions.FORWARD_MAX_DIM + " dimensions, reverse "
          + "beyond, and with --resume the checkpoint's recipe; reverse: the reverse-KL defaults below; forward: the "
          + "importance-weighted forward KL for the whole run (--forward 1 --lr 1e-2 --lr-floor 0.01 --clip 5 --ema 0 "
          + "--batch 50 --k 50 --latent 4 --hidden 64,64). Options given explicitly override the recipe's "
          + "(default: auto).")
  String recipe = "auto";

  @Option(names = "--objective", paramLabel = "NAME", description = "sumo, iwae or elbo: the estimator of log q(x) "
      + "in the reverse KL; under --forward 1 (the forward recipe) only the encoder's, on the surrogate's own "
      + "samples (default: sumo).")
  String objective = "sumo";

  @Option(names = "--iters", paramLabel = "N", description = "Training iterations, at least 1 (default: "
      + "${DEFAULT-VALUE}).")
  long iters = ReverseKlOptions.DEFAULT_ITERATIONS;

  @Option(names = "--eval-every", paramLabel = "E", description = "Evaluate every E iterations (0: at the end).")
  long evalEvery;

  @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Surrogate model file to write.")
  Path out;

  @Option(names = "--png", paramLabel = "FILE", description = "Picture: target log density | surrogate samples.")
  Path png;

  @Option(names = "--metrics", paramLabel = "CSV", description = "Metrics log, a .csv file; its JSON twin NAME.json is "
      + "written beside it (default: MODEL.metrics.csv and MODEL.metrics.json).")
  Path metrics;

  @Option(names = "--seed", paramLabel = "S", description = "Root seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads, at most the number of cores (default: ${DEFAULT-VALUE}).")
  int threads = 1;

  @Option(names = "--lr", paramLabel = "RATE", description = "Decoder Adam step (default: ${DEFAULT-VALUE}).")
  double lr = ReverseKlOptions.DEFAULT_LR;

  @Option(names = "--encoder-lr", paramLabel = "RATE", description = "Encoder Adam step (default: same as --lr).")
  Double encoderLr;

  @Option(names = "--warmup", paramLabel = "N",
      description = "Raise both Adam steps linearly over the first N iterations, at most --iters "
          + "(default: ${DEFAULT-VALUE}).")
  long warmup = ReverseKlOptions.DEFAULT_WARMUP;

  @Option(names = "--lr-floor", paramLabel = "F",
      description = "After the warm-up, decay both Adam steps by a cosine to F times their rate, F in [0, 1] "
          + "(1: constant; 0: down to zero; default: ${DEFAULT-VALUE}).")
  double lrFloor = ReverseKlOptions.DEFAULT_LR_FLOOR;

  @Option(names = "--adam-beta2", paramLabel = "B",
      description = "Adam's second-moment decay for decoder and encoder (default: ${DEFAULT-VALUE}).")
  double adamBeta2 = ReverseKlOptions.DEFAULT_ADAM_BETA2;

  @Option(names = "--ema", paramLabel = "D",
      description = "Evaluate and save an exponential moving average of the parameters with decay D, e.g. 0.999 "
          + "(0: the last iterate; default: ${DEFAULT-VALUE}).")
  double ema = ReverseKlOptions.DEFAULT_AVERAGING;

  @Option(names = "--anneal", paramLabel = "F",
      description = "Against mode collapse: fit the target tempered towards a broad Gaussian, "
          + "β·log p + (1−β)·log N(0, s²I), with β rising linearly from 0.01 to 1 over the first F of the "
          + "iterations (0: off; default: ${DEFAULT-VALUE}).")
  double anneal;

  @Option(names = "--anneal-scale", paramLabel = "S",
      description = "The tempering Gaussian's standard deviation (0: half the target box's half-width, or 1 on a "
          + "bounded target's unconstrained coordinates; default: ${DEFAULT-VALUE}).")
  double annealScale;

  @Option(names = "--forward", paramLabel = "F",
      description = "Against mode collapse: fit the first F of the iterations by the forward KL, maximum likelihood "
          + "on --batch points resampled from importance-weighted draws of a broad Gaussian, IWAE with --k "
          + "samples (0: off; default: ${DEFAULT-VALUE}).")
  double forward;

  @Option(names = "--forward-proposals", paramLabel = "N",
      description = "Gaussian draws per forward step (default: ${DEFAULT-VALUE}).")
  int forwardProposals = ForwardKl.DEFAULT_PROPOSALS;

  @Option(names = "--forward-scale", paramLabel = "S",
      description = "The forward proposal's standard deviation (0: 3/4 of the target box's half-widths around its "
          + "centre, or 3 on a bounded target's unconstrained coordinates; default: ${DEFAULT-VALUE}).")
  double forwardScale;

  @Option(names = "--decoder-gradient", paramLabel = "G",
      description = "path: the decoder's gradient reaches the log q(x) estimate only through x (sticking the landing); "
          + "total: also through the decoder inside the estimate (default: ${DEFAULT-VALUE}).")
  String decoderGradient = ReverseKlOptions.defaults().pathGradient() ? "path" : "total";

  @Option(names = "--clip", paramLabel = "NORM", description = "Gradient-norm bound per optimizer (0: none).")
  double clip;

  @Option(names = "--batch", paramLabel = "B", description = "Surrogate samples per step (default: ${DEFAULT-VALUE}).")
  int batch = ReverseKlOptions.DEFAULT_BATCH;

  @Option(names = "--k", paramLabel = "K", description = "Samples for IWAE/ELBO (default: ${DEFAULT-VALUE}).")
  int k = ReverseKlOptions.DEFAULT_K;

  @Option(names = "--min-terms", paramLabel = "M", description = "SUMO minimum terms m, of the training under "
      + "--objective sumo and of every evaluation's SUMO estimate (default: ${DEFAULT-VALUE}).")
  int minTerms = ReverseKlOptions.DEFAULT_MIN_TERMS;

  @Option(names = "--latent", paramLabel = "D", description = "Latent dimension (default: ${DEFAULT-VALUE}).")
  int latent = ReverseKlOptions.DEFAULT_LATENT;

  @Option(names = "--hidden", split = ",", paramLabel = "W,W", description = "Hidden widths (default: 128).")
  List<Integer> hidden = List.of(ReverseKlOptions.DEFAULT_HIDDEN);

  @Option(names = "--eval-samples", paramLabel = "N",
      description = "Surrogate samples for the KL estimates (default: ${DEFAULT-VALUE}).")
  int evalSamples = SurrogateMetrics.Settings.defaults().klSamples();

  @Option(names = "--eval-k", paramLabel = "K", description = "IWAE samples in the KL estimate (default: ${DEFAULT-VALUE}).")
  int evalK = SurrogateMetrics.Settings.defaults().iwaeK();

  @Option(names = "--checkpoint-every", paramLabel = "N",
      description = "Checkpoint (MODEL.ckpt) every N steps (0: only at the end and when stopped).")
  long checkpointEvery;

  @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Continue from a checkpoint.")
  Path resume;

  @Mixin OutputOptions output;

  private OutputLock lock;
  /** The recipe the run follows, with auto resolved. */
  private String resolvedRecipe;
  /** The checkpoint given with --resume, or null. */
  private ModelFile resumed;

  @Override
  public Integer call() {
    try {
      return train();
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  private Integer train() {
    Target t = input(() -> Targets.of(target));
    Path metricsPath = metrics != null ? metrics : out.resolveSibling(out.getFileName() + ".metrics.csv");
    new OutputGuard().input("--resume", resume).output("--out", out)
        .output("checkpoint", out.resolveSibling(out.getFileName() + ".ckpt"), resume)
        .output("--metrics", metricsPath).output("metrics JSON", jsonPath(metricsPath)).output("--png", png).check();
    if (metrics != null && !metrics.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
      throw new UserInputException("--metrics " + metrics + ": expected a .csv file name (its JSON twin NAME.json is "
          + "written beside it)");
    }
    requireMetricsJsonReplaceable(jsonPath(metricsPath));
    Commands.pngName("--png", png);
    Commands.modelName("--out", out);
    if (png != null && t.dim() < 2) {
      throw new UserInputException("--png draws the first two coordinates of the target and its surrogate; target "
          + t.name() + " has " + t.dim());
    }
    // Read after the guard, which refuses a --resume that is also an output before anything opens it.
    resumed = resume == null ? null : Commands.readModelFile(resume);
    if (resumed != null) {
      CheckpointGuard.requireKind(resume, resumed, RunFingerprint.Kind.REVERSE_KL);
    }
    ReverseKlOptions options = options(t);
    refuseIgnored(options);
    threads = Limits.threads(Commands.positive("--threads", threads));
    List<Integer> widths = Arrays.stream(options.hidden()).boxed().toList();
    Map<String, Object> network = new LinkedHashMap<>();
    network.put("--hidden", Limits.widths(widths));
    network.put("--latent", options.latentDim());
    if (!given("--hidden") && !given("--latent")) {
      // The network's defaults are too large only through the target's width: name --target, not them.
      checkSurrogateWeights(t, options);
    }
    Limits.checkNetwork(Limits.Named.of(network, this::given), widths, t.dim(), options.latentDim());
    Commands.positive("--eval-samples", evalSamples);
    Commands.positive("--eval-k", evalK);
    checkSizes(t, options);
    if (evalEvery < 0) {
      throw new UserInputException("--eval-every must be >= 0 (0: only at the end), got " + evalEvery);
    }
    if (checkpointEvery < 0) {
      throw new UserInputException("--checkpoint-every must be >= 0 (0: only at the end and when stopped), got "
          + checkpointEvery);
    }
    lock = OutputLock.acquire("--out", out);
    CheckpointGuard.keepUnfinished(out.resolveSibling(out.getFileName() + ".ckpt"), resume);
    Parallel.setThreads(threads);
    String commandLine = Commands.commandLine(spec);
    // Open until the model is written: the JVM's exit after Ctrl-C or kill comes before the model of a stopped run
    // or after the model of a finished one.
    try (InterruptGuard guard = new InterruptGuard(lock)) {
      return finish(t, options, run(t, options, Map.of("command_line", commandLine), metricsPath, guard),
          commandLine, metricsPath);
    }
  }

  /** Writes the model of a run that ended, its picture and the report. */
  private Integer finish(Target t, ReverseKlOptions options, SurrogateTraining.Result result, String commandLine,
      Path metricsPath) {
    if (result.status() == ReverseKlRun.Status.DIVERGED) {
      String message = result.message().replace("forwardScale", OptionNames.FLAGS.get("forwardScale"));
      // A loss that became non-finite after updates, or parameters that updates carried off, are the step size's
      // doing; a target's density that did is not.
      boolean stepSize = result.message().contains(ReverseKlRun.LOSS_DIVERGED)
          || result.message().contains(ReverseKlRun.PARAMETERS_DIVERGED);
      // The settings that scale the updates, those the user gave named beside --lr: any of them may be the cause.
      StringBuilder rates = new StringBuilder("--lr");
      if (encoderLr != null) {
        rates.append(", --encoder-lr");
      }
      if (forwardScale != 0 && options.forward().active()) {
        rates.append(", --forward-scale");
      }
      throw stepSize && result.steps() > 0
          ? LvmFitter.TrainingFailedException.diverged(message, out, options.clipNorm() == 0, rates.toString())
          : LvmFitter.TrainingFailedException.diverged(message, out);
    }
    LvmDensityModel model = result.model();
    Commands.writeModel(model.toFile(result.provenance().withCommandLine(commandLine)), out);
    if (png != null) {
      TargetPictures.write(png, t, model.model(), seed, options.forward().fraction() == 1 ? "forward-KL"
          : options.forward().active() ? "forward-then-reverse-KL" : "reverse-KL");
    }
    Commands.print(spec.commandLine().getOut(), output, "target " + t.name() + ": wrote " + out,
        report(t, options, result, metricsPath));
    return 0;
  }

  /**
   * The surrogate's weights, a training step's samples and an evaluation's must fit the heap, checked before any
   * work: a many-dimensional target or a huge --batch, --k, --min-terms, --eval-k or --eval-samples is refused naming
   * it, not met by an out-of-memory error (or an array size that overflows) once the run has started. An
   * evaluation's peak ({@link Limits#evaluationBytes}) grows with the target's width even with the smallest
   * --eval-k and --eval-samples (its W1 draws and log Z chunks), so a target too wide for the heap is refused naming
   * --target.
   */
  /** Refuses, naming --target, a surrogate whose weights cannot fit the heap; returns its configuration. */
  private DeepLvm.Config checkSurrogateWeights(Target t, ReverseKlOptions options) {
    String widths = String.join(",", Arrays.stream(options.hidden()).mapToObj(String::valueOf).toList());
    Limits.fitsInHeap("--target " + target,
        Limits.surrogateWeightBytes(t.dim(), options.latentDim(), options.hidden()), "the " + t.dim()
            + "-D surrogate's weights (--hidden " + widths + ", --latent " + options.latentDim() + ") with their"
            + " gradients and optimizer state", "use a target of fewer dimensions or lower --hidden");
    return new DeepLvm.Config(t.dim(), options.latentDim(), options.hidden(), options.activation(),
        DeepLvm.Decoder.GAUSSIAN);
  }

  private void checkSizes(Target t, ReverseKlOptions options) {
    DeepLvm.Config c = checkSurrogateWeights(t, options);
    long batch = options.batchSize();
    if (options.objective() == LvmTrainingOptions.Objective.SUMO && options.forward().fraction() < 1) {
      long perPoint = (long) Math.ceil(Sumo.of(options.minTerms()).expectedSamplesPerPoint());
      Limits.fitsInHeap("--min-terms " + options.minTerms() + " with --batch " + batch,
          Limits.activationBytes(c, Limits.saturatingMultiply(batch, perPoint)),
          "a training step's SUMO samples", "lower --min-terms or --batch");
    }
    if (options.objective() != LvmTrainingOptions.Objective.SUMO || options.forward().active()) {
      Limits.fitsInHeap("--k " + options.numSamples() + " with --batch " + batch,
          Limits.activationBytes(c, Limits.saturatingMultiply(batch, options.numSamples())),
          "a training step's K importance samples per point", "lower --k or --batch");
    }
    // An evaluation holds the W1 draws (and the target's) and one pass or log Z chunk at a time: its fixed part
    // grows with the target's width alone, then with --eval-k, --eval-samples and --min-terms.
    long held = (long) SurrogateMetrics.Settings.defaults().w1Samples() * (t.hasSampler() ? 2 : 1);
    int innerK = LogZEstimate.DEFAULT_INNER_K;
    Limits.fitsInHeap("--target " + target, Limits.evaluationBytes(c, held, 1, 1, innerK), "an evaluation's "
        + SurrogateMetrics.Settings.defaults().w1Samples() + " draws of the " + t.dim() + "-D surrogate"
        + (t.hasSampler() ? " and of the target" : "") + " with its log Z passes", "use a target of fewer dimensions");
    Limits.fitsInHeap("--eval-k", evalK, Limits.evaluationBytes(c, held, 1, evalK, innerK),
        "K importance samples of one surrogate sample");
    long perSample = Limits.evaluationSampleBytes(c);
    Limits.fitsInHeap("--eval-samples", evalSamples, Limits.saturatingAdd(
        Limits.saturatingMultiply(evalSamples, perSample), Limits.evaluationBytes(c, held, evalSamples, evalK, innerK)),
        "the surrogate samples of an evaluation");
    Limits.fitsInHeap("--min-terms", minTerms, Limits.saturatingAdd(Limits.saturatingMultiply(evalSamples, perSample),
        Limits.evaluationBytes(c, held, evalSamples, Sumo.of(minTerms).expectedSamplesPerPoint(), innerK)),
        "the SUMO samples of one surrogate sample in an evaluation");
  }

  /**
   * Trains, then reports the warnings and writes the metrics while the interrupt guard is still open: after Ctrl-C the
   * JVM exits as soon as the guard closes, and what comes after it may never run. A run the guard stopped ends here
   * with {@link InterruptGuard.Stopped}, its checkpoint and metrics saved.
   */
  private SurrogateTraining.Result run(Target t, ReverseKlOptions options, Map<String, Object> record,
      Path metricsPath, InterruptGuard guard) {
    Path ckpt = out.resolveSibling(out.getFileName() + ".ckpt");
    SurrogateMetrics.Settings settings = new SurrogateMetrics.Settings(evalSamples, evalK, minTerms,
        SurrogateMetrics.Settings.defaults().w1Samples());
    SurrogateTraining.Control control = SurrogateTraining.Control.none().withEvaluation(evalEvery, settings)
        .withCheckpoint(ckpt, checkpointEvery).withProvenanceExtras(record);
    if (resume != null) {
      control = control.withResume(resumed);
    }
    SurrogateTraining.Control c = control.withStop(guard::stopRequested).withProgress(TerminalProgress.onTerminal(
        "target " + t.name() + " " + options.objectiveLabel(), options.iterations(), output.quiet));
    SurrogateTraining.Result result;
    try {
      result = SurrogateTraining.train(t, options, c);
    } catch (CheckpointWriteException e) {
      throw Commands.rescued(e.path(), "the checkpoint", e.getCause(), e::writeTo);
    } catch (IllegalArgumentException e) {
      throw resume != null ? UserInputException.about(resume, e) : new UserInputException(e.getMessage(), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    // A resumed run's earlier warnings come from its checkpoint, a file: control characters are shown escaped.
    result.warnings().forEach(w -> err.println(Untrusted.escaped("marginal: warning: " + w)));
    err.flush();
    writeMetrics(metricsPath, result);
    if (result.status() == ReverseKlRun.Status.INTERRUPTED) {
      err.println("marginal: interrupted; resume with --resume " + ckpt);
      err.flush();
      throw new InterruptGuard.Stopped();
    }
    return result;
  }

  private ReverseKlOptions options(Target t) {
    LvmTrainingOptions.Objective o = LvmTrainingOptions.Objective.parse(
        Commands.oneOf("--objective", objective, LvmArgs.OBJECTIVES));
    // No iteration would leave the surrogate untrained, and the run would save it as a fit.
    Commands.positive("--iters", iters);
    for (int h : hidden) {
      Commands.positive("--hidden", h);
    }
    String r = recipe.trim().toLowerCase(java.util.Locale.ROOT);
    if (!r.equals("auto") && !r.equals("reverse") && !r.equals("forward")) {
      throw new UserInputException("--recipe must be auto, reverse or forward, got '" + recipe + "'");
    }
    boolean forwardRecipe = r.equals("auto") ? autoIsForward(t) : r.equals("forward");
    resolvedRecipe = forwardRecipe ? "forward" : "reverse";
    boolean path = pathGradient();
    checkFloat32();
    return input(() -> {
      ReverseKlOptions base = forwardRecipe ? ReverseKlOptions.importanceForward() : ReverseKlOptions.defaults();
      ReverseKlOptions opts = base.withObjective(o).withIterations(iters).withSeed(seed);
      // Under the forward recipe only the options given on the command line replace the recipe's settings.
      java.util.function.Predicate<String> set = name -> !forwardRecipe || given(name);
      if (set.test("--lr") || set.test("--encoder-lr")) {
        double dec = set.test("--lr") ? lr : opts.decoderLr();
        opts = opts.withLearningRates(dec, encoderLr == null ? dec : encoderLr);
      }
      if (set.test("--warmup") || set.test("--lr-floor")) {
        opts = opts.withSchedule(set.test("--warmup") ? warmup : opts.warmup(),
            set.test("--lr-floor") ? lrFloor : opts.lrFloor());
      }
      if (set.test("--ema")) {
        opts = opts.withAveraging(ema);
      }
      if (set.test("--adam-beta2")) {
        opts = opts.withAdamBeta2(adamBeta2);
      }
      if (set.test("--clip")) {
        opts = opts.withClipNorm(clip);
      }
      if (set.test("--batch")) {
        opts = opts.withBatchSize(batch);
      }
      if (set.test("--k")) {
        opts = opts.withNumSamples(k);
      }
      if (set.test("--min-terms")) {
        opts = opts.withMinTerms(minTerms);
      }
      if (set.test("--latent") || set.test("--hidden")) {
        opts = opts.withArchitecture(set.test("--latent") ? latent : opts.latentDim(),
            set.test("--hidden") ? hidden.stream().mapToInt(i -> i).toArray() : opts.hidden(), Activation.TANH);
      }
      double fraction = set.test("--forward") ? forward : opts.forward().fraction();
      // The path gradient has no reverse-KL step to change under a forward KL over the whole run, and the options
      // refuse it there: a --decoder-gradient path that a resumed checkpoint's run recorded with it is dropped
      // (refuseIgnored refuses one given otherwise).
      return opts.withAnnealing(new Annealing(anneal, Annealing.DEFAULT_START_BETA, annealScale))
          .withForward(new ForwardKl(fraction, forwardProposals, forwardScale)).withPathGradient(path && fraction < 1);
    });
  }

  /**
   * Refuses an {@code --adam-beta2} that training's float32 arithmetic would round to 1 ({@link Decimals}); rates,
   * bounds and scales it cannot hold are refused by the library's options, named by their options.
   */
  private void checkFloat32() {
    Decimals.float32BelowOne("--adam-beta2", adamBeta2);
  }

  /**
   * Refuses options that the run's other settings make it ignore, as {@code fit} does: {@code --k} under SUMO without
   * the forward KL (only IWAE and ELBO, and the forward KL's IWAE, draw K samples), {@code --anneal-scale} without
   * annealing, {@code --forward-scale} and {@code --forward-proposals} without the forward KL, and
   * {@code --decoder-gradient} when the forward KL takes every step (the decoder then never meets a log q(x)
   * estimate of its own samples). ({@code --min-terms}
   * under IWAE or ELBO is not among them: it sets the SUMO estimate of every evaluation.) A {@code --k} that a
   * resumed checkpoint's run recorded is accepted, as resuming needs the run's own settings (so is a
   * {@code --decoder-gradient path} so recorded).
   */
  private void refuseIgnored(ReverseKlOptions o) {
    if (given("--k") && o.objective() == LvmTrainingOptions.Objective.SUMO && !o.forward().active()
        && !checkpointRecorded("numSamples", k)) {
      throw new UserInputException("--k applies to --objective iwae or elbo, or with --forward above 0, not to sumo"
          + " alone");
    }
    if (given("--anneal-scale") && !o.annealing().active()) {
      throw new UserInputException("--anneal-scale applies with --anneal above 0 only");
    }
    if (given("--decoder-gradient") && o.forward().fraction() == 1 && !(pathGradient() && resumedPathGradient())) {
      throw new UserInputException("--decoder-gradient applies to the reverse-KL steps, and --forward 1 (the forward "
          + "recipe's) leaves none: the decoder follows the forward KL throughout");
    }
    for (String option : List.of("--forward-scale", "--forward-proposals")) {
      if (given(option) && !o.forward().active()) {
        throw new UserInputException(option + " applies with --forward above 0 only (the forward recipe's default)");
      }
    }
  }

  /** Whether the fingerprint of the checkpoint given with --resume records the decoder's path gradient. */
  private boolean resumedPathGradient() {
    return resumed != null && resumed.provenance().get(RunFingerprint.KEY) instanceof Map<?, ?> f
        && "path".equals(f.get("decoderGradient"));
  }

  /** Whether the fingerprint of the checkpoint given with --resume records {@code value} under {@code key}. */
  private boolean checkpointRecorded(String key, long value) {
    return resumed != null && resumed.provenance().get(RunFingerprint.KEY) instanceof Map<?, ?> f
        && f.get(key) instanceof Number n && n.longValue() == value;
  }

  /**
   * Whether --recipe auto means forward: for a resumed run, whether the checkpoint's run fitted the forward KL
   * throughout (so a run started under the earlier reverse default resumes without --recipe); otherwise whether
   * the target has at most {@link ReverseKlOptions#FORWARD_MAX_DIM} dimensions ({@link ReverseKlOptions#forTarget}).
   */
  private boolean autoIsForward(Target t) {
    if (resumed != null) {
      // A checkpoint without a fingerprint predates the forward KL.
      return resumed.provenance().get(RunFingerprint.KEY) instanceof Map<?, ?> f
          && f.get("forwardFraction") instanceof Number n && n.doubleValue() == 1;
    }
    return t.dim() <= ReverseKlOptions.FORWARD_MAX_DIM;
  }

  /** Whether option {@code name} was given on the command line. */
  private boolean given(String name) {
    return spec.commandLine().getParseResult() != null
        && spec.commandLine().getParseResult().hasMatchedOption(name);
  }

  private boolean pathGradient() {
    String g = decoderGradient.trim().toLowerCase(java.util.Locale.ROOT);
    if (!g.equals("path") && !g.equals("total")) {
      throw new UserInputException("--decoder-gradient must be path or total, got '" + decoderGradient + "'");
    }
    return g.equals("path");
  }

  private void writeMetrics(Path path, SurrogateTraining.Result result) {
    List<String> cols = new ArrayList<>(List.of("step", "kl_iwae", "kl_iwae_se", "kl_sumo", "kl_sumo_se",
        "cross_entropy", "cross_entropy_se", "target_entropy", "hard_mass", "target_hard_mass", "log_z", "log_z_se",
        "log_z_ess", "log_z_pareto_k", "target_log_z", "forward_log_q", "forward_log_q_se", "forward_kl",
        "forward_kl_se", "modes_covered", "outside_support"));
    int dims = result.evaluations().isEmpty() ? 0 : result.evaluations().get(0).w1().length;
    for (int j = 0; j < dims; j++) {
      cols.add("w1_x" + j);
    }
    double[] rows = new double[result.evaluations().size() * cols.size()];
    int at = 0;
    for (SurrogateMetrics m : result.evaluations()) {
      double[] v = {m.step(), m.klIwae(), m.klIwaeSe(), m.klSumo(), m.klSumoSe(), m.crossEntropy(),
          m.crossEntropySe(), m.targetEntropy(), m.hardMass(), m.targetHardMass(), c(m).logZ().logZ(),
          c(m).logZ().logZSe(), c(m).logZ().ess(), c(m).logZ().paretoK(), c(m).targetLogZ(), c(m).forwardLogQ(),
          c(m).forwardLogQSe(), c(m).forwardKl(), c(m).forwardKlSe(), c(m).modesCovered(), c(m).outsideSupport()};
      System.arraycopy(v, 0, rows, at, v.length);
      at += v.length;
      for (double w : m.w1()) {
        rows[at++] = w;
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", result.status().name().toLowerCase(java.util.Locale.ROOT));
    json.put("steps", result.steps());
    json.put("warnings", result.warnings());
    List<Object> evals = new ArrayList<>();
    result.evaluations().forEach(m -> evals.add(m.toMap()));
    json.put("evaluations", evals);
    json.put("loss", result.losses());
    try {
      // Written on the way out after Ctrl-C: not discarded by the shutdown.
      CsvWriter.writeOnExit(path, cols, rows, java.util.Set.of("step"));
      AtomicFiles.writeString(jsonPath(path), Json.write(json));
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot write (" + IoErrors.reason(e) + ")", e);
    }
  }

  private static SamplerChecks c(SurrogateMetrics m) {
    return m.checks();
  }

  /**
   * Refuses to replace a file at the metrics JSON's path that is not a metrics JSON (its first key {@code status}):
   * the command line names only the CSV, so a file of the user's that happens to sit at its twin's name is kept.
   */
  private static void requireMetricsJsonReplaceable(Path json) {
    if (!Files.isRegularFile(json)) {
      return;
    }
    byte[] head = new byte[256];
    int n;
    try (java.io.InputStream in = Files.newInputStream(json)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new UserInputException(json + ": cannot read (" + IoErrors.reason(e) + "); it is where --metrics writes "
          + "its JSON twin");
    }
    String start = new String(head, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    if (!METRICS_JSON_START.matcher(start).lookingAt()) {
      throw new UserInputException(json + " exists and is not a metrics file of marginal target; the metrics JSON "
          + "would replace it (move it, or choose another --metrics)");
    }
  }

  /** How a metrics JSON begins: an object whose first key is {@code status}. */
  private static final java.util.regex.Pattern METRICS_JSON_START =
      java.util.regex.Pattern.compile("\\{\\s*\"status\"\\s*:");

  private static Path jsonPath(Path csv) {
    String name = csv.getFileName().toString();
    String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4)
        : name;
    return csv.resolveSibling(base + ".json");
  }

  private Map<String, Object> report(Target t, ReverseKlOptions o, SurrogateTraining.Result r, Path metricsPath) {
    Map<String, Object> rep = new LinkedHashMap<>();
    rep.put("target", t.name());
    rep.put("support", t.support().toString());
    rep.put("recipe", resolvedRecipe);
    rep.put("objective", o.objectiveLabel());
    if (!o.objectiveLabel().equals(o.objective().id())) {
      rep.put("encoder_objective", o.objective().id());
    }
    if (o.annealing().active()) {
      rep.put("annealing", String.format(java.util.Locale.ROOT, "β from %.2f to 1 over the first %.0f%% of "
          + "the iterations, reference N(0, %.3g²I)", o.annealing().startBeta(), 100 * o.annealing().fraction(),
          o.annealing().scaleFor(t)));
    }
    if (o.forward().active()) {
      rep.put("forward", String.format(java.util.Locale.ROOT, "importance-weighted forward KL over the first %.0f%% "
          + "of the iterations, %d proposals per step from N(%s, diag(%s²))", 100 * o.forward().fraction(),
          o.forward().proposals(), Arrays.toString(o.forward().centresFor(t)),
          Arrays.toString(o.forward().scalesFor(t))));
    }
    rep.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
    rep.put("steps", r.steps());
    if (!r.evaluations().isEmpty()) {
      SurrogateMetrics m = r.evaluations().get(r.evaluations().size() - 1);
      String what = m.normalized() ? "kl" : "kl_minus_log_z";
      withSe(rep, what + "_iwae" + evalK, m.klIwae(), m.klIwaeSe());
      withSe(rep, what + "_sumo", m.klSumo(), m.klSumoSe());
      rep.put("iwae" + evalK + "_weight_samples", m.iwaeDiagnostics().numSamples());
      rep.putAll(m.iwaeDiagnostics().toMap("iwae" + evalK + "_weights_"));
      withSe(rep, "cross_entropy", m.crossEntropy(), m.crossEntropySe());
      if (!Double.isNaN(m.targetEntropy())) {
        rep.put("target_entropy", m.targetEntropy());
      }
      if (m.w1().length > 0) {
        rep.put("w1", m.w1());
      }
      SamplerChecks c = m.checks();
      withSe(rep, "log_z", c.logZ().logZ(), c.logZ().logZSe());
      rep.put("log_z_ess", c.logZ().ess());
      rep.put("log_z_pareto_k", c.logZ().paretoK());
      rep.put("log_z_samples", c.logZ().size());
      if (!Double.isNaN(c.targetLogZ())) {
        rep.put("target_log_z", c.targetLogZ());
      }
      if (!Double.isNaN(c.forwardLogQ())) {
        withSe(rep, "forward_log_q", c.forwardLogQ(), c.forwardLogQSe());
      }
      if (!Double.isNaN(c.forwardKl())) {
        withSe(rep, "forward_kl", c.forwardKl(), c.forwardKlSe());
      }
      if (c.modes() > 0) {
        rep.put("modes_covered", Math.round(c.modesCovered() * c.modes()));
        rep.put("modes", c.modes());
      }
      if (!Double.isNaN(m.hardMass())) {
        rep.put("hard_region_mass", m.hardMass());
        rep.put("target_hard_region_mass", m.targetHardMass());
      }
    }
    rep.put("warnings", r.warnings().size());
    rep.put("metrics", metricsPath.toString());
    rep.put("out", out.toString());
    if (png != null) {
      rep.put("png", png.toString());
    }
    return rep;
  }

  /** A value and its standard error as two numbers, {@code name} and {@code name_se} (docs/json.md). */
  private static void withSe(Map<String, Object> rep, String name, double value, double se) {
    rep.put(name, value);
    rep.put(name + Commands.SE_SUFFIX, se);
  }

  private static <T> T input(java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }
}
