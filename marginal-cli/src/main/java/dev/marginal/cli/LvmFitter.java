package dev.marginal.cli;

import dev.marginal.api.DeepLvmFit;
import dev.marginal.api.DeepLvmOptions;
import dev.marginal.data.Binarization;
import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.estimators.Sumo;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Untrusted;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.tensor.Parallel;
import dev.marginal.train.CheckpointWriteException;
import dev.marginal.train.GradientEstimator;
import dev.marginal.train.LvmCheckpoint;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.RunFingerprint;
import dev.marginal.train.TrainingState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code marginal fit --model lvm}: turns the command-line settings into {@link DeepLvmOptions} and calls
 * {@link DeepLvmFit}, with a progress bar, checkpoints to {@code OUT.ckpt} (every {@code --checkpoint-every}
 * steps, at the end, and on Ctrl-C, when the run stops after the current step, saves before the JVM exits and
 * writes no model: the command's {@link InterruptGuard} is {@link FitRequest#stop()}) and resumption from
 * {@code --resume}. The fitting recipe lives in the library.
 */
final class LvmFitter {
  private LvmFitter() {}

  static Fitters.FitResult fit(FitRequest r) {
    LvmArgs.Settings s = r.lvm();
    Parallel.setThreads(r.threads());
    Dataset data = r.data();
    DeepLvmOptions options = options(s, r.seed(), r.standardize());
    DeepLvmFit.Control control = DeepLvmFit.Control.none().withCheckpoint(checkpointPath(r.out()))
        .withProvenanceExtras(Map.of("command_line", r.commandLine()));
    if (s.resume() != null) {
      ModelFile resumed = Commands.readModelFile(s.resume());
      CheckpointGuard.requireKind(s.resume(), resumed, RunFingerprint.Kind.DENSITY);
      control = control.withResume(resumed);
    }
    if (s.validation() != null) {
      Double fraction = fraction(s.validation());
      if (fraction != null) {
        options = options.withValidationFraction(fraction);
      } else {
        control = control.withValidation(DataSources.load(s.validation(), data.columns()));
      }
    }
    LvmTrainingOptions training = options.resolvedTraining();
    checkLimits(data, options, training, s);
    checkBinarization(data, options, s);
    for (String warning : DeepLvmFit.warnings(data, options)) {
      r.log().println("marginal: warning: " + OptionNames.withOptionNames(warning, List.of("standardize")));
      r.log().flush();
    }
    long total = DeepLvmFit.plannedSteps(data, options);
    DeepLvmFit.Result result;
    try {
      TerminalProgress progress = TerminalProgress.onTerminal("fit lvm " + training.objectiveLabel(), total,
          r.quiet());
      DeepLvmFit.Control c = control.withProgress(progress).withStop(r.stop());
      DeepLvmOptions o = options;
      result = input(s.resume() != null ? s.resume().toString() : data.source(), () -> DeepLvmFit.fit(data, o, c));
    } catch (CheckpointWriteException e) {
      throw Commands.rescued(e.path(), "the checkpoint", e.getCause(), e::writeTo);
    }
    if (result.state().status() == TrainingState.Status.INTERRUPTED) {
      // Before the command's interrupt guard closes: once it does, the JVM's exit may come before any later line.
      r.log().println("marginal: interrupted; resume with --resume " + checkpointPath(r.out()));
      r.log().flush();
      throw new InterruptGuard.Stopped();
    }
    TrainingState state = result.state();
    if (state.status() == TrainingState.Status.DIVERGED) {
      // Where no update had been applied yet (the first step), the step size is not the cause: no hint.
      throw state.step() == 0 ? TrainingFailedException.diverged(state.message(), r.out())
          : TrainingFailedException.diverged(state.message(), r.out(), s.clip() == null);
    }
    Map<String, Object> summary = new java.util.LinkedHashMap<>(result.summary());
    if (!result.warnings().isEmpty()) {
      summary.put("warnings", result.warnings().stream()
          .map(w -> OptionNames.withOptionNames(w, List.of("standardize"))).toList());
    }
    return new Fitters.FitResult(result.model(), summary, result.provenance());
  }

  /** The library's options from the flags; a flag left out keeps the library's default. */
  static DeepLvmOptions options(LvmArgs.Settings s, long seed, boolean standardize) {
    return input("options", () -> {
      DeepLvmOptions o = DeepLvmOptions.defaults().withSeed(seed).withStandardize(standardize);
      DeepLvmOptions.Architecture a = o.architecture();
      o = o.withArchitecture(new DeepLvmOptions.Architecture(s.latent() == null ? 0 : s.latent(),
          s.hidden() == null ? a.hidden() : s.hidden().stream().mapToInt(i -> i).toArray(),
          s.activation() == null ? Activation.TANH : Activation.parse(s.activation()),
          s.decoder() == null ? null : DeepLvm.Decoder.parse(s.decoder())));
      LvmTrainingOptions t = o.training();
      if (s.objective() != null) {
        t = t.withObjective(LvmTrainingOptions.Objective.parse(s.objective()));
      }
      if (s.gradient() != null) {
        t = t.withGradient(GradientEstimator.parse(s.gradient()));
      }
      if (s.k() != null) {
        t = t.withNumSamples(s.k());
      }
      if (s.minTerms() != null) {
        t = t.withMinTerms(s.minTerms());
      }
      if (s.epochs() != null) {
        t = t.withEpochs(s.epochs());
      }
      if (s.steps() != null) {
        t = t.withMaxSteps(s.steps());
      }
      if (s.batch() != null) {
        t = t.withBatchSize(s.batch());
      }
      if (s.lr() != null) {
        t = t.withLearningRate(s.lr());
      }
      if (s.clip() != null) {
        t = t.withClipNorm(s.clip());
      }
      if (s.lrFloor() != null) {
        t = t.withLrFloor(s.lrFloor());
      }
      if (s.patience() != null) {
        t = t.withPatience(s.patience());
      }
      if (s.checkpointEvery() != null) {
        t = t.withCheckpoint(null, s.checkpointEvery());
      }
      if (s.binarize() != null) {
        Binarization b = Binarization.parse(s.binarize());
        if (b != Binarization.NONE && s.decoder() != null && DeepLvm.Decoder.parse(s.decoder()).gaussian()) {
          throw new UserInputException("--binarize " + b + " applies to --decoder bernoulli only");
        }
        t = t.withBinarization(b);
      }
      o = o.withTraining(t);
      if (s.warmup() != null) {
        o = o.withWarmupEpochs(s.warmup());
      }
      if (s.perDatapoint()) {
        o = o.withInference(new DeepLvmOptions.Inference(true, s.localSteps() == null ? 0 : s.localSteps()));
      }
      return o;
    });
  }

  /**
   * The network and one step's activations must fit the machine (the heap), checked before any work. A refusal names
   * the options given that the size grows with (--latent for a latent dimension of 10⁸ with the default widths, not
   * --hidden), or, where none was given, the defaults that the data made too large.
   */
  private static void checkLimits(Dataset data, DeepLvmOptions options, LvmTrainingOptions training,
      LvmArgs.Settings s) {
    if (data.rows() == 0) {
      return;
    }
    // The widths' memory is checked before the network's configuration, whose own bounds (one array per weight
    // matrix) would otherwise speak first, naming the data rather than --hidden or --latent.
    DeepLvmOptions.Architecture a = options.architecture();
    java.util.List<Integer> hidden = java.util.Arrays.stream(a.hidden()).boxed().toList();
    int latent = a.latentDimFor(data.cols());
    Map<String, Object> network = new java.util.LinkedHashMap<>();
    network.put("--hidden", Limits.widths(hidden));
    network.put("--latent", latent);
    Limits.checkNetwork(Limits.Named.of(network, n -> n.equals("--hidden") ? s.hidden() != null : s.latent() != null),
        hidden, data.cols(), latent);
    DeepLvm.Config config = input(data.source(), () -> DeepLvmFit.config(data, options));
    boolean sumo = training.objective() == LvmTrainingOptions.Objective.SUMO;
    Map<String, Object> step = new java.util.LinkedHashMap<>();
    step.put(sumo ? "--min-terms" : "--k", sumo ? training.minTerms() : training.numSamples());
    step.put("--batch", training.batchSize());
    Limits.Named named = Limits.Named.of(step, n -> n.equals("--batch") ? s.batch() != null
        : sumo ? s.minTerms() != null : s.k() != null);
    double perPoint = sumo ? Math.ceil(Sumo.of(training.minTerms()).expectedSamplesPerPoint())
        : training.numSamples();
    long samplesPerStep = Limits.saturatingMultiply(training.batchSize(), (long) Math.min(perPoint, Long.MAX_VALUE));
    Limits.fitsInHeap(named.given(), Limits.activationBytes(config, samplesPerStep), "a training step's "
        + (sumo ? "SUMO samples" : "K importance samples per point"), named.change());
  }

  /**
   * {@code --binarize} other than none needs a Bernoulli decoder, also when the decoder is left to its default: the
   * library would otherwise drop the binarization of Gaussian-decoded data without a word.
   */
  private static void checkBinarization(Dataset data, DeepLvmOptions options, LvmArgs.Settings s) {
    if (s.binarize() == null || s.decoder() != null || data.rows() == 0
        || options.training().binarization() == Binarization.NONE) {
      return;
    }
    DeepLvm.Decoder decoder = input(data.source(), () -> DeepLvmFit.config(data, options)).decoder();
    if (!decoder.gaussian()) {
      return;
    }
    boolean unit = options.standardize()
        && !input(data.source(), () -> DeepLvmFit.config(data, options.withStandardize(false))).decoder().gaussian();
    String reason = unit ? "standardized data; leave out --standardize for a Bernoulli decoder of data in [0, 1]"
        : data.source() + " (values outside [0, 1]); --decoder bernoulli needs data in [0, 1]";
    throw new UserInputException("--binarize " + options.training().binarization() + " applies to --decoder "
        + "bernoulli only, and the decoder is " + decoder.id() + " by default for " + reason
        + ", or leave out --binarize");
  }

  /**
   * The validation fraction of {@code spec}, or null when it names a data source. Text that Java reads as a number
   * but is not decimal (hexadecimal {@code 0x1p-3}, {@code NaN}, {@code Infinity}, {@code 0.1d}) is refused, as in
   * every other numeric option.
   */
  private static Double fraction(String spec) {
    if (!Decimals.isDecimal(spec)) {
      try {
        Double.parseDouble(spec);
      } catch (NumberFormatException notANumber) {
        return null;
      }
      throw new UserInputException("--validation: " + Untrusted.quoted(spec) + " is not a decimal number (a fraction "
          + "such as 0.1, or a data source)");
    }
    double f = Double.parseDouble(spec);
    if (!(f > 0 && f < 1)) {
      throw new UserInputException("--validation fraction must be in (0, 1), got " + spec);
    }
    return f;
  }

  static Path checkpointPath(Path out) {
    return out.resolveSibling(out.getFileName() + ".ckpt");
  }

  /** Runs a library call; its argument errors become one-line input errors naming {@code what}. */
  private static <T> T input(String what, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (UserInputException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw what.equals("options") ? new UserInputException(e.getMessage(), e) : UserInputException.about(what, e);
    }
  }

  /** Training stopped without a usable model (divergence): exit code 1, the last checkpoint kept. */
  static final class TrainingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TrainingFailedException(String message) {
      super(message);
    }

    /**
     * A diverged run of {@code fit} or {@code target} on {@code out}: the library's message, with the path of this
     * command's {@code MODEL.ckpt} where the message names a checkpoint (only when the run wrote one), and what to
     * change: a smaller step size, or a bound on the gradient where the run had none.
     *
     * @param unclipped whether the run's gradient was unbounded (no --clip)
     */
    static TrainingFailedException diverged(String message, Path out, boolean unclipped) {
      return diverged(message, out, unclipped, "--lr");
    }

    /**
     * As {@link #diverged(String, Path, boolean)}, naming {@code rates} as the step sizes to lower ("--lr,
     * --encoder-lr" where the run set the encoder's own).
     */
    static TrainingFailedException diverged(String message, Path out, boolean unclipped, String rates) {
      String m = message.contains(LvmCheckpoint.LAST_GOOD) ? message + " (" + checkpointPath(out) + ")" : message;
      return new TrainingFailedException(m + (unclipped ? "; lower " + rates + " or bound the gradient with --clip"
          : "; lower " + rates + " or --clip"));
    }

    /** A diverged run whose cause is not the step size (e.g. a target's density that turned NaN). */
    static TrainingFailedException diverged(String message, Path out) {
      return new TrainingFailedException(message.contains(LvmCheckpoint.LAST_GOOD)
          ? message + " (" + checkpointPath(out) + ")" : message);
    }
  }
}
