package dev.marginal.api;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Binarization;
import dev.marginal.data.DataShards;
import dev.marginal.data.Dataset;
import dev.marginal.data.FiniteValues;
import dev.marginal.data.Standardizer;
import dev.marginal.density.LvmDensityModel;
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
 * or not. Not supported: a validation split, per-datapoint inference, checkpoints.
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
    LocalSgd.Result run = new LocalSgd(config, training, roundSteps).withStandardizer(standardizer)
        .fit(shards, initial, listener);
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
