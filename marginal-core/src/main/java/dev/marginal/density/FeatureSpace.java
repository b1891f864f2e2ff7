package dev.marginal.density;

import dev.marginal.config.ParameterException;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.data.FiniteValues;
import dev.marginal.data.Standardizer;
import dev.marginal.io.JsonFields;
import dev.marginal.io.ModelFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  private final List<String> columns;
  private final Standardizer standardizer;
  private final double logJacobian;

  /** @param standardizer null for none */
  FeatureSpace(List<String> columns, Standardizer standardizer) {
    if (standardizer != null && standardizer.cols() != columns.size()) {
      throw new IllegalArgumentException("standardizer has " + standardizer.cols() + " columns, data "
          + columns.size());
    }
    this.columns = List.copyOf(columns);
    this.standardizer = standardizer;
    this.logJacobian = standardizer == null ? 0 : standardizer.logJacobian();
  }

  /**
   * The columns of {@code data}, standardized by its own means and deviations when asked.
   *
   * @throws DataException naming the point and column of a NaN or infinity in {@code data}
   */
  static FeatureSpace fit(Dataset data, boolean standardize) {
    FiniteValues.require(data);
    return new FeatureSpace(data.columns(), standardize ? Standardizer.fit(data) : null);
  }

  List<String> columns() {
    return columns;
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
    int d = dim();
    float[] x = data.values();
    double[] mean = standardizer == null ? new double[d] : standardizer.mean();
    double[] sd = standardizer == null ? null : standardizer.sd();
    double[][] out = new double[data.rows()][d];
    for (int i = 0; i < out.length; i++) {
      for (int j = 0; j < d; j++) {
        double v = x[i * d + j] - mean[j];
        out[i][j] = sd == null ? v : v / sd[j];
      }
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
    FiniteValues.require(data);
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
    Standardizer s = fields.flag("standardize", false)
        ? new Standardizer(file.float64(MEAN).values(), file.float64(SD).values()) : null;
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

  /**
   * Exact log densities in the user's space: the model-space log densities plus this space's log-Jacobian, with zero
   * standard errors.
   *
   * @param modelLogProb log densities of the rows in the model's (standardized) space; adjusted in place
   */
  DensityModel.LogDensity exactLogDensity(double[] modelLogProb) {
    double logJacobian = logJacobian();
    for (int i = 0; i < modelLogProb.length; i++) {
      modelLogProb[i] += logJacobian;
    }
    return new DensityModel.LogDensity(modelLogProb, new double[modelLogProb.length], "exact");
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

  /** Reads an integer from the config, checked to be at least {@code min}. */
  static int configInt(ModelFile file, String key, int min) {
    Object v = file.config().get(key);
    if (!(v instanceof Long) || (Long) v < min || (Long) v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("config '" + key + "' must be an integer >= " + min + ", got " + v);
    }
    return ((Long) v).intValue();
  }
}
