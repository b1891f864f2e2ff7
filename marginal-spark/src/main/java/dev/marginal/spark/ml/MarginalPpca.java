package dev.marginal.spark.ml;

import dev.marginal.io.Version;
import dev.marginal.data.Standardizer;
import dev.marginal.density.PpcaDensityModel;
import dev.marginal.models.Ppca;
import dev.marginal.spark.SparkRowChunks;
import dev.marginal.spark.TaskErrors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * Probabilistic PCA fitted on Spark in closed form (Tipping &amp; Bishop 1999), as {@link Ppca#fit} fits it in
 * process: one pass for the mean and one for the scatter about it, each summed per chunk of 2048 rows (ordered by
 * {@code idCol}) on the executors and over chunks in order on the driver, then the eigen-decomposition on the
 * driver. The parameters are bit for bit those of the in-process fit of the rows sorted by id, for any
 * partitioning, row order, master or task retry. Each chunk sends a packed d(d+1)/2 scatter to the driver (2.5 MB
 * for d = 784). The result is a {@link MarginalDensityModel} of kind {@code ppca}. With {@code standardize}, two
 * more passes take the columns' means and standard deviations as the in-process fit with {@code standardize} takes
 * them (per chunk, then over chunks in order), and the fit runs on the standardized chunks, cached beside the rows:
 * bit for bit that fit too.
 */
public final class MarginalPpca extends RowEstimator<MarginalPpca> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final IntParam latentDim;

  public MarginalPpca(String uid) {
    super(uid, "rows are ordered by it");
    latentDim = new IntParam(this, "latentDim", "latent dimension q, 1 <= q < d",
        ParamRules.atLeast(1));
    setDefault(latentDim, 2);
  }

  public MarginalPpca() {
    this(Identifiable$.MODULE$.randomUID("marginalPpca"));
  }

  public IntParam latentDim() {
    return latentDim;
  }

  public MarginalPpca setLatentDim(int v) {
    return (MarginalPpca) set(latentDim, ParamRules.checked(latentDim, v));
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
    int dim = TrainingRows.dim(dataset, $(idCol), $(featuresCol), $(inputCols));
    int q = (Integer) $(latentDim);
    Ppca ppca;
    long rows;
    Standardizer z = null;
    try (SparkRowChunks chunks = TrainingRows.chunks(dataset, $(idCol), $(featuresCol), $(inputCols), dim)) {
      rows = chunks.rows();
      if ((Boolean) $(standardize)) {
        z = chunks.standardizer();
        try (SparkRowChunks standardized = chunks.standardized(z)) {
          ppca = Ppca.fit(standardized, q);
        }
      } else {
        ppca = Ppca.fit(chunks, q);
      }
    }
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("engine", "spark");
    provenance.put("marginal_version", Version.get());
    provenance.put("rows", rows);
    provenance.put("standardize", z != null);
    PpcaDensityModel model = PpcaDensityModel.of(ppca, TrainingRows.columns($(inputCols), dim), z);
    MarginalDensityModel out = new MarginalDensityModel(Identifiable$.MODULE$.randomUID("marginal"),
        model.toFile(provenance).toBytes());
    return withRowColumns(out);
  }

  /** The schema of the fitted model's output: {@code log_px} and {@code std_err} added. */
  @Override
  public StructType transformSchema(StructType schema) {
    return MarginalDensityModel.outputSchema(schema, "log_px", "std_err", "");
  }

  /** Reads a stage saved with {@code write()}. */
  public static MLReader<MarginalPpca> read() {
    return new SavedStageReader<>(MarginalPpca.class);
  }

  /**
   * Loads a stage saved with {@code write()}.
   *
   * @throws IllegalArgumentException "no saved MarginalPpca at PATH" if nothing is at {@code path}, or naming the
   *     path if it holds no saved stage, one of another class or one whose {@code metadata/} is broken
   */
  public static MarginalPpca load(String path) {
    return read().load(path);
  }

  @Override
  public MarginalPpca copy(ParamMap extra) {
    return (MarginalPpca) defaultCopy(extra);
  }
}
