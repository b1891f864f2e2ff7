package dev.marginal.api;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Binarization;
import dev.marginal.data.DataShards;
import dev.marginal.data.Dataset;
import dev.marginal.data.FiniteValues;
import dev.marginal.data.Standardizer;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.io.JsonFields;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Provenance;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.train.LocalSgd;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.Progress;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fits a deep LVM data-parallel, by {@link LocalSgd} over S fixed logical shards, in one call: the same recipe as
 * {@link DeepLvmFit} (decoder and latent size from the data unless given, decoder bias at the column means, the
 * default schedule with its scaled KL warm-up) computed shard by shard, so that the shards can live anywhere. The
 * column means, standard deviations and the [0, 1] check are per-shard partial results combined in shard order.
 * Given the same rows
 * (ranked by id), options, S and H, the fitted model is bit for bit the same in this JVM ({@link #fit(Dataset, int,
 * DeepLvmOptions, int, Progress)}) and on Spark (marginal-spark's {@code MarginalLvm}), for any partitioning.
 *
 * <pre>{@code
 * LvmDensityModel model = DataParallelFit.fit(data, 4, DeepLvmOptions.defaults().withEpochs(5), 100,
 *     Progress.silent()).model();
 * }</pre>
 *
 * <p>It is not the same algorithm as {@link DeepLvmFit} for S &gt; 1 (S replicas averaged every H steps instead of
 * one sequence of steps); with S = 1 the training itself is {@link dev.marginal.train.LvmTrainer}'s, standardized
 * or not. Checkpoints every so many rounds, and resuming from one, are {@link Checkpoints}. Not supported: a
 * validation split, per-datapoint inference.
 */
public final class DataParallelFit {
  private DataParallelFit() {}

  /**
   * A fitted model and how it was made.
   *
   * @param model the averaged model of the last round
   * @param run rounds, steps, per-round objectives (of the model's own units: for a standardized fit, add the
   *     standardizer's log-Jacobian for the data's, as the progress listener's are) and whether a replica diverged
   * @param provenance seed, data, options (with {@code shards} and {@code roundSteps}), versions, wall time
   * @param warnings what {@link DeepLvmFit#warnings} says of the same rows and options (the columns' scale for a
   *     Gaussian decoder without standardization), one line each
   */
  public record Result(LvmDensityModel model, LocalSgd.Result run, Provenance provenance, List<String> warnings) {
    /** Copies the warnings. */
    public Result {
      warnings = List.copyOf(warnings);
    }

    /** A result without warnings. */
    public Result(LvmDensityModel model, LocalSgd.Result run, Provenance provenance) {
      this(model, run, provenance, List.of());
    }

    /**
     * What a model file stores: the provenance with {@code engine} added, and the {@code warnings} when there are
     * any (a fit on a cluster has no terminal to print them on, so they travel with the model).
     */
    public Map<String, Object> fileProvenance(String engine) {
      Map<String, Object> p = new LinkedHashMap<>(provenance.toMap());
      p.put("engine", engine);
      if (!warnings.isEmpty()) {
        p.put("warnings", warnings);
      }
      return p;
    }
  }

  /**
   * Checkpoints of a data-parallel fit: every {@code everyRounds} rounds (that leave steps to take) the run's state
   * goes to {@code sink} as a model file, the averaged model with the optimizers' moments, the step counts, the round
   * objectives and the run's fingerprint; a fit given one of them as {@code resume} continues that run and ends with
   * the uninterrupted run's parameters, bit for bit. A checkpoint resumes only the run it came from: the same rows
   * (by source, count, width and a digest of their values in rank order), shards, round length, options and length.
   *
   * @param everyRounds rounds between checkpoints, 0 for none
   * @param sink receives each checkpoint (writes it where the caller keeps them, atomically)
   * @param resume a checkpoint to continue from, or null
   */
  public record Checkpoints(int everyRounds, java.util.function.Consumer<ModelFile> sink, ModelFile resume) {
    public Checkpoints {
      ParameterException.atLeast("everyRounds", everyRounds, 0);
      Objects.requireNonNull(sink, "sink");
    }

    /** No checkpoints, no resume. */
    public static Checkpoints none() {
      return new Checkpoints(0, f -> {}, null);
    }

    /** A checkpoint to {@code sink} every {@code rounds} rounds. */
    public static Checkpoints every(int rounds, java.util.function.Consumer<ModelFile> sink) {
      return new Checkpoints(rounds, sink, null);
    }

    /** The same, continuing from {@code checkpoint}. */
    public Checkpoints resumingFrom(ModelFile checkpoint) {
      return new Checkpoints(everyRounds, sink, Objects.requireNonNull(checkpoint, "checkpoint"));
    }
  }

  /** The provenance key of a checkpoint's counters. */
  static final String COUNTERS = "dataParallel";
  /** The checkpoint's state vector (parameters, then the optimizers' moments). */
  static final String STATE = "dataParallel/state";
  /** The checkpoint's round objectives. */
  static final String OBJECTIVES = "dataParallel/objectives";

  /**
   * Fits {@code data} (row i has rank i) in {@code shards} in-memory shards.
   *
   * @throws dev.marginal.data.DataException naming the point and column of a NaN or infinity in the data
   */
  public static Result fit(Dataset data, int shards, DeepLvmOptions options, int roundSteps, Progress progress) {
    Objects.requireNonNull(data, "data");
    return fit(DataShards.inMemory(FiniteValues.require(data), shards), data.source(), data.columns(), options,
        roundSteps, progress);
  }

  /**
   * Fits the rows of {@code shards}.
   *
   * @param source what the provenance calls the data
   * @param columns the column names, one per dimension
   * @param roundSteps H, the local steps between averages
   * @throws ParameterException for options this fit does not support, or a Bernoulli decoder for data outside
   *     [0, 1]
   */
  public static Result fit(DataShards shards, String source, List<String> columns, DeepLvmOptions options,
      int roundSteps, Progress progress) {
    return fit(shards, source, columns, options, roundSteps, progress, Checkpoints.none());
  }

  /**
   * {@link #fit(DataShards, String, List, DeepLvmOptions, int, Progress)} with checkpoints, or continuing from one.
   *
   * @throws ParameterException naming each setting in which {@code checkpoints.resume()} differs from this run
   * @throws IllegalArgumentException if the resume file is not a checkpoint of a data-parallel fit, or its state
   *     does not fit this run (see {@link LocalSgd#fit(DataShards, DeepLvm, Progress, LocalSgd.Snapshot, int,
   *     java.util.function.Consumer)})
   */
  public static Result fit(DataShards shards, String source, List<String> columns, DeepLvmOptions options,
      int roundSteps, Progress progress, Checkpoints checkpoints) {
    Objects.requireNonNull(checkpoints, "checkpoints");
    Objects.requireNonNull(shards, "shards");
    Objects.requireNonNull(columns, "columns");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    Provenance.Clock clock = Provenance.startClock();
    if (options.validationFraction() > 0 || options.inference().perDatapoint()) {
      throw ParameterException.about(List.of("validationFraction", "perDatapoint"),
          "the data-parallel fit supports neither a validation split nor per-datapoint inference");
    }
    if (columns.size() != shards.dim()) {
      throw new IllegalArgumentException(columns.size() + " column names for " + shards.dim() + " columns");
    }
    ColumnStats stats = ColumnStats.combine(shards.map(s -> ColumnStats.of(s.rows())));
    DeepLvm.Decoder decoder = decoder(options, stats.unit(), source);
    LvmTrainingOptions training = options.resolvedTraining();
    Standardizer standardizer = null;
    List<String> warnings = List.of();
    if (decoder.gaussian()) {
      training = training.withBinarization(Binarization.NONE);
      Standardizer spread = spread(shards, stats);
      if (options.standardize()) {
        standardizer = spread;
      } else {
        warnings = DeepLvmFit.scaleWarnings(source, columns, spread.sd());
      }
    }
    float[] means = stats.means(shards.rows());
    if (standardizer != null) {
      Standardizer z = standardizer;
      means = ColumnStats.combine(shards.map(s -> ColumnStats.of(z.apply(s.rows())))).means(shards.rows());
    }
    DeepLvmOptions.Architecture a = options.architecture();
    DeepLvm.Config config = new DeepLvm.Config(shards.dim(), a.latentDimFor(shards.dim()), a.hidden(),
        a.activation(), decoder);
    DeepLvm initial = DeepLvm.create(config, RngKey.of(training.seed()), means);
    // As DeepLvmFit's: the listener sees objectives in the data's units (a standardized fit's plus its log-Jacobian).
    double logJacobian = standardizer == null ? 0 : standardizer.logJacobian();
    Progress listener = logJacobian == 0 ? progress : new Progress() {
      @Override
      public void update(long step, long examples, double objective) {
        progress.update(step, examples, objective + logJacobian);
      }

      @Override
      public void finish() {
        progress.finish();
      }
    };
    LocalSgd sgd = new LocalSgd(config, training, roundSteps).withStandardizer(standardizer);
    boolean checkpointed = checkpoints.everyRounds() > 0 || checkpoints.resume() != null;
    Map<String, Object> fingerprint = checkpointed
        ? fingerprint(shards, source, columns, options, training, config, roundSteps) : Map.of();
    LocalSgd.Snapshot resume = checkpoints.resume() == null ? null : snapshot(checkpoints.resume(), fingerprint);
    Standardizer z = standardizer;
    LocalSgd.Result run = sgd.fit(shards, initial, listener, resume, checkpoints.everyRounds(),
        s -> checkpoints.sink().accept(checkpointFile(sgd, s, columns, z, fingerprint)));
    Map<String, Object> recorded = new LinkedHashMap<>(training.toMap());
    recorded.put("standardize", options.standardize());
    recorded.put("shards", shards.shards());
    recorded.put("roundSteps", roundSteps);
    recorded.put("rounds", run.rounds());
    // Not "localSteps", which a per-datapoint fit records for the steps of its local posterior fits.
    recorded.put("stepsPerShard", run.steps());
    Provenance provenance = clock.stop(training.seed(), source, (int) Math.min(Integer.MAX_VALUE, shards.rows()),
        columns, recorded);
    return new Result(new LvmDensityModel(run.model(), columns, standardizer), run, provenance, warnings);
  }

  /** What identifies a data-parallel run: its rows, shards, round length, options and architecture. */
  private static Map<String, Object> fingerprint(DataShards shards, String source, List<String> columns,
      DeepLvmOptions options, LvmTrainingOptions training, DeepLvm.Config config, int roundSteps) {
    long digest = 17;
    for (Long part : shards.map(s -> digest(s.rows()))) {
      digest = digest * 1_000_003L + part;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("data", source + ": " + shards.rows() + " rows of " + shards.dim() + " columns " + columns + ", digest "
        + Long.toHexString(digest));
    m.put("engine", "data-parallel");
    m.put("shards", shards.shards());
    m.put("roundSteps", roundSteps);
    m.put("standardize", options.standardize());
    m.putAll(training.toMap());
    m.remove("checkpointEvery");
    m.put("hidden", java.util.Arrays.toString(config.hidden()));
    m.put("latentDim", config.latentDim());
    m.put("activation", config.activation().id());
    m.put("decoder", config.decoder().id());
    return m;
  }

  /** A 64-bit digest of a shard's values in row order (their bits), for the fingerprint. */
  private static long digest(Dataset rows) {
    long h = 1125899906842597L + rows.rows();
    for (float v : rows.values()) {
      h = 31 * h + Float.floatToRawIntBits(v);
    }
    return h;
  }

  /** The checkpoint file of snapshot {@code s}: its model as a model file, with the state and the counters. */
  private static ModelFile checkpointFile(LocalSgd sgd, LocalSgd.Snapshot s, List<String> columns,
      Standardizer standardizer, Map<String, Object> fingerprint) {
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("rounds", s.rounds());
    counters.put("step", s.step());
    counters.put("decoderSteps", s.decoderSteps());
    counters.put("encoderSteps", s.encoderSteps());
    counters.put("examples", s.examples());
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put(dev.marginal.train.RunFingerprint.KEY, fingerprint);
    provenance.put(COUNTERS, counters);
    ModelFile base = new LvmDensityModel(sgd.modelOf(s), columns, standardizer).toFile(provenance);
    Map<String, dev.marginal.tensor.Tensor> tensors = new LinkedHashMap<>(base.tensors());
    float[] values = s.values();
    tensors.put(STATE, dev.marginal.tensor.Tensor.wrap(values, values.length));
    Map<String, ModelFile.Float64> float64 = new LinkedHashMap<>(base.float64Tensors());
    float64.put(OBJECTIVES, ModelFile.Float64.of(s.objectives()));
    return new ModelFile(base.kind(), base.config(), base.provenance(), tensors, float64);
  }

  /** The snapshot a checkpoint holds, once its fingerprint is this run's. */
  private static LocalSgd.Snapshot snapshot(ModelFile file, Map<String, Object> fingerprint) {
    if (!(file.provenance().get(COUNTERS) instanceof Map<?, ?> counters)
        || !file.tensors().containsKey(STATE) || !file.float64Tensors().containsKey(OBJECTIVES)) {
      throw new IllegalArgumentException("not a checkpoint of a data-parallel fit (no " + COUNTERS + " state)");
    }
    dev.marginal.train.RunFingerprint.check(file.provenance(), fingerprint);
    JsonFields c = JsonFields.of("the checkpoint's " + COUNTERS, counters);
    return new LocalSgd.Snapshot(c.count("rounds"), c.count("step"), c.count("decoderSteps"),
        c.count("encoderSteps"), c.count("examples"), file.tensor(STATE).toArray(),
        file.float64(OBJECTIVES).values());
  }

  /**
   * The columns' means and population standard deviations as {@link Standardizer#fit} computes them on all the rows
   * (two passes in double: the means, then the squared deviations; 1 for a constant column), from per-shard sums
   * added in shard order, so with one shard the same bits.
   */
  private static Standardizer spread(DataShards shards, ColumnStats stats) {
    long n = shards.rows();
    double[] mean = stats.sums().clone();
    for (int j = 0; j < mean.length; j++) {
      mean[j] /= n;
    }
    double[] sumSq = new double[mean.length];
    for (double[] part : shards.map(s -> squaredDeviations(s.rows(), mean))) {
      for (int j = 0; j < sumSq.length; j++) {
        sumSq[j] += part[j];
      }
    }
    double[] sd = new double[mean.length];
    for (int j = 0; j < sd.length; j++) {
      // Exact test for a constant column, as Standardizer.fit: a rounding-level sd would blow its values up.
      sd[j] = stats.min()[j] != stats.max()[j] ? Math.sqrt(sumSq[j] / n) : 1.0;
    }
    return new Standardizer(mean, sd);
  }

  private static double[] squaredDeviations(Dataset rows, double[] mean) {
    int d = rows.cols();
    double[] s = new double[d];
    float[] v = rows.values();
    for (int i = 0; i < rows.rows(); i++) {
      for (int j = 0; j < d; j++) {
        double x = v[i * d + j] - mean[j];
        s[j] += x * x;
      }
    }
    return s;
  }

  private static DeepLvm.Decoder decoder(DeepLvmOptions options, boolean unit, String source) {
    DeepLvm.Decoder asked = options.architecture().decoder();
    if (asked == DeepLvm.Decoder.BERNOULLI && !unit) {
      throw ParameterException.about(List.of("decoder"), source + ": decoder bernoulli needs values in [0, 1]");
    }
    if (asked != null) {
      return asked;
    }
    return unit && !options.standardize() ? DeepLvm.Decoder.BERNOULLI : DeepLvm.Decoder.GAUSSIAN;
  }

  /** Per-column sums (in double, in row order), least and greatest values, and whether every value lies in [0, 1]. */
  record ColumnStats(double[] sums, float[] min, float[] max, boolean unit) implements Serializable {
    static ColumnStats of(Dataset rows) {
      int d = rows.cols();
      double[] s = new double[d];
      float[] lo = new float[d];
      float[] hi = new float[d];
      java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
      java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
      boolean unit = true;
      float[] v = rows.values();
      for (int i = 0; i < rows.rows(); i++) {
        for (int j = 0; j < d; j++) {
          float x = v[i * d + j];
          s[j] += x;
          lo[j] = Math.min(lo[j], x);
          hi[j] = Math.max(hi[j], x);
          unit &= x >= 0f && x <= 1f;
        }
      }
      return new ColumnStats(s, lo, hi, unit);
    }

    /** The shards' statistics added in shard order. */
    static ColumnStats combine(List<ColumnStats> parts) {
      int d = parts.get(0).sums.length;
      double[] s = new double[d];
      float[] lo = new float[d];
      float[] hi = new float[d];
      java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
      java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
      boolean unit = true;
      for (ColumnStats p : parts) {
        for (int j = 0; j < d; j++) {
          s[j] += p.sums[j];
          lo[j] = Math.min(lo[j], p.min[j]);
          hi[j] = Math.max(hi[j], p.max[j]);
        }
        unit &= p.unit;
      }
      return new ColumnStats(s, lo, hi, unit);
    }

    float[] means(long rows) {
      float[] m = new float[sums.length];
      for (int j = 0; j < m.length; j++) {
        m[j] = (float) (sums[j] / rows);
      }
      return m;
    }
  }
}
