package dev.marginal.density;

import dev.marginal.config.ParameterException;
import dev.marginal.config.WorkProgress;
import dev.marginal.data.Dataset;
import dev.marginal.estimators.DiagnosticsSummary;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.estimators.RobustInterval;
import dev.marginal.estimators.WeightDiagnostics;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Provenance;
import dev.marginal.math.MeanEstimate;
import dev.marginal.random.RngKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A fitted density model as commands and reports see it, whatever its kind: Gaussian mixture, probabilistic PCA
 * or deep LVM. Implementations remember the feature columns they were fitted on (and any standardization, whose
 * log-Jacobian they add so that densities are always of the data as given).
 */
public interface DensityModel {
  /** The model kind as stored in model files: "gmm", "ppca" or "lvm". */
  String kind();

  /** The data dimension D. */
  int dim();

  /** Names of the D feature columns, in order. */
  List<String> columns();

  /**
   * log p(x) for each row of {@code data}, exact or estimated, with a standard error over repeated draws (zero
   * for exact values). The columns of {@code data} are taken as {@link #columns()} by position: data whose columns
   * are the model's in another order are refused, names that differ otherwise are taken as the caller's own;
   * {@code data.select(model.columns().toArray(String[]::new))} picks the model's columns by name, and
   * {@code data.withColumns(model.columns())} maps columns of other names onto them by position.
   *
   * @throws IllegalArgumentException if the options do not apply to this model (e.g. SUMO on a GMM)
   * @throws dev.marginal.data.DataException if the data have the wrong number of columns, the model's in another
   *     order, or a NaN or infinity (the message names the point and column), or a row's log p(x) is not finite,
   *     the model's parameters being too extreme for it (the message names the row, by file and line where it has
   *     them)
   */
  LogDensity logDensity(Dataset data, ScoreOptions options, RngKey key);

  /**
   * The estimator a caller without a preference gets, as {@code marginal score} without {@code --estimator}: exact
   * where the model has it (Gaussian mixture, PPCA), else IWAE with K = {@link ScoreOptions#DEFAULT_NUM_SAMPLES};
   * one repeat.
   */
  default ScoreOptions defaultScoreOptions() {
    return ScoreOptions.exact();
  }

  /** {@link #logDensity(Dataset, ScoreOptions, RngKey)} with {@link #defaultScoreOptions()}. */
  default LogDensity logDensity(Dataset data, RngKey key) {
    return logDensity(data, defaultScoreOptions(), key);
  }

  /**
   * {@link #logDensity} for several estimators on the same rows and key, each result what that call gives alone.
   * Models may share work between them: a per-datapoint deep LVM fits its posteriors once for all of them.
   */
  default List<LogDensity> logDensities(Dataset data, List<ScoreOptions> options, RngKey key) {
    List<LogDensity> out = new java.util.ArrayList<>(options.size());
    for (ScoreOptions o : options) {
      out.add(logDensity(data, o, key));
    }
    return out;
  }

  /**
   * {@link #logDensity(Dataset, ScoreOptions, RngKey)}, the same values bit for bit, reporting its progress to
   * {@code progress} as {@link #logDensities(Dataset, List, RngKey, WorkProgress)} does.
   */
  default LogDensity logDensity(Dataset data, ScoreOptions options, RngKey key, WorkProgress progress) {
    return logDensities(data, List.of(java.util.Objects.requireNonNull(options, "options")), key, progress).get(0);
  }

  /**
   * {@link #logDensities(Dataset, List, RngKey)}, the same values bit for bit, reporting its progress to
   * {@code progress} on the calling thread after each pass over the rows (no call when there are no rows). A unit
   * of work is one model evaluation: a row scored by an estimator counts its samples per row (the expected number
   * for SUMO, rounded up) times its repeats, 1 for an exact score, and a per-datapoint deep LVM's local fit of q
   * counts its steps times its samples per row; so {@code done / total} is about the fraction of the work done.
   * The estimate is the mean log p(x) of the rows that the estimator being run has scored so far (NaN while
   * q is fitted). This default scores in one pass and reports once, at the end.
   */
  default List<LogDensity> logDensities(Dataset data, List<ScoreOptions> options, RngKey key,
      WorkProgress progress) {
    java.util.Objects.requireNonNull(progress, "progress");
    List<LogDensity> out = logDensities(data, options, key);
    long total = (long) data.rows() * options.size();
    if (total > 0) {
      progress.update(total, total, out.get(out.size() - 1).mean());
    }
    return out;
  }

  /**
   * {@link #logDensities(Dataset, List, RngKey)} for rows that are part of a larger data set, row {@code r} of
   * {@code data} being row {@code rowIds[r]} of that set: each row's values are bit for bit those that scoring the
   * whole set at once gives it, however the set is split into calls. This default serves models whose scores use
   * no randomness and treat rows independently (exact scoring); models whose scores are random override it.
   *
   * @param rowIds each row's index in the whole set, ≥ 0
   */
  default List<LogDensity> logDensities(Dataset data, long[] rowIds, List<ScoreOptions> options, RngKey key) {
    if (rowIds.length != data.rows()) {
      throw new IllegalArgumentException(rowIds.length + " row ids for " + data.rows() + " rows");
    }
    return logDensities(data, options, key);
  }

