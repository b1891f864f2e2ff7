package dev.marginal.cli;

import dev.marginal.data.Binarization;
import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.data.Standardizer;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.models.LocalPosteriors;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.train.GradientEstimator;
import dev.marginal.train.LvmCheckpoint;
import dev.marginal.train.LvmTrainer;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.Progress;
import dev.marginal.train.RunFingerprint;
import dev.marginal.train.TrainingState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code marginal fit --model lvm}: builds a deep LVM from the command-line settings, trains it (resuming from a
 * checkpoint when asked) and returns it. Checkpoints go to {@code OUT.ckpt}: every {@code --checkpoint-every} steps,
 * at the end, and on Ctrl-C, when the run stops after the current step and saves before the JVM exits.
 */
final class LvmFitter {
  /** Default hidden widths. */
  static final List<Integer> DEFAULT_HIDDEN = List.of(200, 200);
  /** Default latent dimension for image-sized data and for low-dimensional data. */
  static final int DEFAULT_LATENT_IMAGES = 50;
  static final int DEFAULT_LATENT_SMALL = 2;

  private LvmFitter() {}

  static Fitters.FitResult fit(FitRequest r) {
    LvmArgs.Settings s = r.lvm();
    Parallel.setDefaultThreads(r.threads());
    Dataset data = r.data();
    if (data.rows() == 0) {
      throw new UserInputException(data.source() + ": no data rows");
    }
    DeepLvm.Decoder decoder = s.decoder() != null ? DeepLvm.Decoder.parse(s.decoder())
        : inUnitInterval(data) && !r.standardize() ? DeepLvm.Decoder.BERNOULLI : DeepLvm.Decoder.GAUSSIAN;
    if (decoder == DeepLvm.Decoder.BERNOULLI && r.standardize()) {
      throw new UserInputException("--standardize needs --decoder gaussian (a Bernoulli decoder models [0,1] data)");
    }
    if (decoder == DeepLvm.Decoder.BERNOULLI && !inUnitInterval(data)) {
      throw new UserInputException(data.source() + ": --decoder bernoulli needs values in [0, 1]");
    }
    LvmTrainingOptions options;
    try {
      options = options(s, r.seed(), decoder);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    Standardizer standardizer = r.standardize() ? Standardizer.fit(data) : null;
    Dataset train = standardizer == null ? data : standardizer.apply(data);
    Dataset validation = null;
    if (s.validation() != null) {
      Dataset[] split = validation(s.validation(), train, data, standardizer, r.seed());
      train = split[0];
      validation = split[1];
    }
    train = options.binarization().prepare(train, RngKey.of(r.seed()).foldIn(0x42));
    int latent = s.latent() != null ? s.latent()
        : data.cols() > 20 ? DEFAULT_LATENT_IMAGES : DEFAULT_LATENT_SMALL;
    List<Integer> hidden = s.hidden() != null ? s.hidden() : DEFAULT_HIDDEN;
    Limits.checkNetwork("--hidden", hidden, data.cols(), latent);
    DeepLvm.Config config = new DeepLvm.Config(data.cols(), latent, hidden.stream().mapToInt(i -> i).toArray(),
        s.activation() == null ? Activation.TANH : parse(() -> Activation.parse(s.activation())), decoder);
    Map<String, Object> fingerprint =
        RunFingerprint.of(options, data, s.validation(), r.standardize(), config, s.perDatapoint());
    LvmDensityModel model;
    LvmTrainer trainer;
    if (s.resume() != null) {
      ModelFile file = Commands.readModelFile(s.resume());
      try {
        RunFingerprint.check(file.provenance(), fingerprint);
        model = LvmDensityModel.fromFile(file);
        if (s.perDatapoint() && !model.perDatapoint()) {
          throw new UserInputException(s.resume() + ": --per-datapoint given, but the checkpoint is of a run with "
              + "the amortized encoder");
        }
        LocalPosteriors local = model.perDatapoint() ? LvmCheckpoint.localPosteriors(file) : null;
        trainer = new LvmTrainer(model.model(), local, options);
        LvmCheckpoint.restore(file, trainer);
      } catch (IllegalArgumentException e) {
        throw new UserInputException(s.resume() + ": " + e.getMessage(), e);
      }
      if (model.dim() != data.cols()) {
        throw new UserInputException(s.resume() + ": checkpoint is " + model.dim() + "-D but " + data.source()
            + " has " + data.cols() + " columns");
      }
    } else {
      DeepLvm fresh = DeepLvm.create(config, RngKey.of(r.seed()), columnMeans(train));
      LvmDensityModel amortized = new LvmDensityModel(fresh, data.columns(), standardizer);
      if (s.perDatapoint()) {
        LocalPosteriors local = LocalPosteriors.atPrior(train.rows(), latent);
        model = amortized.withPerDatapointInference(localFit(s));
        trainer = parse(() -> new LvmTrainer(fresh, local, options));
      } else {
        model = amortized;
        trainer = parse(() -> new LvmTrainer(fresh, options));
      }
    }
    long samplesPerStep = (long) options.batchSize() * options.numSamples();
    Limits.fitsInHeap("--k", options.numSamples(), Limits.activationBytes(model.model().config(), samplesPerStep),
        "--batch " + options.batchSize() + " rows of K importance samples per step");
    TrainingState state = train(r, model, trainer, options, train, validation, fingerprint);
    return new Fitters.FitResult(model, summary(state, trainer, options));
  }

  private static TrainingState train(FitRequest r, LvmDensityModel model, LvmTrainer trainer,
      LvmTrainingOptions options, Dataset train, Dataset validation, Map<String, Object> fingerprint) {
    Path ckpt = checkpointPath(r.out());
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("seed", r.seed());
    provenance.put("data", r.data().source());
    provenance.put("options", options.toMap());
    provenance.put(RunFingerprint.KEY, fingerprint);
    long perEpoch = (train.rows() + options.batchSize() - 1) / options.batchSize();
    long total = options.maxSteps() > 0 ? options.maxSteps() : perEpoch * options.epochs();
    Progress progress = TerminalProgress.onTerminal("fit lvm " + options.objectiveLabel(), total, r.quiet());
    try (InterruptGuard guard = new InterruptGuard()) {
      TrainingState state = trainer.fit(train, validation, progress, guard::stopRequested,
          t -> LvmCheckpoint.write(ckpt, model, t, provenance));
      if (state.status() == TrainingState.Status.DIVERGED) {
        throw new TrainingFailedException(state.message() + " (" + ckpt + ")");
      }
      if (state.status() == TrainingState.Status.INTERRUPTED) {
        r.log().println("marginal: interrupted; resume with --resume " + ckpt);
        r.log().flush();
      }
      return state;
    } catch (IOException e) {
      throw Commands.rescued(ckpt, "the checkpoint", e, p -> LvmCheckpoint.write(p, model, trainer, provenance));
    } catch (IllegalArgumentException e) {
      throw new UserInputException(r.data().source() + ": " + e.getMessage(), e);
    }
  }

  private static LocalPosteriorFit localFit(LvmArgs.Settings s) {
    LocalPosteriorFit fit = LocalPosteriorFit.defaults();
    return s.localSteps() == null ? fit : fit.withSteps(s.localSteps());
  }

  static Path checkpointPath(Path out) {
    return out.resolveSibling(out.getFileName() + ".ckpt");
  }

  private static LvmTrainingOptions options(LvmArgs.Settings s, long seed, DeepLvm.Decoder decoder) {
    LvmTrainingOptions o = LvmTrainingOptions.defaults().withSeed(seed);
    if (s.objective() != null) {
      o = o.withObjective(LvmTrainingOptions.Objective.parse(s.objective()));
    }
    if (s.k() != null) {
      o = o.withNumSamples(s.k());
    }
    if (s.minTerms() != null) {
      o = o.withMinTerms(s.minTerms());
    }
    if (s.epochs() != null) {
      o = o.withEpochs(s.epochs());
    }
    if (s.steps() != null) {
      o = o.withMaxSteps(s.steps());
    }
    if (s.batch() != null) {
      o = o.withBatchSize(s.batch());
    }
    if (s.lr() != null) {
      o = o.withLearningRate(s.lr());
    }
    if (s.clip() != null) {
      o = o.withClipNorm(s.clip());
    }
    if (s.lrFloor() != null) {
      o = o.withLrFloor(s.lrFloor());
    }
    if (s.patience() != null) {
      o = o.withPatience(s.patience());
    }
    if (s.checkpointEvery() != null) {
      o = o.withCheckpoint(null, s.checkpointEvery());
    }
    if (s.gradient() != null) {
      o = o.withGradient(GradientEstimator.parse(s.gradient()));
    }
    Binarization b = s.binarize() != null ? Binarization.parse(s.binarize())
        : decoder == DeepLvm.Decoder.BERNOULLI ? Binarization.DYNAMIC : Binarization.NONE;
    if (b != Binarization.NONE && decoder == DeepLvm.Decoder.GAUSSIAN) {
      throw new UserInputException("--binarize " + b + " applies to --decoder bernoulli only");
    }
    o = o.withBinarization(b);
    return s.warmup() == null ? o : o.withWarmupEpochs(s.warmup());
  }

  /** Training and validation rows from a fraction ("0.1") or a data source. */
  private static Dataset[] validation(String spec, Dataset train, Dataset raw, Standardizer standardizer, long seed) {
    try {
      double fraction = Double.parseDouble(spec);
      if (!(fraction > 0 && fraction < 1)) {
        throw new UserInputException("--validation fraction must be in (0, 1), got " + spec);
      }
      Dataset.Split split = train.split(1 - fraction, RngKey.of(seed).foldIn(0x56));
      if (split.validation().rows() == 0 || split.train().rows() == 0) {
        throw new UserInputException("--validation " + spec + " leaves no rows in one part of " + raw.source());
      }
      return new Dataset[] {split.train(), split.validation()};
    } catch (NumberFormatException notANumber) {
      Dataset v = DataSources.load(spec, raw.columns());
      if (v.cols() != raw.cols()) {
        throw new UserInputException(spec + ": " + v.cols() + " columns, training data has " + raw.cols());
      }
      return new Dataset[] {train, standardizer == null ? v : standardizer.apply(v)};
    }
  }

  private static Map<String, Object> summary(TrainingState state, LvmTrainer trainer, LvmTrainingOptions o) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("architecture", trainer.model().config().toString());
    s.put("objective", o.objectiveLabel());
    s.put("gradient", o.gradient().id());
    s.put("inference", trainer.localPosteriors() == null ? "amortized" : LvmDensityModel.PER_DATAPOINT);
    s.put("status", state.status().name().toLowerCase(java.util.Locale.ROOT));
    s.put("steps", state.step());
    s.put("epochs", state.history().size());
    if (!state.history().isEmpty()) {
      TrainingState.EpochRecord last = state.history().get(state.history().size() - 1);
      s.put("train_objective", last.train());
      if (!Double.isNaN(last.validation())) {
        s.put("validation_objective", last.validation());
      }
    }
    if (!state.message().isEmpty()) {
      s.put("message", state.message());
    }
    return s;
  }

  private static boolean inUnitInterval(Dataset d) {
    for (float v : d.values()) {
      if (!(v >= 0f && v <= 1f)) {
        return false;
      }
    }
    return true;
  }

  private static float[] columnMeans(Dataset d) {
    double[] m = new double[d.cols()];
    float[] v = d.values();
    for (int i = 0; i < d.rows(); i++) {
      for (int j = 0; j < d.cols(); j++) {
        m[j] += v[i * d.cols() + j];
      }
    }
    float[] out = new float[d.cols()];
    for (int j = 0; j < out.length; j++) {
      out[j] = (float) (m[j] / d.rows());
    }
    return out;
  }

  private static <T> T parse(java.util.function.Supplier<T> p) {
    try {
      return p.get();
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }

  /** Training stopped without a usable model (divergence): exit code 1, the last checkpoint kept. */
  static final class TrainingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TrainingFailedException(String message) {
      super(message);
    }
  }
}
