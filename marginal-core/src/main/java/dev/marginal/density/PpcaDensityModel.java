package dev.marginal.density;

import dev.marginal.config.WorkProgress;
import dev.marginal.data.Dataset;
import dev.marginal.data.Standardizer;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Provenance;
import dev.marginal.models.Ppca;
import dev.marginal.random.RngKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Probabilistic PCA ({@link Ppca}) over named columns, optionally fitted to standardized data, as a
 * {@link DensityModel} of kind {@value #KIND}. Log densities are exact and of the data as given (the
 * standardization's log-Jacobian −Σ_j log sd_j is added).
 *
 * <p>In a model file the parameters are float64 arrays: {@code mean [d]}, {@code loadings [d, q]} and
 * {@code noise_variance [1]}.
 */
public final class PpcaDensityModel implements LatentDecoder {
  /** The kind in model files. */
  public static final String KIND = "ppca";

  /**
   * A fitted model with its fit to the training data, in the data's own units.
   *
   * @param meanLogLikelihood (1/n) Σ log p(x_i) over the training rows, nats
   * @param bic −2 Σ log p(x_i) + p ln n with p = d + dq − q(q − 1)/2 + 1 free parameters (Minka 2000)
   * @param aic −2 Σ log p(x_i) + 2p
   * @param provenance seed, data, options, versions and wall time, for {@link #toFile(Provenance)}
   */
  public record Fitted(PpcaDensityModel model, double meanLogLikelihood, double bic, double aic,
      Provenance provenance) {}

  private final Ppca ppca;
  private final FeatureSpace space;

  private PpcaDensityModel(Ppca ppca, FeatureSpace space) {
    if (ppca.dim() != space.dim()) {
      throw new IllegalArgumentException("PPCA of dimension " + ppca.dim() + " for " + space.dim() + " columns");
    }
    this.ppca = ppca;
    this.space = space;
  }

  /**
   * A model from PPCA parameters over the given columns.
   *
   * @param standardizer the map to the model's space, or null when the model is of the data as given
   */
  public static PpcaDensityModel of(Ppca ppca, List<String> columns, Standardizer standardizer) {
    return new PpcaDensityModel(ppca, new FeatureSpace(columns, standardizer));
  }

  /** The maximum-likelihood fit to every column of {@code data} as given: {@code fit(data, latentDim, false)}. */
  public static Fitted fit(Dataset data, int latentDim) {
    return fit(data, latentDim, false);
  }

  /**
   * The maximum-likelihood fit to every column of {@code data}.
   *
   * @param latentDim q, with 1 ≤ q &lt; d
   * @param standardize fit to (x − mean) / sd of each column, remembering the map
   */
  public static Fitted fit(Dataset data, int latentDim, boolean standardize) {
    Objects.requireNonNull(data, "data");
    Provenance.Clock clock = Provenance.startClock();
    FeatureSpace space = FeatureSpace.fit(data, standardize);
    double[][] x = space.toModel(data);
    PpcaDensityModel model = new PpcaDensityModel(Ppca.fit(x, latentDim), space);
    double mean = 0;
    for (double v : model.logDensity(data, ScoreOptions.exact(), null).value()) {
      mean += v / x.length;
    }
    int n = x.length;
    double p = model.freeParameterCount();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("latent", latentDim);
    settings.put("standardize", standardize);
    // The closed-form fit draws no random numbers: seed 0 stands for "none".
    return new Fitted(model, mean, -2 * mean * n + p * StrictMath.log(n), -2 * mean * n + 2 * p,
        clock.stop(0, data.source(), data.rows(), data.columns(), settings));
  }

  /** d + dq − q(q − 1)/2 + 1: the mean, the loadings up to rotation, and the noise variance. */
  public int freeParameterCount() {
    int d = ppca.dim();
    int q = ppca.latentDim();
    return d + d * q - q * (q - 1) / 2 + 1;
  }

  /** The PPCA parameters, in the standardized space when {@link #standardizer()} is present. */
  public Ppca ppca() {
    return ppca;
  }

  /** The standardization applied before the model, if any. */
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
    return space.exactLogDensities(KIND, data, options, ppca::logProb, progress);
  }

  @Override
  public Dataset sample(RngKey key, int n) {
    Objects.requireNonNull(key, "key");
    FeatureSpace.checkDraws(n, dim(), "the data's columns");
    return FiniteResults.requireSamples(space.fromModel(ppca.sample(key, n), "sample of a " + KIND + " model"));
  }

  @Override
  public int latentDim() {
    return ppca.latentDim();
  }

  /** The means W z + b, mapped back through the standardization: exact, no randomness. */
  @Override
  public Dataset decode(Dataset codes) {
    Dataset z = LatentCodes.of(codes, ppca.latentDim());
    LatentCodes.checkSize(z, dim());
    int q = z.cols();
    double[][] zs = new double[z.rows()][q];
    float[] v = z.values();
    for (int i = 0; i < zs.length; i++) {
      for (int a = 0; a < q; a++) {
        zs[i][a] = v[i * q + a];
      }
    }
    return LatentCodes.requireDecoded(z, space.fromModel(ppca.decode(zs), z.source() + " (decoded)"));
  }

  @Override
  public Dataset sampleMeans(RngKey key, int n) {
    Objects.requireNonNull(key, "key");
    FeatureSpace.checkDraws(n, dim(), "the data's columns");
    return FiniteResults.requireSamples(space.fromModel(ppca.sampleMeans(key, n), "means of a " + KIND + " model"));
  }

  /** Posterior means E[z | x] in {@code z0 ..}, then posterior variances in {@code var_z0 ..}. */
  @Override
  public Dataset encode(Dataset data) {
    return encode(data, WorkProgress.silent());
  }

  /** Encodes the rows 16,384 at a pass, reporting each pass. */
  @Override
  public Dataset encode(Dataset data, WorkProgress progress) {
    int q = ppca.latentDim();
    float[] out = space.encodeRows(data, 2 * q, (x, to, offset) -> {
      Ppca.Posterior post = ppca.posterior(x);
      double[] mean = post.mean();
      for (int a = 0; a < q; a++) {
        to[offset + a] = (float) mean[a];
        to[offset + q + a] = (float) post.variance(a);
      }
    }, progress);
    List<String> names = new ArrayList<>(FeatureSpace.numbered("z", q));
    names.addAll(FeatureSpace.numbered("var_z", q));
    return Dataset.of(data.source(), names, out);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", "probabilistic PCA");
    m.put("latent", ppca.latentDim());
    m.put("noise_variance", ppca.noiseVariance());
    m.put("free_parameters", freeParameterCount());
    m.putAll(space.describe());
    return m;
  }

  @Override
  public ModelFile toFile(Map<String, Object> provenance) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("dim", dim());
    config.put("latent", ppca.latentDim());
    Map<String, ModelFile.Float64> float64 = new LinkedHashMap<>();
    space.store(config, float64);
    float64.put("mean", ModelFile.Float64.of(ppca.mean()));
    float64.put("loadings", ModelFile.Float64.of(ppca.loadings()));
    float64.put("noise_variance", ModelFile.Float64.of(new double[] {ppca.noiseVariance()}));
    return new ModelFile(KIND, config, provenance, Map.of(), float64);
  }

  /**
   * Reads a model written by {@link #toFile}.
   *
   * @throws IllegalArgumentException if the file's contents are inconsistent (names what is wrong)
   */
  public static PpcaDensityModel fromFile(ModelFile file) {
    int d = FeatureSpace.configInt(file, "dim", 1);
    int q = FeatureSpace.configInt(file, "latent", 1);
    double[] mean = FeatureSpace.requireFloatRange("tensor 'mean'", file.float64("mean").values());
    ModelFile.Float64 loadings = file.float64("loadings");
    double[] noise = file.float64("noise_variance").values();
    if (mean.length != d || loadings.values().length != FeatureSpace.product("loadings", d, q)
        || noise.length != 1) {
      throw new IllegalArgumentException("PPCA tensors do not match dim " + d + " and latent " + q);
    }
    double[][] w = new double[d][q];
    double[] flat = loadings.values();
    for (int i = 0; i < d; i++) {
      System.arraycopy(flat, i * q, w[i], 0, q);
    }
    return new PpcaDensityModel(Ppca.of(mean, w, noise[0]), FeatureSpace.load(file, d));
  }
}
