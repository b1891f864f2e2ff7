package dev.marginal.density;

import dev.marginal.config.WorkProgress;
import dev.marginal.data.Dataset;
import dev.marginal.data.Standardizer;
import dev.marginal.distributions.CovarianceType;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.io.JsonFields;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Provenance;
import dev.marginal.models.GaussianMixtureModel;
import dev.marginal.models.GmmFit;
import dev.marginal.models.GmmOptions;
import dev.marginal.random.RngKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link GaussianMixture} over named columns, optionally fitted to standardized data, as a {@link DensityModel}
 * of kind {@value #KIND}. Log densities are exact and always of the data as given: with standardization,
 * log p(x) = log q((x − mean) / sd) − Σ_j log sd_j.
 *
 * <p>In a model file the mixture's parameters are float64 arrays ({@code weights [C]}, {@code means [C, d]},
 * {@code covariances} {@code [C, d, d]}, {@code [C, d]} or {@code [C]} by covariance type), so a model read back
 * scores as the one written.
 */
public final class GmmDensityModel implements DensityModel {
  /** The kind in model files. */
  public static final String KIND = "gmm";

  /**
   * A fitted model with its EM record and its fit to the training data, in the data's own units.
   *
   * @param meanLogLikelihood (1/n) Σ log p(x_i) over the training rows, nats
   * @param bic −2 Σ log p(x_i) + p ln n, p the mixture's free parameters (the standardizer is not counted)
   * @param aic −2 Σ log p(x_i) + 2p
   * @param provenance seed, data, options, versions and wall time, for {@link #toFile(Provenance)}
   */
  public record Fitted(GmmDensityModel model, GmmFit fit, double meanLogLikelihood, double bic, double aic,
      Provenance provenance) {}

  private final GaussianMixture mixture;
  private final FeatureSpace space;

  private GmmDensityModel(GaussianMixture mixture, FeatureSpace space) {
    if (mixture.dim() != space.dim()) {
      throw new IllegalArgumentException("mixture of dimension " + mixture.dim() + " for " + space.dim()
          + " columns");
    }
    this.mixture = mixture;
    this.space = space;
  }

  /**
   * A model from a mixture over the given columns.
   *
   * @param standardizer the map to the mixture's space, or null when the mixture is of the data as given
   */
  public static GmmDensityModel of(GaussianMixture mixture, List<String> columns, Standardizer standardizer) {
    return new GmmDensityModel(mixture, new FeatureSpace(columns, standardizer));
  }

  /**
   * A column's variance below this many times {@code regCovar} is warned of ({@link #warnings}). Two moons scaled so
   * that their columns' variances were 76 and 25 times the default regCovar scored 0.09 nats lower held out fitted as
   * given than standardized; at 6.9 and 2.3 times, 0.85 nats; at 0.76 and 0.25 times, 1.5 nats; at 690 and 230 times,
   * 0.02 nats higher (BENCHMARKS.md, "A GMM's covariance floor and the data's scale").
   */
  static final double REG_COVAR_RATIO = 100;

