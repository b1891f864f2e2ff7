package dev.marginal.spark.ml;

import dev.marginal.io.Version;
import dev.marginal.data.Standardizer;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.distributions.CovarianceType;
import dev.marginal.models.GaussianMixtureModel;
import dev.marginal.models.GmmFit;
import dev.marginal.models.GmmOptions;
import dev.marginal.spark.SparkRowChunks;
import dev.marginal.spark.TaskErrors;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Gaussian mixture fitted by EM on Spark, as {@link GaussianMixtureModel} fits one in process (k-means++ seeding,
 * Lloyd iterations, restarts, scikit-learn's M-step): the fitted parameters are bit for bit those of the in-process
 * fit of the same rows sorted by {@code idCol}, for any number of partitions, row order, master or task retry.
 * Rows are cut into chunks of 2048 by id rank and cached; each pass computes per-chunk sums on the executors and
 * the driver adds them in chunk order. The result is a {@link MarginalDensityModel} holding the ordinary model file
 * (kind {@code gmm}), which {@code marginal score} reads. With {@code standardize}, two more passes take the
 * columns' means and standard deviations as the in-process fit with {@code standardize} takes them (per chunk, then
 * over chunks in order), and EM runs on the standardized chunks, cached beside the rows: bit for bit that fit too,
 * scoring in the data's units. Without it, columns whose variance is below 100 times {@code regCovar} are warned
 * of as the in-process fit warns of them (in Spark's log and the model file's provenance, {@code warnings}). The
 * fit logs its progress at INFO, a line at most every 10 s: EM iterations done, the mean log-likelihood and the time
 * left at most.
 */
