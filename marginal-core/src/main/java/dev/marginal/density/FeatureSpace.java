package dev.marginal.density;

import dev.marginal.config.ParameterException;
import dev.marginal.config.WorkProgress;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.data.FiniteValues;
import dev.marginal.data.Standardizer;
import dev.marginal.io.JsonFields;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Untrusted;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The map between the data as given and the space an exact model is fitted in: the feature columns, and an
 * optional standardization z = (x − mean) / sd.
 *
 * <p>With standardization, a density q(z) fitted in the standardized space is a density of x by the change of
 * variables p(x) = q(z) |dz/dx| = q(z) Π_j 1/sd_j, so log p(x) = log q(z) − Σ_j log sd_j ({@link #logJacobian}).
 * The transform is done in double from the float data, so that scores do not depend on float rounding of z.
 */
final class FeatureSpace {
  private static final String MEAN = "standardizer.mean";
  private static final String SD = "standardizer.sd";

  /**
   * Rows per pass of exact scoring and encoding, each pass reported to the listener: about a millisecond's work
   * per pass for the smallest models, few enough calls for the largest data.
   */
  static final int ROWS_PER_PASS = 1 << 14;

  private final List<String> columns;
  private final Standardizer standardizer;
  private final double logJacobian;

  /** @param standardizer null for none */
  FeatureSpace(List<String> columns, Standardizer standardizer) {
    if (standardizer != null && standardizer.cols() != columns.size()) {
      throw new IllegalArgumentException("standardizer has " + standardizer.cols() + " columns, data "
          + columns.size());
    }
    requireUnique(columns, "the list of columns");
    this.columns = List.copyOf(columns);
    this.standardizer = standardizer;
    this.logJacobian = standardizer == null ? 0 : standardizer.logJacobian();
  }

  /**
   * The columns of {@code data}, standardized by its own means and deviations when asked, their sums taken per chunk
   * of {@value dev.marginal.models.RowChunks#CHUNK_ROWS} rows ({@link Standardizer#fitInBlocks}), as the chunked fits
   * of a GMM or PPCA on a cluster take them ({@link dev.marginal.models.RowChunks#standardizer}).
   *
   * @throws DataException naming the point and column of a NaN or infinity in {@code data}
   */
  static FeatureSpace fit(Dataset data, boolean standardize) {
    FiniteValues.require(data);
    return new FeatureSpace(data.columns(), standardize
        ? Standardizer.fitInBlocks(data, dev.marginal.models.RowChunks.CHUNK_ROWS) : null);
  }

  List<String> columns() {
    return columns;
  }

  /**
   * Refuses column names that repeat: data are matched to a model's columns by name, and two columns of one name
   * cannot both be found.
   *
   * @param what what lists the names, e.g. "config 'columns'"
   * @throws IllegalArgumentException naming {@code what} and the first name that repeats
   */
  static void requireUnique(List<String> columns, String what) {
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (!seen.add(c)) {
        throw new IllegalArgumentException(what + " lists the column " + Untrusted.quoted(String.valueOf(c))
            + " twice");
      }
    }
  }

  int dim() {
    return columns.size();
  }

  /** The standardizer, or null. */
  Standardizer standardizer() {
    return standardizer;
  }

  /** log |dz/dx| = −Σ_j log sd_j (zero without standardization), added to every log density. */
  double logJacobian() {
    return logJacobian;
  }

  /**
   * The rows of {@code data} in model space {@code [rows][dim]}.
   *
   * @throws DataException naming both dimensions when the data have the wrong number of columns, or the point and
   *     column of a NaN or infinity
   */
  double[][] toModel(Dataset data) {
    check(data);
    return toModel(data, 0, data.rows());
  }

  /** Rows {@code from}..{@code to − 1} of {@code data}, which {@link #check} has passed, in model space. */
  private double[][] toModel(Dataset data, int from, int to) {
    int d = dim();
    float[] x = data.values();
    double[] mean = standardizer == null ? new double[d] : standardizer.mean();
    double[] sd = standardizer == null ? null : standardizer.sd();
    double[][] out = new double[to - from][d];
    for (int i = 0; i < out.length; i++) {
      for (int j = 0; j < d; j++) {
        double v = x[(from + i) * d + j] - mean[j];
        out[i][j] = sd == null ? v : v / sd[j];
      }
    }
    return out;
  }

  /**
   * Exact log densities in the user's space for each of {@code options}, each what it gives alone: the model-space
   * log densities of {@code logProb} plus this space's log-Jacobian, with zero standard errors. The rows are scored
   * {@link #ROWS_PER_PASS} at a time, each pass reported to {@code progress} (one unit a row and estimator, with
   * the mean so far); {@code logProb} treats rows independently, so the values do not depend on the passes.
   *
   * @throws ParameterException if an option is not {@link DensityModel.ScoreOptions#exact()}
   * @throws DataException as {@link #check}, before any row is scored
   */
  List<DensityModel.LogDensity> exactLogDensities(String kind, Dataset data, List<DensityModel.ScoreOptions> options,
      Function<double[][], double[]> logProb, WorkProgress progress) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    for (DensityModel.ScoreOptions o : options) {
      requireExact(kind, Objects.requireNonNull(o, "options"));
    }
    check(data);
    int n = data.rows();
    long total = (long) n * options.size();
    long done = 0;
    List<DensityModel.LogDensity> out = new ArrayList<>(options.size());
    for (int k = 0; k < options.size(); k++) {
      double[] value = new double[n];
      double sum = 0;
      for (int start = 0; start < n; start += ROWS_PER_PASS) {
        int end = Math.min(n, start + ROWS_PER_PASS);
        double[] lp = logProb.apply(toModel(data, start, end));
        for (int i = 0; i < lp.length; i++) {
          value[start + i] = FiniteResults.require(data, start + i, "log p(x)", lp[i] + logJacobian);
          sum += value[start + i];
        }
        done += end - start;
        progress.update(done, total, sum / end);
      }
      out.add(new DensityModel.LogDensity(value, new double[n], "exact"));
    }
    return out;
  }

  /** Writes a model-space row's {@code width} values from {@code offset} on. */
  @FunctionalInterface
  interface RowEncoder {
    void encode(double[] x, float[] out, int offset);
  }

  /**
   * The rows of {@code data} encoded by {@code encoder}, {@code width} values each, {@link #ROWS_PER_PASS} rows at a
   * time, each pass reported to {@code progress} (rows encoded, estimate NaN).
   *
   * @throws DataException as {@link #check}, before any row is encoded
   */
  float[] encodeRows(Dataset data, int width, RowEncoder encoder, WorkProgress progress) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(progress, "progress");
    check(data);
    int n = data.rows();
    float[] out = new float[n * width];
    for (int start = 0; start < n; start += ROWS_PER_PASS) {
      int end = Math.min(n, start + ROWS_PER_PASS);
      double[][] x = toModel(data, start, end);
      for (int i = 0; i < x.length; i++) {
        int at = (start + i) * width;
        encoder.encode(x[i], out, at);
        for (int c = 0; c < width; c++) {
          FiniteResults.require(data, start + i, "the encoding", out[at + c]);
        }
      }
      progress.update(end, n, Double.NaN);
    }
    return out;
  }

  /** Model-space points {@code [n][dim]} as data, mapped back through the standardization. */
  Dataset fromModel(double[][] z, String source) {
    int d = dim();
    double[] mean = standardizer == null ? new double[d] : standardizer.mean();
    double[] sd = standardizer == null ? null : standardizer.sd();
    float[] out = new float[z.length * d];
    for (int i = 0; i < z.length; i++) {
      for (int j = 0; j < d; j++) {
        out[i * d + j] = (float) ((sd == null ? z[i][j] : z[i][j] * sd[j]) + mean[j]);
      }
    }
    return Dataset.of(source, columns, out);
  }

  /**
   * Checks that {@code data} has {@link #dim()} columns (the message names both numbers) and only finite values
   * ({@link FiniteValues}).
   */
  void check(Dataset data) {
    if (data.cols() != dim()) {
      throw new DataException(dimensionMismatch(data, columns));
    }
    String reordered = reordered(data.source(), data.columns(), columns);
    if (reordered != null) {
      throw new DataException(reordered);
    }
    FiniteValues.require(data);
  }

  /**
   * The refusal of data whose columns are the model's under another order, or null. Columns are taken by position,
   * so such data would be scored with each value in another column's place; names that differ in any other way are
   * taken as the user's renaming and left alone.
   */
  static String reordered(String source, List<String> given, List<String> model) {
    if (given.equals(model) || !new HashSet<>(given).equals(new HashSet<>(model))) {
      return null;
    }
    int j = 0;
    while (given.get(j).equals(model.get(j))) {
      j++;
    }
    return source + ": the model's columns in another order (column " + (j + 1) + " is "
        + Untrusted.quoted(given.get(j)) + ", the model's " + Untrusted.quoted(model.get(j))
        + "); columns are taken by position: select the model's by name (Dataset.select), or rename these"
        + " (Dataset.withColumns) to keep their order";
  }

  /** "SOURCE: n columns, but the model has d (a, b, c, d, e, ...)": at most five column names. */
  static String dimensionMismatch(Dataset data, List<String> columns) {
    final int shown = 5;
    return data.source() + ": " + data.cols() + " columns, but the model has " + columns.size() + " ("
        + String.join(", ", columns.subList(0, Math.min(shown, columns.size())))
        + (columns.size() > shown ? ", ..." : "") + ")";
  }

  /** Column names {@code prefix0, prefix1, ...}. */
  static List<String> numbered(String prefix, int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(prefix + i);
    }
    return names;
  }

  /** Adds the columns to {@code config} and the standardizer (if any) to {@code float64}. */
  void store(Map<String, Object> config, Map<String, ModelFile.Float64> float64) {
    config.put("columns", columns);
    config.put("standardize", standardizer != null);
    if (standardizer != null) {
      float64.put(MEAN, ModelFile.Float64.of(standardizer.mean()));
      float64.put(SD, ModelFile.Float64.of(standardizer.sd()));
    }
  }

  /** Reads what {@link #store} wrote; {@code dim} is the model's dimension, checked against the columns. */
  static FeatureSpace load(ModelFile file, int dim) {
    JsonFields fields = JsonFields.of("model config", file.config());
    List<String> columns = fields.strings("columns", null);
    if (columns == null || columns.size() != dim) {
      throw new IllegalArgumentException("config 'columns' must list " + dim + " column names");
    }
    requireUnique(columns, "config 'columns'");
    Standardizer s = fields.flag("standardize", false)
        ? new Standardizer(requireFloatRange("tensor '" + MEAN + "'", file.float64(MEAN).values()),
            requireFloatRange("tensor '" + SD + "'", file.float64(SD).values())) : null;
    return new FeatureSpace(columns, s);
  }

  /** What {@code marginal info} shows of the feature space. */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("columns", columns);
    m.put("standardized", standardizer != null);
    if (standardizer != null) {
      m.put("standardizer_mean", standardizer.mean());
      m.put("standardizer_sd", standardizer.sd());
    }
    return m;
  }

  /**
   * Rejects estimators other than exact for a model with an exact log density.
   *
   * @throws IllegalArgumentException naming the model kind and the estimator
   */
  static void requireExact(String kind, DensityModel.ScoreOptions options) {
    if (options.estimator() != DensityModel.Estimator.EXACT) {
      String name = options.estimator().name().toLowerCase(java.util.Locale.ROOT);
      throw ParameterException.about(List.of("estimator"), "a " + kind
          + " model has an exact log density: use estimator exact"
          + " (" + name + " applies to deep LVMs)");
    }
  }

  /** The standardized flag, for model summaries. */
  boolean standardized() {
    return standardizer != null;
  }

  /**
   * Refuses a number of draws that is negative, or whose {@code width} values per draw (the data's columns, or a
   * wider layer the draws pass through) would not fit one Java array, before anything is allocated.
   *
   * @throws ParameterException naming {@code n}
   */
  static void checkDraws(int n, long width, String what) {
    ParameterException.atLeast("n", n, 0);
    if (n > ImportanceSamples.MAX_ARRAY_LENGTH / Math.max(1, width)) {
      throw ParameterException.of("n", "too large: " + n + " draws of " + width + " values each (" + what
          + ") would need an array of more than the " + ImportanceSamples.MAX_ARRAY_LENGTH + " values one array "
          + "holds; draw in batches of different keys");
    }
  }

  /**
   * The product of sizes read from a file, checked for overflow.
   *
   * @throws IllegalArgumentException naming {@code what} if it exceeds an int
   */
  static int product(String what, int... sizes) {
    long n = 1;
    for (int s : sizes) {
      n *= s;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("'" + what + "' would have more than " + Integer.MAX_VALUE
            + " values (sizes " + java.util.Arrays.toString(sizes) + ")");
      }
    }
    return (int) n;
  }

  /**
   * Returns {@code values}, read from a model file, after checking that each lies in the float32 range of the data
   * it describes (a mean or a standard deviation of columns, whose values are floats): a hand-edited 1e300 is no
   * mean of any data, and would load only to make every log density -Infinity.
   *
   * @param what what holds the values, for the message: "tensor 'means'", "model config 'standardizeMean'"
   * @throws IllegalArgumentException naming {@code what}, the value and its element (row-major, from 0)
   */
  static double[] requireFloatRange(String what, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!(Math.abs(values[i]) <= Float.MAX_VALUE)) {
        throw new IllegalArgumentException(what + " holds " + values[i] + " at element " + i + ", beyond the float32"
            + " range of the data it describes (magnitude at most " + Float.MAX_VALUE + ")");
      }
    }
    return values;
  }

  /** Reads an integer from the config, checked to be at least {@code min}. */
  static int configInt(ModelFile file, String key, int min) {
    Object v = file.config().get(key);
    if (!(v instanceof Long) || (Long) v < min || (Long) v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("config '" + key + "' must be an integer >= " + min + ", got " + v);
    }
    return ((Long) v).intValue();
  }
}