  /**
   * What a fit of {@code data} with {@code options} warns of, one line each, before EM runs: now one warning, when
   * columns fitted as given (not {@code standardize}) have variances below {@value #REG_COVAR_RATIO} times
   * {@code regCovar}, the floor EM adds to every component's covariance diagonal, which then makes up much of such a
   * column's spread. Constant columns, a zero {@code regCovar} and standardized fits get none.
   */
  public static List<String> warnings(Dataset data, GmmOptions options, boolean standardize) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    if (data.rows() == 0 || standardize || options.regCovar() == 0) {
      return List.of();
    }
    double[] sd = Standardizer.fit(data).sd();
    double[] variance = new double[sd.length];
    for (int j = 0; j < sd.length; j++) {
      // A constant column's sd is set to 1; its variance is 0, and the floor is all of it whatever the scale.
      variance[j] = sd[j] == 1.0 && isConstant(data, j) ? 0 : sd[j] * sd[j];
    }
    return warnings(data.source(), data.columns(), variance, options);
  }

  /**
   * {@link #warnings(Dataset, GmmOptions, boolean)} for columns of the given population variances, fitted as given
   * (a variance of 0, a constant column's, is not warned of): what a fit on chunks held elsewhere (marginal-spark)
   * warns of.
   */
  public static List<String> warnings(String source, List<String> columns, double[] variance, GmmOptions options) {
    Objects.requireNonNull(options, "options");
    List<Integer> small = new java.util.ArrayList<>();
    for (int j = 0; j < variance.length; j++) {
      if (variance[j] > 0 && variance[j] < REG_COVAR_RATIO * options.regCovar()) {
        small.add(j);
      }
    }
    if (small.isEmpty()) {
      return List.of();
    }
    String named = dev.marginal.io.Untrusted.columnsWithValues(columns, small, variance);
    return List.of(String.format(Locale.ROOT, "%s: variance below %.0f times regCovar %.3g in %s %s; regCovar, added"
        + " to every component's covariance diagonal, is then a large part of their spread and lowers the fit's"
        + " log-likelihood (BENCHMARKS.md): standardize fits standardized columns (the scores stay in the data's"
        + " units), or lower regCovar", source, REG_COVAR_RATIO, options.regCovar(),
        small.size() == 1 ? "column" : small.size() + " of " + variance.length + " columns:", named));
  }

  private static boolean isConstant(Dataset data, int j) {
    float[] v = data.values();
    int d = data.cols();
    for (int i = 1; i < data.rows(); i++) {
      if (v[i * d + j] != v[j]) {
        return false;
      }
    }
    return true;
  }

  /** Fits a mixture by EM to every column of {@code data} as given: {@code fit(data, options, false)}. */
  public static Fitted fit(Dataset data, GmmOptions options) {
    return fit(data, options, false);
  }

  /**
   * Fits a mixture by EM to every column of {@code data}.
   *
   * @param standardize fit to (x − mean) / sd of each column, remembering the map
   * @throws IllegalArgumentException if there are fewer rows than components
   */
  public static Fitted fit(Dataset data, GmmOptions options, boolean standardize) {
    return fit(data, options, standardize, WorkProgress.silent());
  }

  /**
   * {@link #fit(Dataset, GmmOptions, boolean)}, the same fit bit for bit, reporting every EM iteration to
   * {@code progress} on the calling thread as {@link GaussianMixtureModel#fit(double[][], GmmOptions, WorkProgress)}
   * does, with the mean log-likelihood in the data's units (plus the standardization's log-Jacobian).
   */
  public static Fitted fit(Dataset data, GmmOptions options, boolean standardize, WorkProgress progress) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    Provenance.Clock clock = Provenance.startClock();
    FeatureSpace space = FeatureSpace.fit(data, standardize);
    double[][] x = space.toModel(data);
    double logJacobian = space.logJacobian();
    GmmFit fit = GaussianMixtureModel.fit(x, options,
        (done, total, meanLogLik) -> progress.update(done, total, meanLogLik + logJacobian));
    GmmDensityModel model = new GmmDensityModel(fit.mixture(), space);
    int n = x.length;
    double meanLogLikelihood = fit.score(x) + space.logJacobian();
    int p = fit.mixture().freeParameterCount();
    double bic = -2 * meanLogLikelihood * n + p * StrictMath.log(n);
    double aic = -2 * meanLogLikelihood * n + 2.0 * p;
    Map<String, Object> settings = options.toMap();
    settings.put("standardize", standardize);
    return new Fitted(model, fit, meanLogLikelihood, bic, aic,
        clock.stop(options.key().seed(), data.source(), data.rows(), data.columns(), settings));
  }

  /** The mixture, in the standardized space when {@link #standardizer()} is present. */
  public GaussianMixture mixture() {
    return mixture;
  }

  /** The standardization applied before the mixture, if any. */
  public Optional<Standardizer> standardizer() {
    return Optional.ofNullable(space.standardizer());
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int dim() {
    return space.dim();
  }

  @Override
  public List<String> columns() {
    return space.columns();
  }

  /** Exact log p(x); {@code key} is unused and the standard errors are zero. */
  @Override
  public LogDensity logDensity(Dataset data, ScoreOptions options, RngKey key) {
    return logDensities(data, List.of(Objects.requireNonNull(options, "options")), key, WorkProgress.silent())
        .get(0);
  }

  /**
   * Scores the rows 16,384 at a pass, reporting each pass (a unit a row and estimator); every
   * row's value is its own, whatever the passes.
   */
  @Override
  public List<LogDensity> logDensities(Dataset data, List<ScoreOptions> options, RngKey key,
      WorkProgress progress) {
    return space.exactLogDensities(KIND, data, options, mixture::logProb, progress);
  }

  /** Draws as scikit-learn does: multinomial component counts, rows grouped by component in order. */
  @Override
  public Dataset sample(RngKey key, int n) {
    Objects.requireNonNull(key, "key");
    FeatureSpace.checkDraws(n, dim(), "the data's columns");
    GaussianMixture.Draws draws = mixture.sample(key, n);
    return FiniteResults.requireSamples(space.fromModel(draws.points(), "sample of a " + KIND + " model"))
        .withLabels(draws.labels());
  }

  /** The responsibilities p(c | x) in columns {@code p0 .. p(C−1)}. */
  @Override
  public Dataset encode(Dataset data) {
    return encode(data, WorkProgress.silent());
  }

  /** Encodes the rows 16,384 at a pass, reporting each pass. */
  @Override
  public Dataset encode(Dataset data, WorkProgress progress) {
    int k = mixture.components();
    float[] out = space.encodeRows(data, k, (x, to, offset) -> {
      double[] r = mixture.responsibilities(x);
      for (int c = 0; c < k; c++) {
        to[offset + c] = (float) r[c];
      }
    }, progress);
    return Dataset.of(data.source(), FeatureSpace.numbered("p", k), out);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", "Gaussian mixture");
    m.put("components", mixture.components());
    m.put("covariance", covarianceName(mixture.covarianceType()));
    m.put("free_parameters", mixture.freeParameterCount());
    m.put("weights", mixture.weights());
    m.putAll(space.describe());
    return m;
  }

  @Override
  public ModelFile toFile(Map<String, Object> provenance) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("components", mixture.components());
    config.put("covariance", covarianceName(mixture.covarianceType()));
    config.put("dim", dim());
    Map<String, ModelFile.Float64> float64 = new LinkedHashMap<>();
    space.store(config, float64);
    float64.put("weights", ModelFile.Float64.of(mixture.weights()));
    float64.put("means", ModelFile.Float64.of(mixture.means()));
    float64.put("covariances", covariances());
    return new ModelFile(KIND, config, provenance, Map.of(), float64);
  }

  /**
   * Reads a model written by {@link #toFile}.
   *
   * @throws IllegalArgumentException if the file's contents are inconsistent (names what is wrong)
   */
  public static GmmDensityModel fromFile(ModelFile file) {
    int k = FeatureSpace.configInt(file, "components", 1);
    int d = FeatureSpace.configInt(file, "dim", 1);
    CovarianceType type = parseCovariance(
        JsonFields.of("model config", file.config()).string("covariance"));
    double[] weights = checked(file, "weights", k).values();
    double[][] means = rows(FeatureSpace.requireFloatRange("tensor 'means'",
        checked(file, "means", FeatureSpace.product("means", k, d)).values()), k, d);
    int perComponent = type == CovarianceType.FULL ? FeatureSpace.product("covariances", d, d)
        : type == CovarianceType.DIAG ? d : 1;
    double[] cov = checked(file, "covariances", FeatureSpace.product("covariances", k, perComponent)).values();
    GaussianMixture mixture = switch (type) {
      case FULL -> {
        double[][][] full = new double[k][][];
        for (int c = 0; c < k; c++) {
          full[c] = rows(Arrays.copyOfRange(cov, c * d * d, (c + 1) * d * d), d, d);
        }
        yield GaussianMixture.ofFull(weights, means, full);
      }
      case DIAG -> GaussianMixture.ofDiagonal(weights, means, rows(cov, k, d));
      case SPHERICAL -> GaussianMixture.ofSpherical(weights, means, cov);
    };
    return new GmmDensityModel(mixture, FeatureSpace.load(file, d));
  }

  /** The covariance parameters as stored: full {@code [C, d, d]}, diagonal {@code [C, d]}, spherical {@code [C]}. */
  private ModelFile.Float64 covariances() {
    int k = mixture.components();
    int d = dim();
    return switch (mixture.covarianceType()) {
      case FULL -> {
        double[][][] full = mixture.covariances();
        double[] flat = new double[k * d * d];
        for (int c = 0; c < k; c++) {
          for (int i = 0; i < d; i++) {
            System.arraycopy(full[c][i], 0, flat, (c * d + i) * d, d);
          }
        }
        yield new ModelFile.Float64(flat, new int[] {k, d, d});
      }
      case DIAG -> {
        // The diagonals alone: a diagonal mixture's d × d matrices would be k·d·d numbers, mostly zeros.
        double[][] diag = new double[k][];
        for (int c = 0; c < k; c++) {
          diag[c] = mixture.covarianceDiagonal(c);
        }
        yield ModelFile.Float64.of(diag);
      }
      case SPHERICAL -> {
        double[] sph = new double[k];
        for (int c = 0; c < k; c++) {
          sph[c] = mixture.covarianceDiagonal(c)[0];
        }
        yield ModelFile.Float64.of(sph);
      }
    };
  }

  private static ModelFile.Float64 checked(ModelFile file, String name, int size) {
    ModelFile.Float64 t = file.float64(name);
    if (t.values().length != size) {
      throw new IllegalArgumentException("tensor '" + name + "' has " + t.values().length + " values, expected "
          + size);
    }
    return t;
  }

  private static double[][] rows(double[] flat, int rows, int cols) {
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * cols, out[i], 0, cols);
    }
    return out;
  }

  /** "full", "diag" or "spherical": the names the command line and scikit-learn use. */
  public static String covarianceName(CovarianceType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The covariance type named {@code name} (full, diag or spherical, any case).
   *
   * @throws IllegalArgumentException listing the names for anything else
   */
  public static CovarianceType parseCovariance(String name) {
    for (CovarianceType t : CovarianceType.values()) {
      if (covarianceName(t).equalsIgnoreCase(name.strip())) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown covariance type '" + name + "' (expected full, diag or spherical)");
  }
}