public final class MarginalGmm extends RowEstimator<MarginalGmm> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final IntParam components;
  private final Param<String> covarianceType;
  private final DoubleParam regCovar;
  private final DoubleParam tol;
  private final IntParam maxIter;
  private final IntParam nInit;
  private final IntParam lloydIterations;
  private final LongParam seed;

  public MarginalGmm(String uid) {
    super(uid, "rows are ordered by it");
    components = new IntParam(this, "components", "mixture components (>= 1)",
        ParamRules.atLeast(1));
    covarianceType = new Param<>(this, "covarianceType", "full, diag or spherical",
        ParamRules.oneOf("full", "diag", "spherical"));
    regCovar = new DoubleParam(this, "regCovar", "covariance floor added to the diagonal (>= 0)",
        ParamRules.finiteNonNegative());
    tol = new DoubleParam(this, "tol", "convergence threshold on the mean log-likelihood (>= 0)",
        ParamRules.finiteNonNegative());
    maxIter = new IntParam(this, "maxIter", "EM iterations per restart (>= 1)", ParamRules.atLeast(1));
    nInit = new IntParam(this, "nInit", "restarts (>= 1); the best lower bound is kept",
        ParamRules.atLeast(1));
    lloydIterations = new IntParam(this, "lloydIterations", "Lloyd iterations after k-means++ seeding (>= 0)",
        ParamRules.atLeast(0));
    seed = new LongParam(this, "seed", "root seed of the k-means++ draws");
    setDefault(components, 1);
    setDefault(covarianceType, "full");
    setDefault(regCovar, GmmOptions.DEFAULT_REG_COVAR);
    setDefault(tol, GmmOptions.DEFAULT_TOL);
    setDefault(maxIter, GmmOptions.DEFAULT_MAX_ITER);
    setDefault(nInit, GmmOptions.DEFAULT_N_INIT);
    setDefault(lloydIterations, GmmOptions.DEFAULT_LLOYD_ITERATIONS);
    setDefault(seed, GmmOptions.DEFAULT_SEED);
  }

  public MarginalGmm() {
    this(Identifiable$.MODULE$.randomUID("marginalGmm"));
  }

  public IntParam components() {
    return components;
  }

  public Param<String> covarianceType() {
    return covarianceType;
  }

  public DoubleParam regCovar() {
    return regCovar;
  }

  public DoubleParam tol() {
    return tol;
  }

  public IntParam maxIter() {
    return maxIter;
  }

  public IntParam nInit() {
    return nInit;
  }

  public IntParam lloydIterations() {
    return lloydIterations;
  }

  public LongParam seed() {
    return seed;
  }

  public MarginalGmm setComponents(int v) {
    return (MarginalGmm) set(components, ParamRules.checked(components, v));
  }

  public MarginalGmm setCovarianceType(String v) {
    return (MarginalGmm) set(covarianceType, ParamRules.checked(covarianceType, v));
  }

  public MarginalGmm setRegCovar(double v) {
    return (MarginalGmm) set(regCovar, ParamRules.checked(regCovar, v));
  }

  public MarginalGmm setTol(double v) {
    return (MarginalGmm) set(tol, ParamRules.checked(tol, v));
  }

  public MarginalGmm setMaxIter(int v) {
    return (MarginalGmm) set(maxIter, ParamRules.checked(maxIter, v));
  }

  public MarginalGmm setNInit(int v) {
    return (MarginalGmm) set(nInit, ParamRules.checked(nInit, v));
  }

  public MarginalGmm setLloydIterations(int v) {
    return (MarginalGmm) set(lloydIterations, ParamRules.checked(lloydIterations, v));
  }

  public MarginalGmm setSeed(long v) {
    return (MarginalGmm) set(seed, v);
  }

  /** The in-process options these parameters stand for (each checked when it was set). */
  public GmmOptions options() {
    CovarianceType type = CovarianceType.valueOf($(covarianceType).trim().toUpperCase(Locale.ROOT));
    return GmmOptions.of((Integer) $(components)).withCovarianceType(type).withRegCovar((Double) $(regCovar))
        .withTol((Double) $(tol)).withMaxIter((Integer) $(maxIter)).withNInit((Integer) $(nInit))
        .withLloydIterations((Integer) $(lloydIterations)).withSeed((Long) $(seed));
  }

  /**
   * Fits the model to the rows of {@code dataset}.
   *
   * @throws IllegalArgumentException for a bad parameter or row (a null, negative or repeated id, a null or
   *     non-finite feature, features of the wrong length), with a one-line message
   */
  @Override
  public MarginalDensityModel fit(Dataset<?> dataset) {
    return TaskErrors.userErrors(() -> fitRows(dataset));
  }

  private MarginalDensityModel fitRows(Dataset<?> dataset) {
    GmmOptions options = options();
    int dim = TrainingRows.dim(dataset, $(idCol), $(featuresCol), $(inputCols));
    GmmFit fit;
    long rows;
    Standardizer z = null;
    List<String> warnings = List.of();
    try (SparkRowChunks chunks = TrainingRows.chunks(dataset, $(idCol), $(featuresCol), $(inputCols), dim)) {
      rows = chunks.rows();
      if (!(Boolean) $(standardize) && options.regCovar() > 0) {
        // As the in-process fit warns: columns whose variance the covariance floor would swamp.
        double[] sd = chunks.standardizer().sd();
        double[] variance = new double[sd.length];
        for (int j = 0; j < sd.length; j++) {
          variance[j] = sd[j] == 1.0 ? 0 : sd[j] * sd[j]; // 1: possibly a constant column, never warned of
        }
        warnings = GmmDensityModel.warnings("spark", TrainingRows.columns($(inputCols), dim), variance, options);
        for (String w : warnings) {
          logWarning(() -> w);
        }
      }
      IterationProgress progress = new IterationProgress("fit gmm", "mean log-likelihood", line -> logInfo(() -> line),
          System::nanoTime);
      if ((Boolean) $(standardize)) {
        z = chunks.standardizer();
        double logJacobian = z.logJacobian(); // the log-likelihood in the data's units, as in process
        try (SparkRowChunks standardized = chunks.standardized(z)) {
          fit = GaussianMixtureModel.fit(standardized, options,
              (done, total, value) -> progress.update(done, total, value + logJacobian));
        }
      } else {
        fit = GaussianMixtureModel.fit(chunks, options, progress);
      }
    }
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("engine", "spark");
    provenance.put("marginal_version", Version.get());
    provenance.put("seed", (Long) $(seed));
    provenance.put("rows", rows);
    provenance.put("converged", fit.converged());
    provenance.put("iterations", (long) fit.nIter());
    provenance.put("lowerBound", fit.lowerBound());
    provenance.put("standardize", z != null);
    if (!warnings.isEmpty()) {
      provenance.put("warnings", warnings);
    }
    GmmDensityModel model = GmmDensityModel.of(fit.mixture(), TrainingRows.columns($(inputCols), dim), z);
    MarginalDensityModel out = new MarginalDensityModel(Identifiable$.MODULE$.randomUID("marginal"),
        model.toFile(provenance).toBytes());
    return withRowColumns(out);
  }

  /** The schema of the fitted model's output: {@code log_px} and {@code std_err} added. */
  @Override
  public StructType transformSchema(StructType schema) {
    options();
    return MarginalDensityModel.outputSchema(schema, "log_px", "std_err", "");
  }

  /** Reads a stage saved with {@code write()}. */
  public static MLReader<MarginalGmm> read() {
    return new SavedStageReader<>(MarginalGmm.class);
  }

  /**
   * Loads a stage saved with {@code write()}.
   *
   * @throws IllegalArgumentException "no saved MarginalGmm at PATH" if nothing is at {@code path}, or naming the
   *     path if it holds no saved stage, one of another class or one whose {@code metadata/} is broken
   */
  public static MarginalGmm load(String path) {
    return read().load(path);
  }

  @Override
  public MarginalGmm copy(ParamMap extra) {
    return (MarginalGmm) defaultCopy(extra);
  }
}
