package dev.marginal.api;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Batches;
import dev.marginal.data.Binarization;
import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.data.FiniteValues;
import dev.marginal.data.Standardizer;
import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Provenance;
import dev.marginal.io.Untrusted;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.LocalPosteriors;
import dev.marginal.random.RngKey;
import dev.marginal.train.CheckpointWriteException;
import dev.marginal.train.EpochMetrics;
import dev.marginal.train.LvmCheckpoint;
import dev.marginal.train.LvmTrainer;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.Progress;
import dev.marginal.train.RunFingerprint;
import dev.marginal.train.SurrogateReport;
import dev.marginal.train.TrainingState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Fits a deep LVM to data in one call: chooses the decoder and latent size from the data (unless given),
 * standardizes and splits off validation rows when asked, binarizes Bernoulli-decoded data, builds the model
 * (decoder bias at the column means), trains it with {@link LvmTrainer} and returns it as a {@link LvmDensityModel}
 * with its training record and {@link Provenance}.
 *
 * <pre>{@code
 * DeepLvmFit.Result fit = DeepLvmFit.fit(data, DeepLvmOptions.defaults().withEpochs(20));
 * LvmDensityModel model = fit.model();
 * }</pre>
 *
 * <p>Randomness: the initial weights come from {@code RngKey.of(seed)}, a fixed binarization from its stream
 * {@code 0x42}, the validation split from its stream {@code 0x56}; training's keys are {@link LvmTrainer}'s.
 */
public final class DeepLvmFit {
  private DeepLvmFit() {}