  /**
   * {@link #logDensity(Dataset, ScoreOptions, RngKey)} of rows given as {@code float[n][dim()]} (none at all is a
   * result of no rows).
   *
   * @param options e.g. {@link ScoreOptions#exact()} or {@link ScoreOptions#iwae(int)}
   */
  default LogDensity logDensity(float[][] rows, ScoreOptions options, RngKey key) {
    return logDensity(rowsOf(rows), options, key);
  }

  /**
   * The same as {@link #logDensity(float[][], ScoreOptions, RngKey)}, which names it better: one result, of every
   * row.
   *
   * @deprecated use {@link #logDensity(float[][], ScoreOptions, RngKey)}
   */
  @Deprecated
  default LogDensity logDensities(float[][] rows, ScoreOptions estimator, RngKey key) {
    return logDensity(rows, estimator, key);
  }

  /** {@link #encode(Dataset)} of rows given as {@code float[n][dim()]}, as rows. */
  default float[][] encode(float[][] rows) {
    return encode(rowsOf(rows)).toRows();
  }

  /** Rows given as {@code float[n][dim()]} as a data set with this model's columns, named "rows". */
  private Dataset rowsOf(float[][] rows) {
    java.util.Objects.requireNonNull(rows, "rows");
    if (rows.length == 0) {
      return Dataset.of("rows", columns(), new float[0]);
    }
    Dataset data = Dataset.ofRows(rows).withSource("rows");
    return data.cols() == dim() ? data.withColumns(columns()) : data;
  }

  /** {@code n} draws from the model, with the model's column names. */
  Dataset sample(RngKey key, int n);

  /**
   * Posterior summaries per row: for continuous latents, the posterior means followed by the posterior variances
   * ({@code z0..}, {@code var_z0..}); for a mixture, the component responsibilities ({@code p0..}).
   *
   * @throws dev.marginal.data.DataException as {@link #logDensity(Dataset, ScoreOptions, RngKey)}: the wrong number
   *     of columns, the model's in another order, or a NaN or infinity; or a row's encoding is not finite (the
   *     model's parameters being too extreme for it)
   */
  Dataset encode(Dataset data);

  /**
   * {@link #encode(Dataset)}, the same values bit for bit, reporting rows encoded to {@code progress} on the calling
   * thread after each pass (no call when there are no rows): a per-datapoint deep LVM, which fits q row chunk by
   * row chunk, reports each chunk; this default encodes in one pass and reports once, at the end. The estimate is
   * NaN.
   */
  default Dataset encode(Dataset data, WorkProgress progress) {
    java.util.Objects.requireNonNull(progress, "progress");
    Dataset out = encode(data);
    if (out.rows() > 0) {
      progress.update(out.rows(), out.rows(), Double.NaN);
    }
    return out;
  }

  /** A human-readable description of the architecture and parameters, for {@code marginal info}. */
  Map<String, Object> describe();

  /** The model as a file, with the given provenance (seed, data, objective, steps, versions). */
  ModelFile toFile(Map<String, Object> provenance);

  /**
   * The model as a file recording how it was made: the provenance a fit returned ({@link Provenance#toMap()}), the
   * same fields whether the model was fitted from Java or by the {@code marginal} command.
   */
  default ModelFile toFile(Provenance provenance) {
    java.util.Objects.requireNonNull(provenance, "provenance");
    return toFile(provenance.toMap());
  }

  /**
   * Which estimator {@link #logDensity} uses and with what settings. A setting the estimator does not use is not
   * read: K for SUMO and exact scoring, m for every estimator but SUMO (the factories set both to 1).
   *
   * @param estimator which estimator
   * @param numSamples K ≥ 1, the samples per row of ELBO_K and IWAE_K
   * @param minTerms m ≥ 1, SUMO's minimum terms
   * @param repeats R ≥ 1 independent estimates per row, at most {@link ImportanceSamples#MAX_ARRAY_LENGTH} (each
   *     row's R values are one array); a deep LVM holds every repeat's estimates of a pass of rows at once and, when
   *     scoring, refuses an R whose estimates would not fit the heap
   */
  record ScoreOptions(Estimator estimator, int numSamples, int minTerms, int repeats) {
    /** K of {@link DensityModel#defaultScoreOptions()} for models without an exact density: 5000. */
    public static final int DEFAULT_NUM_SAMPLES = 5000;

    public ScoreOptions {
      ParameterException.atLeast("numSamples", numSamples, 1);
      ParameterException.atLeast("minTerms", minTerms, 1);
      ParameterException.atLeast("repeats", repeats, 1);
      if (repeats > ImportanceSamples.MAX_ARRAY_LENGTH) {
        throw ParameterException.of("repeats", "must be <= " + ImportanceSamples.MAX_ARRAY_LENGTH
            + " (the values one array holds), got " + repeats);
      }
    }

