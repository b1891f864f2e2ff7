package dev.marginal.spark;

import dev.marginal.data.DataException;
import dev.marginal.data.DataSources;
import dev.marginal.io.ModelFile;
import dev.marginal.models.GmmFit;
import dev.marginal.spark.ml.Evaluation;
import dev.marginal.spark.ml.MarginalDensityModel;
import dev.marginal.spark.ml.MarginalGmm;
import dev.marginal.spark.ml.MarginalLvm;
import dev.marginal.spark.ml.MarginalPpca;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code spark-submit} entry point: the {@code marginal} command's verbs over Parquet or CSV paths (any Hadoop
 * file system) or {@code toy:} and {@code fashion-mnist:} data sets. {@code fit --kind lvm} trains by local SGD
 * over {@code --shards} logical shards, averaging every {@code --round-steps} local steps ({@link MarginalLvm}).
 *
 * <pre>
 * fit    --kind gmm|ppca|lvm --data SRC --out MODEL [--seed S] [--standardize true|false]
 *        gmm:  [--components C] [--covariance full|diag|spherical] [--n-init R] [--max-iter I] [--tol T]
 *              [--reg-covar V]
 *        ppca: [--latent Q]
 *        lvm:  [--hidden W,W] [--latent Q] [--decoder bernoulli|gaussian|gaussian-tied|auto]
 *              [--objective elbo|iwae|sumo] [--k K] [--batch B] [--lr RATE] [--epochs E] [--shards S] [--round-steps H]
 *              [--checkpoint-rounds R] [--resume CKPT]
 * score  --model MODEL --data SRC --out DIR [--estimator E] [--k K] [--min-terms M] [--repeats R] [--seed S]
 * encode --model MODEL --data SRC --out DIR
 * eval   --model MODEL --data SRC [--estimator E] [--k K] [--min-terms M] [--repeats R] [--seed S]
 * </pre>
 *
 * Every verb takes {@code --id-col} (default {@code id}; built-in data get ids 0..n−1) and either
 * {@code --columns a,b,..} (numeric columns) or {@code --features-col} (a vector or array column; default
 * {@code features}); built-in data sets take {@code --limit N} (their first N rows). Outputs ending in {@code .csv}
 * are written as CSV directories, others as Parquet, holding the id and the new columns; an output that exists is
 * not replaced. {@code fit --kind gmm} reports whether EM converged and its iterations, and warns on standard error
 * when EM stopped at {@code --max-iter} first. {@code eval} prints one JSON object on one line.
 *
 * <p>Options take the CLI's names for the same settings ({@code --latent-dim} is an older name of {@code --latent});
 * where they differ: {@code fit} names the model kind {@code --kind} (the CLI's {@code fit --model}), and
 * {@code eval} takes {@code score}'s {@code --estimator}, {@code --min-terms} and {@code --repeats}. A bad argument
 * (an unknown option, one that does not apply to the verb or model kind, a value out of its range, a missing input,
 * an existing output) is one line on standard error naming the option ("--lr must be > 0 and within float32's range
 * (...), got 0.0"), and exit status 2.
 */
public final class SparkMain {
  private SparkMain() {}

  private static final List<String> DATA = List.of("--data", "--columns", "--features-col", "--id-col", "--limit");
  private static final List<String> GMM =
      List.of("--components", "--covariance", "--n-init", "--max-iter", "--tol", "--reg-covar");
  private static final List<String> LVM = List.of("--hidden", "--decoder", "--objective", "--k", "--batch", "--lr",
      "--epochs", "--shards", "--round-steps", "--checkpoint-rounds", "--resume");
  private static final List<String> ESTIMATION = List.of("--estimator", "--k", "--min-terms", "--repeats", "--seed");
  /** The options each verb takes. */
  private static final Map<String, Set<String>> VERBS = Map.of(
      "fit", union(DATA, GMM, LVM, List.of("--kind", "--out", "--seed", "--latent", "--standardize")),
      "score", union(DATA, ESTIMATION, List.of("--model", "--out")),
      "encode", union(DATA, List.of("--model", "--out")),
      "eval", union(DATA, ESTIMATION, List.of("--model")));

  @SafeVarargs
  private static Set<String> union(List<String>... lists) {
    Set<String> all = new LinkedHashSet<>();
    for (List<String> l : lists) {
      all.addAll(l);
    }
    return all;
  }

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("marginal").getOrCreate();
    int status;
    try {
      System.out.println(run(spark, args));
      status = 0;
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("marginal-spark: " + e.getMessage());
      status = 2;
    } finally {
      spark.stop();
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs one verb on {@code spark}, its warnings on standard error.
   *
   * @return the one-line report to print
   * @throws IllegalArgumentException for a bad argument, with a one-line message
   */
  public static String run(SparkSession spark, String[] args) {
    return run(spark, args, System.err);
  }

  /**
   * Runs one verb on {@code spark}, its warnings (a GMM whose EM stopped at {@code --max-iter} before it converged)
   * on {@code warnings}, one line each.
   *
   * @return the one-line report to print
   * @throws IllegalArgumentException for a bad argument, with a one-line message
   */
  public static String run(SparkSession spark, String[] args, PrintStream warnings) {
    if (args.length == 0) {
      throw new IllegalArgumentException("expected a verb: fit, score, encode or eval");
    }
    Set<String> known = VERBS.get(args[0]);
    if (known == null) {
      throw new IllegalArgumentException("unknown verb '" + args[0] + "' (expected fit, score, encode or eval)");
    }
    Options o = Options.parse(Arrays.copyOfRange(args, 1, args.length));
    Set<String> anyVerb = new LinkedHashSet<>();
    VERBS.values().forEach(anyVerb::addAll);
    o.refuseUnknown(args[0], known, anyVerb);
    o.refuseUnless(!o.has("--columns"), "--features-col", "--columns and --features-col cannot both be given");
    try {
      // A bad row (a negative id, a null or NaN feature) fails a task: reported as its one line, not Spark's stack.
      return TaskErrors.userErrors(() -> switch (args[0]) {
        case "fit" -> fit(spark, o, warnings);
        case "score" -> transform(spark, o, false);
        case "encode" -> transform(spark, o, true);
        default -> eval(spark, o);
      });
    } catch (DataException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (IllegalArgumentException e) { // a stage's "numSamples must be >= 1, got 0" is "--k must be >= 1, got 0"
      throw OptionNames.forUser(e);
    }
  }

  private static String fit(SparkSession spark, Options o, PrintStream warnings) {
    String kind = o.required("--kind").toLowerCase(Locale.ROOT);
    if (!List.of("gmm", "ppca", "lvm").contains(kind)) {
      throw new IllegalArgumentException("--kind must be gmm, ppca or lvm on Spark, got '" + kind + "'");
    }
    refuseOtherKinds(o, kind);
    String out = o.required("--out");
    if (dev.marginal.spark.ml.ModelFiles.exists(spark, out)) { // before the training, which the refusal would waste
      throw new IllegalArgumentException("--out " + out + " exists and is not replaced");
    }
    Dataset<Row> df = read(spark, o.required("--data"), limit(o));
    String[] cols = columns(o, df);
    MarginalDensityModel model;
    if ("gmm".equals(kind)) {
      int maxIter = o.integer("--max-iter", 100);
      double tol = o.number("--tol", 1e-3);
      model = new MarginalGmm().setInputCols(cols).setFeaturesCol(o.get("--features-col", "features"))
          .setIdCol(o.get("--id-col", "id")).setComponents(o.integer("--components", 1))
          .setCovarianceType(o.get("--covariance", "full")).setNInit(o.integer("--n-init", 1))
          .setMaxIter(maxIter).setTol(tol)
          .setRegCovar(o.number("--reg-covar", 1e-6)).setSeed(o.longInteger("--seed", 0))
          .setStandardize(o.bool("--standardize", false)).fit(df);
      dev.marginal.spark.ml.ModelFiles.write(spark, out, model.modelBytes());
      Map<String, Object> provenance = provenance(model, out);
      modelWarnings(provenance, warnings, List.of("regCovar", "standardize"));
      return gmmReport(provenance, out, maxIter, tol, warnings);
    } else if ("ppca".equals(kind)) {
      model = new MarginalPpca().setInputCols(cols).setFeaturesCol(o.get("--features-col", "features"))
          .setIdCol(o.get("--id-col", "id")).setLatentDim(o.integer("--latent", 2))
          .setStandardize(o.bool("--standardize", false)).fit(df);
    } else {
      MarginalLvm lvm = lvm(o);
      if (o.has("--checkpoint-rounds")) {
        String checkpoint = out + ".ckpt";
        // A checkpoint there is an earlier run's, which this one would replace after its first rounds.
        if (dev.marginal.spark.ml.ModelFiles.exists(spark, checkpoint)
            && !checkpoint.equals(o.get("--resume", null))) {
          throw new IllegalArgumentException(checkpoint + " holds the checkpoint of an earlier run, which this run "
              + "would replace; resume it with --resume " + checkpoint + " or remove it to start afresh");
        }
        lvm.setCheckpointPath(checkpoint).setCheckpointInterval(o.integer("--checkpoint-rounds", 10));
      }
      if (o.has("--resume")) {
        lvm.setResumeFrom(o.required("--resume"));
      }
      model = lvm.setInputCols(cols).setFeaturesCol(o.get("--features-col", "features"))
          .setIdCol(o.get("--id-col", "id")).fit(df);
    }
    dev.marginal.spark.ml.ModelFiles.write(spark, out, model.modelBytes());
    modelWarnings(provenance(model, out), warnings, List.of("standardize"));
    return "wrote " + kind + " model " + out;
  }

  /** The provenance of {@code model}'s file, written to {@code out}. */
  private static Map<String, Object> provenance(MarginalDensityModel model, String out) {
    try {
      return ModelFile.fromBytes(model.modelBytes(), out).provenance();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What the CLI's {@code fit} warns of before fitting (the columns' scale), from the model file's provenance, with
   * {@code parameters} written as options.
   */
  private static void modelWarnings(Map<String, Object> provenance, PrintStream warnings, List<String> parameters) {
    if (provenance.get("warnings") instanceof List<?> lines) {
      for (Object w : lines) {
        warnings.println("marginal-spark: warning: " + OptionNames.withOptionNames(String.valueOf(w), parameters));
      }
      warnings.flush();
    }
  }

  /**
   * What the CLI's {@code fit --model gmm} says of EM: whether it converged and after how many iterations, and a
   * warning when it stopped at {@code --max-iter} first.
   */
  private static String gmmReport(Map<String, Object> provenance, String out, int maxIter, double tol,
      PrintStream warnings) {
    Object converged = provenance.get("converged");
    if (!Boolean.TRUE.equals(converged) && tol != 0) { // --tol 0 asks for every iteration: nothing to warn of
      warnings.println("marginal-spark: warning: " + OptionNames.withOptionNames(
          GmmFit.notConvergedWarning(maxIter, tol), List.of("maxIter", "tol")));
      warnings.flush();
    }
    return "wrote gmm model " + out + ": converged " + converged + ", iterations " + provenance.get("iterations");
  }

  /** Refuses options of another model kind (--components with --kind lvm), as the CLI's {@code fit} does. */
  private static void refuseOtherKinds(Options o, String kind) {
    for (String name : GMM) {
      o.refuseUnless(kind.equals("gmm"), name, name + " applies to --kind gmm only");
    }
    for (String name : LVM) {
      o.refuseUnless(kind.equals("lvm"), name, name + " applies to --kind lvm only");
    }
    o.refuseUnless(!kind.equals("gmm"), "--latent", "--latent applies to --kind ppca or lvm, not gmm");
    boolean sumo = "sumo".equals(o.get("--objective", "").trim().toLowerCase(Locale.ROOT));
    o.refuseUnless(!sumo, "--k", "--k applies to --objective elbo or iwae, not sumo");
  }

  /** A deep LVM trained by local SGD; options not given keep {@link MarginalLvm}'s defaults. */
  private static MarginalLvm lvm(Options o) {
    MarginalLvm lvm = new MarginalLvm();
    String hidden = o.get("--hidden", null);
    if (hidden != null) {
      String[] parts = hidden.split(",");
      int[] widths = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          widths[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--hidden must be comma-separated integers, got '" + hidden + "'");
        }
      }
      lvm.setHidden(widths);
    }
    return lvm.setLatentDim(o.integer("--latent", 0)).setDecoder(o.get("--decoder", "auto"))
        .setObjective(o.get("--objective", "iwae"))
        .setNumSamples(o.integer("--k", (Integer) lvm.getOrDefault(lvm.numSamples())))
        .setBatchSize(o.integer("--batch", (Integer) lvm.getOrDefault(lvm.batchSize())))
        .setLearningRate(o.number("--lr", (Double) lvm.getOrDefault(lvm.learningRate())))
        .setEpochs(o.integer("--epochs", (Integer) lvm.getOrDefault(lvm.epochs())))
        .setShards(o.integer("--shards", MarginalLvm.DEFAULT_SHARDS))
        .setRoundSteps(o.integer("--round-steps", MarginalLvm.DEFAULT_ROUND_STEPS))
        .setSeed(o.longInteger("--seed", 0)).setStandardize(o.bool("--standardize", false));
  }

  /**
   * The {@code --model} file with the estimator options; those that would be ignored are refused as the CLI's
   * {@code score} does: --k, --min-terms and --repeats for a model with an exact log density, --k with SUMO,
   * --min-terms with another estimator.
   */
  private static MarginalDensityModel model(SparkSession spark, Options o) {
    MarginalDensityModel m = readModel(spark, o);
    String kind = m.model().kind();
    for (String name : List.of("--k", "--min-terms", "--repeats")) {
      o.refuseUnless("lvm".equals(kind), name, name + " applies to lvm models; the log-likelihood of a " + kind
          + " model is exact");
    }
    boolean sumo = "sumo".equals(o.get("--estimator", "auto").trim().toLowerCase(Locale.ROOT));
    o.refuseUnless(!sumo, "--k", "--k applies to --estimator elbo or iwae, not sumo");
    o.refuseUnless(sumo, "--min-terms", "--min-terms applies to --estimator sumo only");
    return m.setEstimator(o.get("--estimator", "auto")).setNumSamples(o.integer("--k", 5000))
        .setMinTerms(o.integer("--min-terms", 1)).setRepeats(o.integer("--repeats", 1))
        .setSeed(o.longInteger("--seed", 0));
  }

  /** The {@code --model} file, refused in one line naming it if it does not exist. */
  private static MarginalDensityModel readModel(SparkSession spark, Options o) {
    String path = o.required("--model");
    if (!dev.marginal.spark.ml.ModelFiles.exists(spark, path)) {
      throw new IllegalArgumentException("--model " + path + " does not exist");
    }
    return MarginalDensityModel.fromFile(spark, path);
  }

  /** {@code m} reading {@code df}'s features and ids as the options say. */
  private static MarginalDensityModel columnsOf(MarginalDensityModel m, Options o, Dataset<Row> df) {
    return m.setInputCols(columns(o, df)).setFeaturesCol(o.get("--features-col", "features"))
        .setIdCol(o.get("--id-col", "id"));
  }

  private static String transform(SparkSession spark, Options o, boolean encode) {
    int limit = limit(o);
    MarginalDensityModel model = encode ? readModel(spark, o) : model(spark, o);
    Dataset<Row> df = read(spark, o.required("--data"), limit);
    MarginalDensityModel m = columnsOf(model, o, df);
    String out = o.required("--out");
    String id = o.get("--id-col", "id");
    // Encoding estimates no log p(x): for a deep LVM that would be K = 5000 decoder passes per row, thrown away.
    Dataset<Row> result = encode ? m.setLogPxCol("").setEncodedCol("encoded").transform(df).select(new Column(id),
        org.apache.spark.ml.functions.vector_to_array(new Column("encoded"), "float64").as("encoded"))
        : m.transform(df).select(id, "log_px", "std_err");
    if (out.endsWith(".csv") && encode) {
      result = result.selectExpr(id, "concat_ws(' ', transform(encoded, v -> cast(v as string))) as encoded");
    }
    write(result, out);
    // One output row per input row: counting the input does not score every row a second time, as counting the
    // output would.
    return "wrote " + (encode ? "encodings" : "scores") + " of " + df.count() + " rows to " + out;
  }

  private static String eval(SparkSession spark, Options o) {
    int limit = limit(o);
    MarginalDensityModel m = model(spark, o);
    Dataset<Row> df = read(spark, o.required("--data"), limit);
    Evaluation e = columnsOf(m, o, df).evaluate(df);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("rows", e.rows());
    r.put("mean_log_likelihood", e.mean());
    r.put("mean_log_likelihood_se", e.stdErr());
    r.put("nll", -e.mean());
    r.put("nll_se", e.stdErr());
    return dev.marginal.io.Json.writeCompact(r);
  }

  /**
   * Parquet, CSV (with a header), or a {@code toy:} or {@code fashion-mnist:} data set with ids 0..n−1 (one double
   * column per feature, or a {@code features} vector column for more than {@value #MAX_NAMED_COLUMNS} features).
   */
  static Dataset<Row> read(SparkSession spark, String source) {
    return read(spark, source, Integer.MAX_VALUE);
  }

  /** {@code --limit N}: the first N rows of a built-in data set (files have no order to take them in). */
  private static int limit(Options o) {
    int limit = o.integer("--limit", Integer.MAX_VALUE);
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
    }
    if (limit != Integer.MAX_VALUE && !builtIn(o.required("--data"))) {
      throw new IllegalArgumentException("--limit applies to toy: and fashion-mnist: data only");
    }
    return limit;
  }

  /** As {@link #read(SparkSession, String)}, keeping the first {@code limit} rows of a built-in data set. */
  static Dataset<Row> read(SparkSession spark, String source, int limit) {
    if (builtIn(source)) {
      dev.marginal.data.Dataset all = DataSources.load(source);
      dev.marginal.data.Dataset data = all.rows() > limit ? all.head(limit) : all;
      if (data.cols() > MAX_NAMED_COLUMNS) {
        return vectors(spark, data);
      }
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < data.rows(); i++) {
        Object[] v = new Object[data.cols() + 1];
        v[0] = (long) i;
        for (int j = 0; j < data.cols(); j++) {
          v[j + 1] = (double) data.get(i, j);
        }
        rows.add(org.apache.spark.sql.RowFactory.create(v));
      }
      org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
          .add("id", org.apache.spark.sql.types.DataTypes.LongType, false);
      for (String c : data.columns()) {
        schema = schema.add(c, org.apache.spark.sql.types.DataTypes.DoubleType, false);
      }
      return spark.createDataFrame(rows, schema);
    }
    try {
      if (source.endsWith(".csv")) {
        return spark.read().option("header", true).option("inferSchema", true).csv(source);
      }
      return spark.read().parquet(source);
    } catch (Exception e) { // Spark's AnalysisException is checked, and its methods do not declare it
      String footer = unreadableFooter(e); // schema inference is a job: a file that is not Parquet fails a task
      if (footer != null) {
        throw new IllegalArgumentException("--data " + source + ": " + footer, e);
      }
      throw pathError("--data", source, e);
    }
  }

  /** Spark's refusal of {@code path} as a one-line {@link IllegalArgumentException} naming {@code option}. */
  private static RuntimeException pathError(String option, String path, Exception e) {
    if (!(e instanceof AnalysisException)) {
      return e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
    }
    String problem = ((AnalysisException) e).getErrorClass();
    if ("PATH_NOT_FOUND".equals(problem)) {
      return new IllegalArgumentException(option + " " + path + " does not exist", e);
    }
    if ("PATH_ALREADY_EXISTS".equals(problem)) {
      return new IllegalArgumentException(option + " " + path + " exists and is not replaced", e);
    }
    String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    return new IllegalArgumentException(option + " " + path + ": " + message, e);
  }

  /**
   * What Parquet's schema inference found wrong with a file it could not read the footer of (a job failure, not an
   * {@link AnalysisException}), in a few words, or null if {@code e} is not that failure.
   */
  private static String unreadableFooter(Throwable e) {
    boolean footer = false;
    String notParquet = null;
    String last = "";
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      footer |= t instanceof SparkThrowable s && "CANNOT_READ_FILE_FOOTER".equals(s.getErrorClass());
      last = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
      int at = last.indexOf(" is not a Parquet file");
      if (at >= 0) { // "file:/d/m.marginal is not a Parquet file. Expected magic number at tail, but found [..]"
        notParquet = last.substring(at + " is not a Parquet file".length()).replaceFirst("^[.:]?\\s*", "")
            .replaceFirst("^\\((.*)\\)$", "$1"); // "(length is too low: 22)"
      }
    }
    if (notParquet != null) {
      return "not a Parquet file" + (notParquet.isEmpty() ? "" : " (" + notParquet + ")");
    }
    return footer ? "cannot read its Parquet footer (" + last + ")" : null;
  }

  /** Built-in data sets wider than this become one vector column. */
  static final int MAX_NAMED_COLUMNS = 20;

  private static boolean builtIn(String source) {
    String lower = source.toLowerCase(Locale.ROOT);
    return lower.startsWith("toy:") || lower.startsWith("fashion-mnist:");
  }

  private static Dataset<Row> vectors(SparkSession spark, dev.marginal.data.Dataset data) {
    List<Row> rows = new ArrayList<>(data.rows());
    for (int i = 0; i < data.rows(); i++) {
      double[] x = new double[data.cols()];
      for (int j = 0; j < x.length; j++) {
        x[j] = data.get(i, j);
      }
      rows.add(org.apache.spark.sql.RowFactory.create((long) i, org.apache.spark.ml.linalg.Vectors.dense(x)));
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("id", org.apache.spark.sql.types.DataTypes.LongType, false)
        .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false);
    return spark.createDataFrame(rows, schema);
  }

  private static void write(Dataset<Row> result, String out) {
    try {
      if (out.endsWith(".csv")) {
        result.write().mode(SaveMode.ErrorIfExists).option("header", true).csv(out);
      } else {
        result.write().mode(SaveMode.ErrorIfExists).parquet(out);
      }
    } catch (Exception e) { // as in read
      throw pathError("--out", out, e);
    }
  }

  /** {@code --columns}, or for toy data every column but the id, or none (then the features column is used). */
  private static String[] columns(Options o, Dataset<Row> df) {
    String cols = o.get("--columns", null);
    if (cols != null) { // spaces around a name are dropped, as the command line's --columns does
      return Arrays.stream(cols.split(",")).map(String::strip).toArray(String[]::new);
    }
    if (builtIn(o.required("--data"))) {
      // Its columns are named, with no vector column: --features-col would be ignored.
      o.refuseUnless(false, "--features-col", "--features-col applies to Parquet or CSV data; the columns of "
          + o.required("--data") + " are named (--columns)");
      return Arrays.stream(df.columns()).filter(c -> !c.equals("id") && !c.equals("features"))
          .toArray(String[]::new);
    }
    return new String[0];
  }
}
