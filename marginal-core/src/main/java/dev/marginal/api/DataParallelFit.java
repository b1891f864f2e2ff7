package dev.marginal.api;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Binarization;
import dev.marginal.data.DataShards;
import dev.marginal.data.Dataset;
import dev.marginal.data.FiniteValues;
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
 * column means and the [0, 1] check are per-shard partial results combined in shard order. Given the same rows
 * (ranked by id), options, S and H, the fitted model is bit for bit the same in this JVM ({@link #fit(Dataset, int,
 * DeepLvmOptions, int, Progress)}) and on Spark (marginal-spark's {@code MarginalLvm}), for any partitioning.
 *
 * <pre>{@code
 * LvmDensityModel model = DataParallelFit.fit(data, 4, DeepLvmOptions.defaults().withEpochs(5), 100,
 *     Progress.silent()).model();
 * }</pre>
 *
 * <p>It is not the same algorithm as {@link DeepLvmFit} for S &gt; 1 (S replicas averaged every H steps instead of
 * one sequence of steps); with S = 1 the training itself is {@link dev.marginal.train.LvmTrainer}'s. Not supported:
 * standardization, a validation split, per-datapoint inference, checkpoints.
 */
public final class DataParallelFit {
  private DataParallelFit() {}

  /**
   * A fitted model and how it was made.
   *
   * @param model the averaged model of the last round
   * @param run rounds, steps, per-round objectives and whether a replica diverged
   * @param provenance seed, data, options (with {@code shards} and {@code roundSteps}), versions, wall time
   */
  public record Result(LvmDensityModel model, LocalSgd.Result run, Provenance provenance) {
    /** What a model file stores: the provenance with {@code engine} added. */
    public Map<String, Object> fileProvenance(String engine) {
      Map<String, Object> p = new LinkedHashMap<>(provenance.toMap());
      p.put("engine", engine);
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
    if (options.standardize() || options.validationFraction() > 0 || options.inference().perDatapoint()) {
      throw ParameterException.about(List.of("standardize", "validationFraction", "perDatapoint"),
          "the data-parallel fit supports neither standardization, a validation split nor per-datapoint inference");
    }
    if (columns.size() != shards.dim()) {
      throw new IllegalArgumentException(columns.size() + " column names for " + shards.dim() + " columns");
    }
    ColumnStats stats = ColumnStats.combine(shards.map(s -> ColumnStats.of(s.rows())));
    DeepLvm.Decoder decoder = decoder(options, stats.unit(), source);
    LvmTrainingOptions training = options.resolvedTraining();
    if (decoder.gaussian()) {
      training = training.withBinarization(Binarization.NONE);
    }
    DeepLvmOptions.Architecture a = options.architecture();
    DeepLvm.Config config = new DeepLvm.Config(shards.dim(), a.latentDimFor(shards.dim()), a.hidden(),
        a.activation(), decoder);
    DeepLvm initial = DeepLvm.create(config, RngKey.of(training.seed()), stats.means(shards.rows()));
    LocalSgd.Result run = new LocalSgd(config, training, roundSteps).fit(shards, initial, progress);
    Map<String, Object> recorded = new LinkedHashMap<>(training.toMap());
    recorded.put("shards", shards.shards());
    recorded.put("roundSteps", roundSteps);
    recorded.put("rounds", run.rounds());
    // Not "localSteps", which a per-datapoint fit records for the steps of its local posterior fits.
    recorded.put("stepsPerShard", run.steps());
    Provenance provenance = clock.stop(training.seed(), source, (int) Math.min(Integer.MAX_VALUE, shards.rows()),
        columns, recorded);
    return new Result(new LvmDensityModel(run.model(), columns, null), run, provenance);
  }

  private static DeepLvm.Decoder decoder(DeepLvmOptions options, boolean unit, String source) {
    DeepLvm.Decoder asked = options.architecture().decoder();
    if (asked == DeepLvm.Decoder.BERNOULLI && !unit) {
      throw ParameterException.about(List.of("decoder"), source + ": decoder bernoulli needs values in [0, 1]");
    }
    return asked != null ? asked : unit ? DeepLvm.Decoder.BERNOULLI : DeepLvm.Decoder.GAUSSIAN;
  }

  /** Per-column sums (in double, in row order) and whether every value lies in [0, 1]. */
  record ColumnStats(double[] sums, boolean unit) implements Serializable {
    static ColumnStats of(Dataset rows) {
      int d = rows.cols();
      double[] s = new double[d];
      boolean unit = true;
      float[] v = rows.values();
      for (int i = 0; i < rows.rows(); i++) {
        for (int j = 0; j < d; j++) {
          float x = v[i * d + j];
          s[j] += x;
          unit &= x >= 0f && x <= 1f;
        }
      }
      return new ColumnStats(s, unit);
    }

    /** The shards' statistics added in shard order. */
    static ColumnStats combine(List<ColumnStats> parts) {
      double[] s = new double[parts.get(0).sums.length];
      boolean unit = true;
      for (ColumnStats p : parts) {
        for (int j = 0; j < s.length; j++) {
          s[j] += p.sums[j];
        }
        unit &= p.unit;
      }
      return new ColumnStats(s, unit);
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