    /** Exact scoring (for models that have it) with one repeat. */
    public static ScoreOptions exact() {
      return new ScoreOptions(Estimator.EXACT, 1, 1, 1);
    }

    /** IWAE_K (Burda et al. 2016), a lower bound that tightens as K grows; one repeat. */
    public static ScoreOptions iwae(int numSamples) {
      return new ScoreOptions(Estimator.IWAE, numSamples, 1, 1);
    }

    /** ELBO_K, the K-sample evidence lower bound; one repeat. */
    public static ScoreOptions elbo(int numSamples) {
      return new ScoreOptions(Estimator.ELBO, numSamples, 1, 1);
    }

    /** SUMO with m minimum terms (Luo et al. 2020), unbiased for log p(x); one repeat. */
    public static ScoreOptions sumo(int minTerms) {
      return new ScoreOptions(Estimator.SUMO, 1, minTerms, 1);
    }

    /** The same estimator repeated {@code r} times with independent draws, for per-row standard errors. */
    public ScoreOptions withRepeats(int r) {
      return new ScoreOptions(estimator, numSamples, minTerms, r);
    }
  }

  /** The log p(x) estimators a user can ask for. */
  enum Estimator {
    EXACT, ELBO, IWAE, SUMO;

    public static Estimator parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown estimator '" + s + "' (expected exact, elbo, iwae or sumo)");
      }
    }
  }

  /**
   * Per-row log-densities in nats and their standard errors. Scoring a data set of no rows gives one of no rows,
   * whose {@link #mean()} and {@link #meanEstimate()} are undefined and refused.
   *
   * @param estimator what produced the values ("exact", "iwae-5000", ...)
   * @param diagnostics per-row importance-weight diagnostics (effective sample size, Pareto k̂) of an
   *     importance-weighted estimate (of its first repeat when there are several), or null
   * @param intervals per-row median-of-means intervals over the repeats of SUMO (at least
   *     {@link RobustInterval#MIN_REPEATS} repeats), or null
   */
  record LogDensity(double[] value, double[] stdErr, String estimator, WeightDiagnostics[] diagnostics,
      RobustInterval[] intervals) {
    public LogDensity {
      if (value.length != stdErr.length) {
        throw new IllegalArgumentException(value.length + " values but " + stdErr.length + " standard errors");
      }
      value = value.clone();
      stdErr = stdErr.clone();
      diagnostics = diagnostics == null ? null : diagnostics.clone();
      intervals = intervals == null ? null : intervals.clone();
    }

    /** Values without weight diagnostics or intervals. */
    public LogDensity(double[] value, double[] stdErr, String estimator) {
      this(value, stdErr, estimator, null, null);
    }

    /** Values with weight diagnostics (or null), without intervals. */
    public LogDensity(double[] value, double[] stdErr, String estimator, WeightDiagnostics[] diagnostics) {
      this(value, stdErr, estimator, diagnostics, null);
    }

    /** The per-row log-densities (a copy). */
    @Override
    public double[] value() {
      return value.clone();
    }

    /** The per-row standard errors over repeated draws (a copy; zero when exact, NaN with one repeat). */
    @Override
    public double[] stdErr() {
      return stdErr.clone();
    }

    /** The per-row median-of-means intervals (a copy), or null. */
    @Override
    public RobustInterval[] intervals() {
      return intervals == null ? null : intervals.clone();
    }

    /** The per-row weight diagnostics (a copy), or null. */
    @Override
    public WeightDiagnostics[] diagnostics() {
      return diagnostics == null ? null : diagnostics.clone();
    }

    /** The number of rows. */
    public int rows() {
      return value.length;
    }

    /**
     * The mean over rows.
     *
     * @throws IllegalStateException when there are no rows (a mean over none is undefined)
     */
    public double mean() {
      requireRows();
      return MeanEstimate.mean(value);
    }

    /**
     * The mean over rows with its standard error over rows (NaN for one row: no spread to measure).
     *
     * @throws IllegalStateException when there are no rows (a mean over none is undefined)
     */
    public MeanEstimate meanEstimate() {
      requireRows();
      return MeanEstimate.of(value);
    }

    private void requireRows() {
      if (value.length == 0) {
        throw new IllegalStateException("no rows: the mean log density of an empty " + estimator
            + " score is undefined");
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LogDensity l && Arrays.equals(l.value, value) && Arrays.equals(l.stdErr, stdErr)
          && l.estimator.equals(estimator) && Arrays.equals(l.diagnostics, diagnostics)
          && Arrays.equals(l.intervals, intervals);
    }

    @Override
    public int hashCode() {
      return (31 * Arrays.hashCode(value) + Arrays.hashCode(stdErr)) * 31 + estimator.hashCode();
    }

    @Override
    public String toString() {
      return "LogDensity[" + estimator + ", " + value.length + " rows"
          + (value.length == 0 ? "]" : ", mean " + meanEstimate() + "]");
    }

    /** The per-run summary of {@link #diagnostics()}, or null when there are none. */
    public DiagnosticsSummary diagnosticsSummary() {
      return diagnostics == null ? null : DiagnosticsSummary.of(java.util.List.of(diagnostics));
    }
  }
}
