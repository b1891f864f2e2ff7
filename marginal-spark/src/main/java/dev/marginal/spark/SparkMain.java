package dev.marginal.spark;

import dev.marginal.data.DataSources;
import dev.marginal.spark.ml.Evaluation;
import dev.marginal.spark.ml.MarginalDensityModel;
import dev.marginal.spark.ml.MarginalGmm;
import dev.marginal.spark.ml.MarginalLvm;
import dev.marginal.spark.ml.MarginalPpca;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * fit    --kind gmm|ppca|lvm --data SRC --out MODEL [--seed S]
 *        gmm:  [--components C] [--covariance full|diag|spherical] [--n-init R] [--max-iter I] [--tol T]
 *              [--reg-covar V]
 *        ppca: [--latent-dim Q]
 *        lvm:  [--hidden W,W] [--latent-dim Q] [--decoder bernoulli|gaussian|auto] [--objective elbo|iwae|sumo]
 *              [--k K] [--batch B] [--lr RATE] [--epochs E] [--shards S] [--round-steps H]
 * score  --model MODEL --data SRC --out DIR [--estimator E] [--k K] [--min-terms M] [--repeats R] [--seed S]
 * encode --model MODEL --data SRC --out DIR
 * eval   --model MODEL --data SRC [--estimator E] [--k K] [--min-terms M] [--repeats R] [--seed S]
 * </pre>
 *
 * Every verb takes {@code --id-col} (default {@code id}; built-in data get ids 0..n−1) and either
 * {@code --columns a,b,..} (numeric columns) or {@code --features-col} (a vector or array column; default
 * {@code features}); built-in data sets take {@code --limit N} (their first N rows). Outputs ending in {@code .csv}
 * are written as CSV directories, others as Parquet, holding the id and the new columns. A bad argument is one line
 * on standard error and exit status 2.
 */
public final class SparkMain {
  private SparkMain() {}

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("marginal").getOrCreate();
    int status;
    try {
      System.out.println(run(spark, args));
      status = 0;
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
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
   * Runs one verb on {@code spark}.
   *
   * @return the one-line report to print
   * @throws IllegalArgumentException for a bad argument, with a one-line message
   */
  public static String run(SparkSession spark, String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("expected a verb: fit, score, encode or eval");
    }
    Options o = Options.parse(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "fit":
        return fit(spark, o);
      case "score":
        return transform(spark, o, false);
      case "encode":
        return transform(spark, o, true);
      case "eval":
        return eval(spark, o);
      default:
        throw new IllegalArgumentException("unknown verb '" + args[0] + "' (expected fit, score, encode or eval)");
    }
  }

  private static String fit(SparkSession spark, Options o) {
    Dataset<Row> df = read(spark, o.required("--data"), limit(o));
    String kind = o.required("--kind").toLowerCase(Locale.ROOT);
    String[] cols = columns(o, df);
    MarginalDensityModel model;
    if ("gmm".equals(kind)) {
      model = new MarginalGmm().setInputCols(cols).setFeaturesCol(o.get("--features-col", "features"))
          .setIdCol(o.get("--id-col", "id")).setComponents(o.integer("--components", 1))
          .setCovarianceType(o.get("--covariance", "full")).setNInit(o.integer("--n-init", 1))
          .setMaxIter(o.integer("--max-iter", 100)).setTol(o.number("--tol", 1e-3))
          .setRegCovar(o.number("--reg-covar", 1e-6)).setSeed(o.longInteger("--seed", 0)).fit(df);
    } else if ("ppca".equals(kind)) {
      model = new MarginalPpca().setInputCols(cols).setFeaturesCol(o.get("--features-col", "features"))
          .setIdCol(o.get("--id-col", "id")).setLatentDim(o.integer("--latent-dim", 2)).fit(df);
    } else if ("lvm".equals(kind)) {
      model = lvm(o).setInputCols(cols).setFeaturesCol(o.get("--features-col", "features"))
          .setIdCol(o.get("--id-col", "id")).fit(df);
    } else {
      throw new IllegalArgumentException("--kind must be gmm, ppca or lvm on Spark, got '" + kind + "'");
    }
    String out = o.required("--out");
    dev.marginal.spark.ml.ModelFiles.write(spark, out, model.modelBytes());
    return "wrote " + kind + " model " + out;
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
    return lvm.setLatentDim(o.integer("--latent-dim", 0)).setDecoder(o.get("--decoder", "auto"))
        .setObjective(o.get("--objective", "iwae")).setNumSamples(o.integer("--k", (Integer) lvm.getOrDefault(lvm.numSamples())))
        .setBatchSize(o.integer("--batch", (Integer) lvm.getOrDefault(lvm.batchSize())))
        .setLearningRate(o.number("--lr", (Double) lvm.getOrDefault(lvm.learningRate())))
        .setEpochs(o.integer("--epochs", (Integer) lvm.getOrDefault(lvm.epochs())))
        .setShards(o.integer("--shards", MarginalLvm.DEFAULT_SHARDS))
        .setRoundSteps(o.integer("--round-steps", MarginalLvm.DEFAULT_ROUND_STEPS))
        .setSeed(o.longInteger("--seed", 0));
  }