  /**
   * A fitted model and how it was made.
   *
   * @param model the trained model (per-datapoint models fit q for new rows on the spot)
   * @param state the run's counters, per-epoch objectives and how it ended (completed, early-stopped,
   *     interrupted or diverged); its objectives are the trainer's, of the model's own (for a standardized fit,
   *     standardized) units: {@link #summary()} and the progress listener add {@link #logJacobian()}
   * @param options the options as resolved for this run
   * @param provenance seed, data, options, versions and wall time
   * @param warnings what {@link DeepLvmFit#warnings} said of the data and options before training, one line each
   */
  public record Result(LvmDensityModel model, TrainingState state, LvmTrainingOptions options,
      Provenance provenance, List<String> warnings) {
    /** Copies the warnings. */
    public Result {
      warnings = List.copyOf(warnings);
    }

    /** A result without warnings. */
    public Result(LvmDensityModel model, TrainingState state, LvmTrainingOptions options, Provenance provenance) {
      this(model, state, options, provenance, List.of());
    }

    /** Whether the run ended with a usable model (not diverged). */
    public boolean usable() {
      return state.status() != TrainingState.Status.DIVERGED;
    }

    /**
     * −Σ_j log sd_j for a fit to standardized data, else 0: added to a per-row log-density (an objective) of the
     * model's units, it gives the value in the data's units, as the model's scores are.
     */
    public double logJacobian() {
      return DeepLvmFit.logJacobian(model);
    }

    /**
     * What a report shows: architecture (as the model's {@link LvmDensityModel#describe()}: the decoder alone for a
     * per-datapoint model), objective, gradient, inference, status, steps, epochs, last objectives (in
     * the data's units, as the model's scores are, also for a fit to standardized data).
     */
    public Map<String, Object> summary() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("architecture", model.describe().get("architecture"));
      s.put("objective", options.objectiveLabel());
      s.put("gradient", options.gradient().id());
      s.put("inference", model.perDatapoint() ? LvmDensityModel.PER_DATAPOINT : "amortized");
      s.put("status", state.status().name().toLowerCase(Locale.ROOT));
      s.put("steps", state.step());
      s.put("epochs", state.history().size());
      if (!state.history().isEmpty()) {
        TrainingState.EpochRecord last = state.history().get(state.history().size() - 1);
        s.put("train_objective", last.train() + logJacobian());
        if (!Double.isNaN(last.validation())) {
          s.put("validation_objective", last.validation() + logJacobian());
        }
      }
      if (!state.message().isEmpty()) {
        s.put("message", state.message());
      }
      return s;
    }
  }

  /**
   * How a fit is watched and controlled; every part is optional.
   *
   * @param progress receives every step, an {@link dev.marginal.train.EpochMetrics} at the end of every epoch, and
   *     the end of the run; objectives in the data's units (for a fit to standardized data, the trainer's plus
   *     {@link Result#logJacobian()})
   * @param stop polled after every step: when it returns true the run checkpoints and stops (INTERRUPTED)
   * @param checkpoint file the run checkpoints to (every {@code checkpointEvery} steps of the training options, at
   *     the end and when stopped), or null for the training options' own file
   *     ({@link LvmTrainingOptions#withCheckpoint}), if any; its directory must exist (a missing one is not created: the first write fails with a
   *     {@link CheckpointWriteException})
   * @param resume a checkpoint to continue from, or null
   * @param validation held-out rows (in the data's own units) instead of a validation fraction, at least one, or
   *     null; rows that hold none are refused by {@link #fit(Dataset, DeepLvmOptions, Control)} (they would give no
   *     validation objective, so early stopping would never act)
   * @param provenanceExtras entries added to the provenance stored in checkpoints (a command line, say)
   */
  public record Control(Progress progress, BooleanSupplier stop, Path checkpoint, ModelFile resume,
      Dataset validation, Map<String, Object> provenanceExtras) {
    public Control {
      Objects.requireNonNull(progress, "progress");
      Objects.requireNonNull(stop, "stop");
      provenanceExtras = Map.copyOf(provenanceExtras);
    }

    /** No listener, no checkpoints, runs to the end. */
    public static Control none() {
      return new Control(Progress.silent(), () -> false, null, null, null, Map.of());
    }

    /** Who hears every step, epoch and the end of the run. */
    public Control withProgress(Progress p) {
      return new Control(p, stop, checkpoint, resume, validation, provenanceExtras);
    }

    /** Polled after every step: true checkpoints (where a file is set) and stops the run as INTERRUPTED. */
    public Control withStop(BooleanSupplier s) {
      return new Control(progress, s, checkpoint, resume, validation, provenanceExtras);
    }

    /**
     * Checkpoints to {@code path} every {@code checkpointEvery} steps of the training options (0 = at the end and
     * when stopped only); {@link DeepLvmOptions#withCheckpoint} sets both in the options instead.
     */
    public Control withCheckpoint(Path path) {
      return new Control(progress, stop, path, resume, validation, provenanceExtras);
    }

    /** Continues the run of {@code file}, a checkpoint, with the same settings (the length may change). */
    public Control withResume(ModelFile file) {
      return new Control(progress, stop, checkpoint, file, validation, provenanceExtras);
    }

    /** Held-out rows for validation and early stopping, instead of a validation fraction. */
    public Control withValidation(Dataset rows) {
      return new Control(progress, stop, checkpoint, resume, rows, provenanceExtras);
    }

    /** Entries added to the provenance stored in checkpoints. */
    public Control withProvenanceExtras(Map<String, Object> extras) {
      return new Control(progress, stop, checkpoint, resume, validation, extras);
    }
  }

  /** Fits rows given as {@code float[n][d]} (columns named x0, x1, ...). */
  public static Result fit(float[][] rows, DeepLvmOptions options) {
    return fit(Dataset.ofRows(rows), options);
  }

  /** Fits {@code data} with no listener and no checkpoints. */
  public static Result fit(Dataset data, DeepLvmOptions options) {
    return fit(data, options, Control.none());
  }

  /**
   * Fits {@code data} under {@code control}.
   *
   * @throws ParameterException for options that do not fit the data (a Bernoulli decoder for data outside [0, 1],
   *     a checkpoint of another dimension or inference), validation rows that hold none, validation rows together
   *     with a validation fraction, or two different checkpoint files, before any training
   * @throws DataException naming the point and column of a NaN or infinity in the data or the validation rows,
   *     before any training
   * @throws CheckpointWriteException if a checkpoint cannot be written (it can still be written elsewhere)
   */
  public static Result fit(Dataset data, DeepLvmOptions options, Control control) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(control, "control");
    Provenance.Clock clock = Provenance.startClock();
    if (data.rows() == 0) {
      throw new IllegalArgumentException(data.source() + ": no data rows");
    }
    FiniteValues.require(data);
    DeepLvm.Decoder decoder = decoder(data, options);
    LvmTrainingOptions training = resumedWarmup(options.resolvedTraining(), options, control.resume());
    if (decoder.gaussian()) {
      training = training.withBinarization(Binarization.NONE);
    }
    Standardizer standardizer = options.standardize() ? Standardizer.fit(data) : null;
    Dataset train = standardizer == null ? data : standardizer.apply(data);
    Dataset validation = null;
    if (control.validation() != null) {
      if (options.validationFraction() > 0) {
        throw ParameterException.about(List.of("validationFraction"), "validationFraction "
            + options.validationFraction() + " and validation rows (" + control.validation().source()
            + ") both given; set one");
      }
      if (control.validation().cols() != data.cols()) {
        throw new IllegalArgumentException(control.validation().source() + ": " + control.validation().cols()
            + " columns, training data has " + data.cols());
      }
      LvmTrainer.requireValidationRows(control.validation());
      FiniteValues.require(control.validation());
      validation = standardizer == null ? control.validation() : standardizer.apply(control.validation());
    } else if (options.validationFraction() > 0) {
      Dataset.Split split = train.split(1 - options.validationFraction(), RngKey.of(training.seed()).foldIn(0x56));
      if (split.validation().rows() == 0 || split.train().rows() == 0) {
        throw ParameterException.of("validationFraction", options.validationFraction() + " leaves no rows for "
            + "training or for validation of the " + data.rows() + " rows");
      }
      train = split.train();
      validation = split.validation();
    }
    train = training.binarization().prepare(train, RngKey.of(training.seed()).foldIn(0x42));
    DeepLvm.Config config = config(data, options);
    String validationSetting = control.validation() != null ? control.validation().source()
        : options.validationFraction() > 0 ? String.valueOf(options.validationFraction()) : null;
    Map<String, Object> fingerprint = RunFingerprint.of(training, data, validationFingerprint(control, options),
        options.standardize(), config, options.inference().perDatapoint(), localFit(options.inference()).steps());
    LvmDensityModel model;
    LvmTrainer trainer;
    if (control.resume() != null) {
      RunFingerprint.check(withSavedLocalSteps(control.resume()), fingerprint);
      model = LvmDensityModel.fromFile(control.resume());
      if (options.inference().perDatapoint() && !model.perDatapoint()) {
        throw ParameterException.about(List.of("perDatapoint"), "perDatapoint inference asked for, but the "
            + "checkpoint is of a run with the amortized encoder");
      }
      if (model.dim() != data.cols()) {
        throw new IllegalArgumentException("checkpoint is " + model.dim() + "-D but " + data.source() + " has "
            + data.cols() + " columns");
      }
      LocalPosteriors local = model.perDatapoint() ? LvmCheckpoint.localPosteriors(control.resume()) : null;
      trainer = new LvmTrainer(model.model(), local, training);
      LvmCheckpoint.restore(control.resume(), trainer);
    } else {
      int latent = config.latentDim();
      DeepLvm fresh = DeepLvm.create(config, RngKey.of(training.seed()), columnMeans(train));
      LvmDensityModel amortized = new LvmDensityModel(fresh, data.columns(), standardizer);
      if (options.inference().perDatapoint()) {
        model = amortized.withPerDatapointInference(localFit(options.inference()));
        trainer = new LvmTrainer(fresh, LocalPosteriors.atPrior(train.rows(), latent), training);
      } else {
        model = amortized;
        trainer = new LvmTrainer(fresh, training);
      }
    }
    Map<String, Object> settings = settings(training, config, options, validationSetting);
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put(RunFingerprint.KEY, fingerprint);
    extras.putAll(control.provenanceExtras());
    long seed = training.seed();
    Supplier<Map<String, Object>> checkpointProvenance = () -> {
      Map<String, Object> p = clock.stop(seed, data.source(), data.rows(), data.columns(), settings).toMap();
      p.putAll(extras);
      return p;
    };
    Progress progress = inDataUnits(control.progress(), logJacobian(model));
    TrainingState state = train(trainer, model, train, validation, control, checkpointPath(control, training),
        progress, checkpointProvenance);
    Provenance provenance = clock.stop(seed, data.source(), data.rows(), data.columns(), settings);
    return new Result(model, state, training, provenance, warnings(data, options));
  }

  /**
   * Column standard deviations between which a Gaussian decoder learned the data as given at least as well as
   * standardized. Draws of two moons (standard deviations 1.74 and 1.00) scaled by s, 64-64 decoders, 1,000 steps,
   * held-out log-likelihood of the columns as given against standardized: s = 1 and 3 (up to 5.2) 0.02 and 0.1 nats
   * better, s = 0.3 (down to 0.30) and 5 (up to 8.7) 0.2 and 0.3 nats worse, s = 0.1, 10 and 100 0.6, 1.3 and 11 nats
   * worse (BENCHMARKS.md, "A Gaussian decoder and the data's scale"). Every toy data set at its default size lies
   * inside.
   */
  static final double SCALE_LOW = 0.5;
  static final double SCALE_HIGH = 6;

  /**
   * What a fit of {@code data} with {@code options} warns of, one line each, before it trains: now one warning,
   * when a Gaussian decoder would fit columns as given whose standard deviations lie outside
   * [{@value #SCALE_LOW}, {@value #SCALE_HIGH}] (constant columns aside), where such a decoder learned worse than
   * on standardized columns; {@code standardize} fits standardized columns, the scores staying in the data's units. A
   * Bernoulli decoder or a standardized fit gets none. {@link #fit(Dataset, DeepLvmOptions, Control)} returns the same
   * list in its {@link Result#warnings()}.
   *
   * @throws ParameterException as the fit does for a Bernoulli decoder asked for data outside [0, 1]
   */
  public static List<String> warnings(Dataset data, DeepLvmOptions options) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    if (data.rows() == 0 || options.standardize() || !decoder(data, options).gaussian()) {
      return List.of();
    }
    return scaleWarnings(data.source(), data.columns(), Standardizer.fit(data).sd());
  }

  /**
   * The warning of {@link #warnings} for columns of standard deviations {@code sd} (population, as
   * {@link Standardizer#fit} computes them, 1 for a constant column), fitted as given by a Gaussian decoder: none
   * when every one lies inside [{@value #SCALE_LOW}, {@value #SCALE_HIGH}].
   */
  static List<String> scaleWarnings(String source, List<String> columns, double[] sd) {
    List<Integer> outside = new java.util.ArrayList<>();
    for (int j = 0; j < sd.length; j++) {
      if (sd[j] < SCALE_LOW || sd[j] > SCALE_HIGH) {
        outside.add(j);
      }
    }
    if (outside.isEmpty()) {
      return List.of();
    }
    String named = Untrusted.columnsWithValues(columns, outside, sd);
    return List.of(String.format(Locale.ROOT, "%s: standard deviation outside %.1f to %.0f in %s %s; a gaussian"
        + " decoder fits such columns worse as given than standardized (BENCHMARKS.md): standardize fits"
        + " standardized columns (the scores stay in the data's units)", source, SCALE_LOW, SCALE_HIGH,
        outside.size() == 1 ? "column" : outside.size() + " of " + sd.length + " columns:", named));
  }

  /**
   * The validation setting as the run's fingerprint holds it: a fraction as given, held-out rows by their content, as
   * the data (other rows under the same name are another run; the same rows under another path are not). A checkpoint
   * written when fingerprints named the rows by their source is compared by the source, as then.
   */
  private static String validationFingerprint(Control control, DeepLvmOptions options) {
    Dataset rows = control.validation();
    if (rows == null) {
      return options.validationFraction() > 0 ? String.valueOf(options.validationFraction()) : null;
    }
    if (control.resume() != null
        && control.resume().provenance().get(RunFingerprint.KEY) instanceof Map<?, ?> saved
        && rows.source().equals(saved.get("validation"))) {
      return rows.source();
    }
    return RunFingerprint.contents(rows);
  }

  /**
   * The checkpoint's provenance as its fingerprint is compared. A per-datapoint checkpoint written before fingerprints
   * recorded the local fit's steps is compared by the steps its model saved ({@code localFitSteps} of its
   * configuration), which its resumed model would keep.
   */
  private static Map<String, Object> withSavedLocalSteps(ModelFile resume) {
    Map<String, Object> provenance = resume.provenance();
    if (!(provenance.get(RunFingerprint.KEY) instanceof Map<?, ?> saved)
        || saved.containsKey(RunFingerprint.LOCAL_STEPS) || !Boolean.TRUE.equals(saved.get("perDatapoint"))
        || !(resume.config().get("localFitSteps") instanceof Number steps)) {
      return provenance;
    }
    Map<String, Object> fingerprint = new LinkedHashMap<>();
    saved.forEach((k, v) -> fingerprint.put(String.valueOf(k), v));
    fingerprint.put(RunFingerprint.LOCAL_STEPS, steps);
    Map<String, Object> p = new LinkedHashMap<>(provenance);
    p.put(RunFingerprint.KEY, fingerprint);
    return p;
  }

  /**
   * The checkpoint file: the control's, or else the training options' ({@link LvmTrainingOptions#withCheckpoint});
   * two different files are refused rather than one of them ignored.
   */
  private static Path checkpointPath(Control control, LvmTrainingOptions training) {
    Path fromControl = control.checkpoint();
    Path fromOptions = training.checkpoint();
    if (fromControl != null && fromOptions != null && !fromControl.equals(fromOptions)) {
      throw ParameterException.about(List.of("checkpoint"), "two checkpoint files: " + fromControl
          + " (Control.withCheckpoint) and " + fromOptions + " (the training options); set one");
    }
    return fromControl != null ? fromControl : fromOptions;
  }

  private static TrainingState train(LvmTrainer trainer, LvmDensityModel model, Dataset train, Dataset validation,
      Control control, Path ckpt, Progress progress, Supplier<Map<String, Object>> provenance) {
    try {
      return trainer.fit(train, validation, progress, control.stop(), ckpt == null ? LvmTrainer.CheckpointSink.NONE
          : t -> LvmCheckpoint.write(ckpt, model, t, provenance.get()));
    } catch (IOException e) {
      throw new CheckpointWriteException(ckpt, e, p -> LvmCheckpoint.write(p, model, trainer, provenance.get()));
    }
  }

  private static double logJacobian(LvmDensityModel model) {
    return model.standardizer() == null ? 0 : model.standardizer().logJacobian();
  }

  /**
   * {@code p} receiving objectives shifted by {@code logJacobian}: the trainer's per-row objectives are of the model's
   * (standardized) rows; shifted, of the data's. The gradient, and so the training, is the same either way.
   */
  private static Progress inDataUnits(Progress p, double logJacobian) {
    if (logJacobian == 0) {
      return p;
    }
    return new Progress() {
      @Override
      public void update(long step, long examples, double objective) {
        p.update(step, examples, objective + logJacobian);
      }

      @Override
      public void epoch(EpochMetrics m) {
        p.epoch(new EpochMetrics(m.epoch(), m.step(), m.trainingObjective() + logJacobian,
            m.validationObjective() + logJacobian, m.learningRate(), m.examplesPerSecond()));
      }

      @Override
      public void report(SurrogateReport r) {
        p.report(r);
      }

      @Override
      public void finish() {
        p.finish();
      }
    };
  }

  /**
   * The options this run was made with, for its provenance: the training options ({@link LvmTrainingOptions#toMap()}),
   * the network as built ({@code latent}, {@code hidden}, {@code activation}, {@code decoder}), {@code inference}
   * (with the steps of the local fit it made, {@code localSteps}: the default's when 0 was asked, for per-datapoint
   * models), {@code standardize} and, when set, {@code validation} (a fraction or a data source).
   */
  private static Map<String, Object> settings(LvmTrainingOptions training, DeepLvm.Config config,
      DeepLvmOptions options, String validation) {
    Map<String, Object> m = new LinkedHashMap<>(training.toMap());
    m.put("latent", config.latentDim());
    m.put("hidden", java.util.Arrays.stream(config.hidden()).boxed().toList());
    m.put("activation", config.activation().id());
    m.put("decoder", config.decoder().id());
    m.put("inference", options.inference().perDatapoint() ? LvmDensityModel.PER_DATAPOINT : "amortized");
    if (options.inference().perDatapoint()) {
      m.put("localSteps", localFit(options.inference()).steps());
    }
    m.put("standardize", options.standardize());
    if (validation != null) {
      m.put("validation", validation);
    }
    return m;
  }

  /**
   * A resumed run keeps the warm-up its checkpoint was trained with unless one is set explicitly: the default
   * scales with the run's length, and only the length may change on resume.
   */
  private static LvmTrainingOptions resumedWarmup(LvmTrainingOptions training, DeepLvmOptions options,
      ModelFile resume) {
    if (resume == null || Double.isNaN(options.warmupFraction())
        || !(resume.provenance().get("options") instanceof Map<?, ?> saved)
        || !(saved.get("warmupEpochs") instanceof Number epochs)
        || training.objective() == LvmTrainingOptions.Objective.SUMO
        || training.gradient() != dev.marginal.train.GradientEstimator.REPARAM) {
      return training;
    }
    return training.withWarmupEpochs(epochs.intValue());
  }

  /**
   * The optimisation steps a fit of {@code data} with {@code options} plans (a progress bar's total): the step budget
   * when one is set, otherwise the epochs times the minibatches of an epoch over the training rows, counted after a
   * validation fraction is split off. Early stopping or divergence can end a run sooner.
   */
  public static long plannedSteps(Dataset data, DeepLvmOptions options) {
    LvmTrainingOptions training = options.resolvedTraining();
    if (training.maxSteps() > 0) {
      return training.maxSteps();
    }
    double f = options.validationFraction();
    // As Dataset.split rounds the training share.
    int rows = f > 0 ? (int) Math.round((1 - f) * data.rows()) : data.rows();
    return (long) Batches.count(rows, training.batchSize()) * training.epochs();
  }

  /**
   * The network a fit of {@code data} with {@code options} builds: the latent size and decoder resolved from the
   * data where the options leave them open.
   */
  public static DeepLvm.Config config(Dataset data, DeepLvmOptions options) {
    DeepLvmOptions.Architecture a = options.architecture();
    return new DeepLvm.Config(data.cols(), a.latentDimFor(data.cols()), a.hidden(), a.activation(),
        decoder(data, options));
  }

  /** The decoder asked for, or Bernoulli for unstandardized data in [0, 1] and Gaussian otherwise. */
  static DeepLvm.Decoder decoder(Dataset data, DeepLvmOptions options) {
    DeepLvm.Decoder asked = options.architecture().decoder();
    boolean unit = inUnitInterval(data);
    if (asked == DeepLvm.Decoder.BERNOULLI && !unit) {
      throw ParameterException.about(List.of("decoder"), data.source() + ": decoder bernoulli needs values in "
          + "[0, 1]");
    }
    if (asked != null) {
      return asked;
    }
    return unit && !options.standardize() ? DeepLvm.Decoder.BERNOULLI : DeepLvm.Decoder.GAUSSIAN;
  }

  private static LocalPosteriorFit localFit(DeepLvmOptions.Inference inference) {
    LocalPosteriorFit fit = LocalPosteriorFit.defaults();
    return inference.localSteps() == 0 ? fit : fit.withSteps(inference.localSteps());
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
}
