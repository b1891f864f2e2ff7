package dev.marginal.spark.ml;

import dev.marginal.density.DensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.spark.ModelCache;
import dev.marginal.spark.TaskErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Any saved marginal model (Gaussian mixture, probabilistic PCA, deep LVM) as a Spark ML {@code Model}: transform
 * appends log p(x) in nats ({@code logPxCol}, exact or estimated with ELBO, IWAE or SUMO), its standard error over
 * {@code repeats} draws ({@code stdErrCol}; 0 for exact values, NaN for one draw) and, when {@code encodedCol} is
 * set, the posterior summaries as a vector (responsibilities for a mixture; posterior means then variances
 * otherwise). With {@code logPxCol} empty, log p(x) is not estimated and neither column is appended: encoding alone
 * costs one encoder pass, where a deep LVM's log p(x) costs K decoder passes per row.
 *
 * <p>Every row needs a unique id ≥ 0 in {@code idCol}: a row's randomness is keyed by it, so its outputs are bit for
 * bit the same for any partitioning and row order (a task is a pure function of its rows, so a retry recomputes the
 * same values), and equal to what the {@code marginal score} command gives row {@code id} of the same data with the
 * same seed. Scoring reads each row on its own, with no shuffle by id, so a repeated id is not detected (the fits
 * refuse it): each row with it is scored with that id's random draws (equal rows get equal values, rows with other
 * features share the draws) and {@link #evaluate} counts every one of them as an independent row. The model travels
 * to executors once, as the bytes of its model file. A per-datapoint deep LVM is refused:
 * its local posterior fits depend on which rows are fitted together, so it is scored and encoded in process only.
 */
public final class MarginalDensityModel extends Model<MarginalDensityModel> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final byte[] modelBytes;
  private transient DensityModel decoded;

  private final Param<String> featuresCol;
  private final StringArrayParam inputCols;
  private final Param<String> idCol;
  private final Param<String> estimator;
  private final IntParam numSamples;
  private final IntParam minTerms;
  private final IntParam repeats;
  private final LongParam seed;
  private final Param<String> logPxCol;
  private final Param<String> stdErrCol;
  private final Param<String> encodedCol;
  private final IntParam batchRows;

  /**
   * A model from the bytes of a marginal model file.
   *
   * @throws UncheckedIOException if the bytes are not a readable model file
   */
  public MarginalDensityModel(String uid, byte[] modelBytes) {
    this.uid = uid;
    this.modelBytes = modelBytes.clone();
    this.decoded = ModelCache.decode(this.modelBytes, uid);
    featuresCol = new Param<>(this, "featuresCol", "features: a vector or an array of numbers");
    inputCols = new StringArrayParam(this, "inputCols", "numeric feature columns in model order (instead of"
        + " featuresCol)");
    idCol = new Param<>(this, "idCol", "unique row id >= 0 (long or int) that keys the row's randomness");
    estimator = new Param<>(this, "estimator", "auto, exact, elbo, iwae or sumo (auto: exact where the model has"
        + " it, else iwae)", ParamRules.oneOf("auto", "exact", "elbo", "iwae", "sumo"));
    numSamples = new IntParam(this, "numSamples", "importance samples K per row (>= 1)", ParamRules.atLeast(1));
    minTerms = new IntParam(this, "minTerms", "SUMO minimum terms m (>= 1)", ParamRules.atLeast(1));
    repeats = new IntParam(this, "repeats", "independent estimates per row, averaged (>= 1)",
        ParamRules.atLeast(1));
    seed = new LongParam(this, "seed", "random seed of the estimators");
    logPxCol = new Param<>(this, "logPxCol", "output column of log p(x) in nats; empty for none (then no"
        + " log p(x) is estimated and stdErrCol is not appended)");
    stdErrCol = new Param<>(this, "stdErrCol", "output column of the standard error over repeats");
    encodedCol = new Param<>(this, "encodedCol", "output vector column of posterior summaries; empty for none");
    batchRows = new IntParam(this, "batchRows", "rows a task scores at once (>= 1)", ParamRules.atLeast(1));
    setDefault(featuresCol, "features");
    setDefault(inputCols, new String[0]);
    setDefault(idCol, "id");
    setDefault(estimator, "auto");
    setDefault(numSamples, 5000);
    setDefault(minTerms, 1);
    setDefault(repeats, 1);
    setDefault(seed, 0L);
    setDefault(logPxCol, "log_px");
    setDefault(stdErrCol, "std_err");
    setDefault(encodedCol, "");
    setDefault(batchRows, 1024);
  }

  /** A model from the bytes of a marginal model file, with a fresh uid. */
  public MarginalDensityModel(byte[] modelBytes) {
    this(Identifiable$.MODULE$.randomUID("marginal"), modelBytes);
  }

  /** Reads a marginal model file (any Hadoop file system path: local, hdfs://, s3a://...). */
  public static MarginalDensityModel fromFile(SparkSession spark, String path) {
    return new MarginalDensityModel(ModelFiles.read(spark, path));
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The model, decoded. */
  public DensityModel model() {
    if (decoded == null) {
      decoded = ModelCache.decode(modelBytes, uid);
    }
    return decoded;
  }

  /** The bytes of the model file, exactly as {@code marginal} writes and reads them. */
  public byte[] modelBytes() {
    return modelBytes.clone();
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public StringArrayParam inputCols() {
    return inputCols;
  }

  public Param<String> idCol() {
    return idCol;
  }

  public Param<String> estimator() {
    return estimator;
  }

  public IntParam numSamples() {
    return numSamples;
  }

  public IntParam minTerms() {
    return minTerms;
  }

  public IntParam repeats() {
    return repeats;
  }

  public LongParam seed() {
    return seed;
  }

  public Param<String> logPxCol() {
    return logPxCol;
  }

  public Param<String> stdErrCol() {
    return stdErrCol;
  }

  public Param<String> encodedCol() {
    return encodedCol;
  }

  public IntParam batchRows() {
    return batchRows;
  }

  public MarginalDensityModel setFeaturesCol(String v) {
    return (MarginalDensityModel) set(featuresCol, v);
  }

  public MarginalDensityModel setInputCols(String[] v) {
    return (MarginalDensityModel) set(inputCols, v);
  }

  public MarginalDensityModel setIdCol(String v) {
    return (MarginalDensityModel) set(idCol, v);
  }

  public MarginalDensityModel setEstimator(String v) {
    return (MarginalDensityModel) set(estimator, ParamRules.checked(estimator, v));
  }

  public MarginalDensityModel setNumSamples(int v) {
    return (MarginalDensityModel) set(numSamples, ParamRules.checked(numSamples, v));
  }

  public MarginalDensityModel setMinTerms(int v) {
    return (MarginalDensityModel) set(minTerms, ParamRules.checked(minTerms, v));
  }

  public MarginalDensityModel setRepeats(int v) {
    return (MarginalDensityModel) set(repeats, ParamRules.checked(repeats, v));
  }

  public MarginalDensityModel setSeed(long v) {
    return (MarginalDensityModel) set(seed, v);
  }

  public MarginalDensityModel setLogPxCol(String v) {
    return (MarginalDensityModel) set(logPxCol, v);
  }

  public MarginalDensityModel setStdErrCol(String v) {
    return (MarginalDensityModel) set(stdErrCol, v);
  }

  public MarginalDensityModel setEncodedCol(String v) {
    return (MarginalDensityModel) set(encodedCol, v);
  }

  public MarginalDensityModel setBatchRows(int v) {
    return (MarginalDensityModel) set(batchRows, ParamRules.checked(batchRows, v));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    RowFeatures.locate(schema, $(idCol), $(featuresCol), $(inputCols), model().dim());
    if (model() instanceof LvmDensityModel lvm && lvm.perDatapoint()) {
      throw new IllegalArgumentException("a per-datapoint deep LVM is scored and encoded in process only (its local"
          + " posterior fits depend on which rows are fitted together)");
    }
    if (!scoring() && !encoding()) {
      throw new IllegalArgumentException("logPxCol and encodedCol are both empty: nothing to compute");
    }
    if (scoring()) {
      PartitionScorer.options(model(), $(estimator), (Integer) $(numSamples), (Integer) $(minTerms),
          (Integer) $(repeats));
    }
    return outputSchema(schema, $(logPxCol), $(stdErrCol), $(encodedCol));
  }

  /**
   * {@code schema} with the output columns added ({@code logPx} empty for neither it nor {@code stdErr}).
   *
   * @throws IllegalArgumentException if an output column is in {@code schema} already or two have one name
   */
  static StructType outputSchema(StructType schema, String logPx, String stdErr, String encoded) {
    java.util.Set<String> taken = new java.util.HashSet<>(List.of(schema.fieldNames()));
    String[][] outputs = {{"logPxCol", logPx}, {"stdErrCol", logPx.isEmpty() ? "" : stdErr}, {"encodedCol", encoded}};
    for (String[] o : outputs) {
      if (!o[1].isEmpty() && !taken.add(o[1])) {
        throw new IllegalArgumentException(o[0] + ": output column '" + o[1] + "' exists already"
            + (List.of(schema.fieldNames()).contains(o[1]) ? " in the input" : " as another output")
            + "; choose another name");
      }
    }
    StructType out = logPx.isEmpty() ? schema
        : schema.add(logPx, DataTypes.DoubleType, false).add(stdErr, DataTypes.DoubleType, false);
    return encoded.isEmpty() ? out : out.add(encoded, SQLDataTypes.VectorType(), false);
  }

  private boolean scoring() {
    return !$(logPxCol).isEmpty();
  }

  private boolean encoding() {
    return !$(encodedCol).isEmpty();
  }

  /**
   * The rows of {@code dataset} with the output columns appended, one output row per input row, computed lazily; a
   * bad row fails the job when it is computed. A repeated id is not detected (see the class doc).
   *
   * @throws IllegalArgumentException for a missing or mistyped column, an existing output column, or an estimator
   *     the model does not have, before any job
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    Broadcast<byte[]> bytes = sc.broadcast(modelBytes);
    PartitionScorer scorer = new PartitionScorer(bytes,
        RowFeatures.locate(dataset.schema(), $(idCol), $(featuresCol), $(inputCols), model().dim()),
        $(estimator), (Integer) $(numSamples), (Integer) $(minTerms), (Integer) $(repeats), (Long) $(seed),
        scoring(), encoding(), (Integer) $(batchRows));
    return dataset.toDF().mapPartitions(scorer, Encoders.row(out));
  }

  /**
   * The mean of log p(x) over the rows of {@code dataset}, with its standard error; see {@link Evaluation}. An empty
   * {@code logPxCol} is read as its default here.
   * Rows are counted as they are: a repeated id is not detected, and each of its rows counts (see the class doc).
   *
   * @throws IllegalArgumentException for a bad parameter, no rows, or a bad row (a null or negative id, a null or
   *     non-finite feature, features of the wrong length), with a one-line message
   */
  public Evaluation evaluate(Dataset<?> dataset) {
    MarginalDensityModel scoring = scoring() ? this : (MarginalDensityModel) copy(ParamMap.empty()).clear(logPxCol);
    return TaskErrors.userErrors(() -> Evaluation.of(scoring.transform(dataset), scoring.$(scoring.logPxCol())));
  }

  @Override
  public MarginalDensityModel copy(ParamMap extra) {
    MarginalDensityModel copy = new MarginalDensityModel(uid, modelBytes);
    return copyValues(copy, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new ModelFileStageWriter(this, modelBytes);
  }

  /** A reader for {@link #write()}'s output, as Spark's {@code load} machinery expects. */
  public static MLReader<MarginalDensityModel> read() {
    return new ModelFileStageReader();
  }

  /**
   * Loads a model saved with {@link #write()}.
   *
   * @throws IllegalArgumentException "no saved MarginalDensityModel at PATH" if nothing is at {@code path}, or naming
   *     the path if it holds no saved stage (a model file, say, which {@link #fromFile} reads), one of another
   *     class or one whose {@code metadata/} is broken
   */
  public static MarginalDensityModel load(String path) {
    return read().load(path);
  }
}