  private static MarginalDensityModel model(SparkSession spark, Options o, Dataset<Row> df) {
    return MarginalDensityModel.fromFile(spark, o.required("--model")).setInputCols(columns(o, df))
        .setFeaturesCol(o.get("--features-col", "features")).setIdCol(o.get("--id-col", "id"))
        .setEstimator(o.get("--estimator", "auto")).setNumSamples(o.integer("--k", 5000))
        .setMinTerms(o.integer("--min-terms", 1)).setRepeats(o.integer("--repeats", 1))
        .setSeed(o.longInteger("--seed", 0));
  }

  private static String transform(SparkSession spark, Options o, boolean encode) {
    Dataset<Row> df = read(spark, o.required("--data"), limit(o));
    MarginalDensityModel m = model(spark, o, df);
    String out = o.required("--out");
    String id = o.get("--id-col", "id");
    Dataset<Row> result = encode ? m.setEncodedCol("encoded").transform(df).select(new Column(id),
        org.apache.spark.ml.functions.vector_to_array(new Column("encoded"), "float64").as("encoded"))
        : m.transform(df).select(id, "log_px", "std_err");
    if (out.endsWith(".csv") && encode) {
      result = result.selectExpr(id, "concat_ws(' ', transform(encoded, v -> cast(v as string))) as encoded");
    }
    write(result, out);
    return "wrote " + (encode ? "encodings" : "scores") + " of " + result.count() + " rows to " + out;
  }

  private static String eval(SparkSession spark, Options o) {
    Dataset<Row> df = read(spark, o.required("--data"), limit(o));
    Evaluation e = model(spark, o, df).evaluate(df);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("rows", e.rows());
    r.put("mean_log_likelihood", e.mean());
    r.put("mean_log_likelihood_se", e.stdErr());
    r.put("nll", -e.mean());
    r.put("nll_se", e.stdErr());
    return dev.marginal.io.Json.write(r);
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
    if (source.endsWith(".csv")) {
      return spark.read().option("header", true).option("inferSchema", true).csv(source);
    }
    return spark.read().parquet(source);
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
    if (out.endsWith(".csv")) {
      result.write().mode(SaveMode.ErrorIfExists).option("header", true).csv(out);
    } else {
      result.write().mode(SaveMode.ErrorIfExists).parquet(out);
    }
  }

  /** {@code --columns}, or for toy data every column but the id, or none (then the features column is used). */
  private static String[] columns(Options o, Dataset<Row> df) {
    String cols = o.get("--columns", null);
    if (cols != null) {
      return cols.split(",");
    }
    if (builtIn(o.required("--data"))) {
      return Arrays.stream(df.columns()).filter(c -> !c.equals("id") && !c.equals("features"))
          .toArray(String[]::new);
    }
    return new String[0];
  }

  /** {@code --name value} pairs. */
  private static final class Options {
    private final Map<String, String> values = new LinkedHashMap<>();

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i += 2) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'"
              + (i + 1 >= args.length ? " without a value" : ""));
        }
        o.values.put(args[i], args[i + 1]);
      }
      return o;
    }

    String get(String name, String fallback) {
      return values.getOrDefault(name, fallback);
    }

    String required(String name) {
      String v = values.get(name);
      if (v == null) {
        throw new IllegalArgumentException("missing " + name);
      }
      return v;
    }

    int integer(String name, int fallback) {
      return (int) longInteger(name, fallback);
    }

    long longInteger(String name, long fallback) {
      String v = values.get(name);
      try {
        return v == null ? fallback : Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
      }
    }

    double number(String name, double fallback) {
      String v = values.get(name);
      try {
        return v == null ? fallback : Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
      }
    }
  }
}
