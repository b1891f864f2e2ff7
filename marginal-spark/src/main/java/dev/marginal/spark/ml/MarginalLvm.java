package dev.marginal.spark.ml;

import dev.marginal.api.DataParallelFit;
import dev.marginal.api.DeepLvmOptions;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.spark.SparkDataShards;
import dev.marginal.spark.TaskErrors;
import dev.marginal.train.LocalSgd;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.Progress;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
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
 * A deep LVM trained data-parallel on Spark by local SGD ({@link DataParallelFit}): the rows, ranked by
 * {@code idCol}, lie in {@code shards} fixed logical shards (rank mod S) cached on the executors; every round
 * broadcasts the global parameters and Adam state, each shard's task takes {@code roundSteps} minibatch Adam steps
 * on its own rows, and the driver averages the S replica states in shard order. The fitted parameters are bit for
 * bit those of {@code DataParallelFit.fit} in one JVM on the rows sorted by id, for any number of input
 * partitions, row order, master, task retry or speculative copy. Each round moves 3 floats per model parameter to
 * every shard and back (5.1 MB per shard for the 784-200-200-50 model). The defaults are {@link DeepLvmOptions}'s
 * (IWAE K = 5, batch 20, Adam 1e-3 with a cosine decay to a tenth and a KL warm-up over 40% of the epochs), so
 * with one shard the fit is the one-machine fit. The result is a {@link MarginalDensityModel} of kind {@code lvm}
 * holding the ordinary model file, which {@code marginal score} and {@code marginal eval} read.
 *
 * <p>{@code standardize} fits a Gaussian decoder to (x − mean) / sd of each column, the means and population standard
 * deviations taken over all rows by two passes of per-shard sums; the model scores in the data's units. Without it,
 * columns whose standard deviations lie far from 1 for a Gaussian decoder are warned of (in Spark's log and in the
 * model file's provenance, {@code warnings}), as {@code marginal fit} warns of them. The fit logs its progress at
 * INFO, a line at most every 10 s: steps of the total, examples, the round's objective, examples per second and the
 * time left. With {@code checkpointPath} the run's state is written there every {@code checkpointInterval} rounds
 * (replacing the one before); a fit with {@code resumeFrom} set to such a checkpoint continues that run, and only that
 * run (the same rows, shards, round length and options), to the parameters the uninterrupted run ends with
 * ({@link DataParallelFit.Checkpoints}).
 */
public final class MarginalLvm extends RowEstimator<MarginalLvm> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  /** Default number of logical shards. */
  public static final int DEFAULT_SHARDS = 4;
  /** Default local steps between averages. */
  public static final int DEFAULT_ROUND_STEPS = 100;

  private final IntArrayParam hidden;
  private final IntParam latentDim;
  private final Param<String> decoder;
  private final Param<String> objective;
  private final IntParam numSamples;
  private final IntParam batchSize;
  private final DoubleParam learningRate;
  private final IntParam epochs;
  private final IntParam shards;
  private final IntParam roundSteps;
  private final LongParam seed;
  private final Param<String> checkpointPath;
  private final IntParam checkpointInterval;
  private final Param<String> resumeFrom;

  public MarginalLvm(String uid) {
    super(uid, "rows are ranked by it");
    hidden = new IntArrayParam(this, "hidden", "hidden widths of encoder and decoder (each >= 1)",
        ParamRules.allAtLeast(1));
    latentDim = new IntParam(this, "latentDim", "latent size (0 = 50 for data with more than 20 columns, else 2)",
        ParamRules.atLeast(0));
    decoder = new Param<>(this, "decoder",
        "bernoulli, gaussian, gaussian-tied or auto (Bernoulli for data in [0, 1])",
        ParamRules.oneOf("bernoulli", "gaussian", "gaussian-tied", "auto"));
    objective = new Param<>(this, "objective", "elbo, iwae or sumo",
        ParamRules.oneOf("elbo", "iwae", "sumo"));
    numSamples = new IntParam(this, "numSamples", "importance samples K of the objective (>= 1)",
        ParamRules.atLeast(1));
    batchSize = new IntParam(this, "batchSize", "rows per local step of each shard (>= 1)",
        ParamRules.atLeast(1));
    learningRate = new DoubleParam(this, "learningRate", "peak Adam learning rate (> 0)",
        ParamRules.float32Positive());
    epochs = new IntParam(this, "epochs", "passes over each shard (>= 1)", ParamRules.atLeast(1));
    shards = new IntParam(this, "shards", "logical shards S, fixed by row rank, independent of the partitioning (>= 1)",
        ParamRules.atLeast(1));
    roundSteps = new IntParam(this, "roundSteps", "local steps H of every shard between parameter averages (>= 1)",
        ParamRules.atLeast(1));
    seed = new LongParam(this, "seed", "root seed of the initial weights and every training key");
    checkpointPath = new Param<>(this, "checkpointPath", "where the run's checkpoint is written on the driver's "
        + "file system (any Hadoop path), replaced every checkpointInterval rounds (empty: none)");
    checkpointInterval = new IntParam(this, "checkpointInterval", "rounds between checkpoints (>= 1)",
        ParamRules.atLeast(1));
    resumeFrom = new Param<>(this, "resumeFrom", "a checkpoint of the same run to continue from (empty: start "
        + "afresh)");

    setDefault(hidden, new int[] {200, 200});
    setDefault(latentDim, 0);
    setDefault(decoder, "auto");
    setDefault(objective, "iwae");
    setDefault(numSamples, LvmTrainingOptions.DEFAULT_K);
    setDefault(batchSize, LvmTrainingOptions.DEFAULT_BATCH);
    setDefault(learningRate, LvmTrainingOptions.DEFAULT_LR);
    setDefault(epochs, LvmTrainingOptions.DEFAULT_EPOCHS);
    setDefault(shards, DEFAULT_SHARDS);
    setDefault(roundSteps, DEFAULT_ROUND_STEPS);
    setDefault(seed, 0L);
    setDefault(checkpointPath, "");
    setDefault(checkpointInterval, 10);
    setDefault(resumeFrom, "");
  }

  public MarginalLvm() {
    this(Identifiable$.MODULE$.randomUID("marginalLvm"));
  }

  public IntArrayParam hidden() {
    return hidden;
  }

  public IntParam latentDim() {
    return latentDim;
  }

  public Param<String> decoder() {
    return decoder;
  }

  public Param<String> objective() {
    return objective;
  }

  public IntParam numSamples() {
    return numSamples;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public DoubleParam learningRate() {
    return learningRate;
  }

  public IntParam epochs() {
    return epochs;
  }

  public IntParam shards() {
    return shards;
  }

  public IntParam roundSteps() {
    return roundSteps;
  }

  public LongParam seed() {
    return seed;
  }

  public MarginalLvm setHidden(int[] v) {
    return (MarginalLvm) set(hidden, ParamRules.checked(hidden, v));
  }

  public MarginalLvm setLatentDim(int v) {
    return (MarginalLvm) set(latentDim, ParamRules.checked(latentDim, v));
  }

  public MarginalLvm setDecoder(String v) {
    return (MarginalLvm) set(decoder, ParamRules.checked(decoder, v));
  }

  public MarginalLvm setObjective(String v) {
    return (MarginalLvm) set(objective, ParamRules.checked(objective, v));
  }

  public MarginalLvm setNumSamples(int v) {
    return (MarginalLvm) set(numSamples, ParamRules.checked(numSamples, v));
  }

  public MarginalLvm setBatchSize(int v) {
    return (MarginalLvm) set(batchSize, ParamRules.checked(batchSize, v));
  }

  public MarginalLvm setLearningRate(double v) {
    return (MarginalLvm) set(learningRate, ParamRules.checked(learningRate, v));
  }

  public MarginalLvm setEpochs(int v) {
    return (MarginalLvm) set(epochs, ParamRules.checked(epochs, v));
  }

  public MarginalLvm setShards(int v) {
    return (MarginalLvm) set(shards, ParamRules.checked(shards, v));
  }

  public MarginalLvm setRoundSteps(int v) {
    return (MarginalLvm) set(roundSteps, ParamRules.checked(roundSteps, v));
  }

  public MarginalLvm setSeed(long v) {
    return (MarginalLvm) set(seed, v);
  }

  public Param<String> checkpointPath() {
    return checkpointPath;
  }

  public IntParam checkpointInterval() {
    return checkpointInterval;
  }

  public Param<String> resumeFrom() {
    return resumeFrom;
  }

  public MarginalLvm setCheckpointPath(String v) {
    return (MarginalLvm) set(checkpointPath, v);
  }

  public MarginalLvm setCheckpointInterval(int v) {
    return (MarginalLvm) set(checkpointInterval, ParamRules.checked(checkpointInterval, v));
  }

  public MarginalLvm setResumeFrom(String v) {
    return (MarginalLvm) set(resumeFrom, v);
  }

  /** The in-process options these parameters stand for (each checked when it was set). */
  public DeepLvmOptions options() {
    String d = $(decoder).trim().toLowerCase(Locale.ROOT);
    DeepLvm.Decoder dec = d.equals("auto") ? null : DeepLvm.Decoder.parse(d);
    return DeepLvmOptions.defaults()
        .withArchitecture(new DeepLvmOptions.Architecture((Integer) $(latentDim), $(hidden), Activation.TANH, dec))
        .withObjective(LvmTrainingOptions.Objective.parse($(objective))).withNumSamples((Integer) $(numSamples))
        .withBatchSize((Integer) $(batchSize)).withLearningRate((Double) $(learningRate))
        .withEpochs((Integer) $(epochs)).withSeed((Long) $(seed)).withStandardize((Boolean) $(standardize));
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
    DeepLvmOptions options = options();
    int dim = TrainingRows.dim(dataset, $(idCol), $(featuresCol), $(inputCols));
    DataParallelFit.Result fit;
    try (SparkDataShards rows = TrainingRows.shards(dataset, $(idCol), $(featuresCol), $(inputCols), dim,
        (Integer) $(shards))) {
      Progress progress = new RoundProgress("fit lvm on " + rows.shards() + " shards",
          LocalSgd.totalSteps(options.resolvedTraining(), rows), line -> logInfo(() -> line), System::nanoTime);
      fit = DataParallelFit.fit(rows, "spark", TrainingRows.columns($(inputCols), dim), options,
          (Integer) $(roundSteps), progress, checkpoints(dataset.sparkSession()));
    }
    if (fit.run().diverged()) {
      throw new IllegalStateException(fit.run().message());
    }
    for (String w : fit.warnings()) {
      logWarning(() -> w);
    }
    MarginalDensityModel out = new MarginalDensityModel(Identifiable$.MODULE$.randomUID("marginal"),
        fit.model().toFile(fit.fileProvenance("spark")).toBytes());
    return withRowColumns(out);
  }

  /** The checkpoints the parameters ask for: written to {@code checkpointPath}, resumed from {@code resumeFrom}. */
  private DataParallelFit.Checkpoints checkpoints(org.apache.spark.sql.SparkSession spark) {
    String path = $(checkpointPath);
    DataParallelFit.Checkpoints c = path.isEmpty() ? DataParallelFit.Checkpoints.none()
        : DataParallelFit.Checkpoints.every((Integer) $(checkpointInterval),
            file -> ModelFiles.replace(spark, path, file.toBytes()));
    String from = $(resumeFrom);
    if (from.isEmpty()) {
      return c;
    }
    if (!ModelFiles.exists(spark, from)) {
      throw dev.marginal.config.ParameterException.about(List.of("resumeFrom"), "resumeFrom " + from
          + " does not exist");
    }
    try {
      return c.resumingFrom(dev.marginal.io.ModelFile.fromBytes(ModelFiles.read(spark, from), from));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(from + ": " + e.getMessage(), e);
    }
  }

  /** The schema of the fitted model's output: {@code log_px} and {@code std_err} added. */
  @Override
  public StructType transformSchema(StructType schema) {
    options();
    return MarginalDensityModel.outputSchema(schema, "log_px", "std_err", "");
  }

  /** Reads a stage saved with {@code write()}. */
  public static MLReader<MarginalLvm> read() {
    return new SavedStageReader<>(MarginalLvm.class);
  }

  /**
   * Loads a stage saved with {@code write()}.
   *
   * @throws IllegalArgumentException "no saved MarginalLvm at PATH" if nothing is at {@code path}, or naming the
   *     path if it holds no saved stage, one of another class or one whose {@code metadata/} is broken
   */
  public static MarginalLvm load(String path) {
    return read().load(path);
  }

  @Override
  public MarginalLvm copy(ParamMap extra) {
    return (MarginalLvm) defaultCopy(extra);
  }
}
