package dev.marginal.spark.bench;

import dev.marginal.data.Dataset;
import dev.marginal.data.FashionMnist;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GaussianMixtureEm;
import dev.marginal.models.GmmOptions;
import dev.marginal.models.InMemoryChunks;
import dev.marginal.models.Ppca;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.spark.SparkRowChunks;
import dev.marginal.spark.ml.MarginalDensityModel;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Overhead of Spark {@code local[2]} against in-process work on two kernel threads, on the same work and data,
 * SparkSession start and input caching excluded: scoring 10,000 Fashion-MNIST test images with IWAE K = 50
 * (784-200-200-50 model), one GMM EM iteration on 1,000,000 × 10 with 10 full components, and PPCA on the 60,000
 * Fashion-MNIST training images. Each workload alternates in-process and Spark runs (after one warm-up each) and
 * reports the medians and their ratio. Run with {@code marginal-spark/bench.sh [scoring|gmm|ppca|all] [repeats]};
 * {@code scaling} runs {@link ScalingBench} and {@link RoundBench} instead, {@code rounds} the latter alone.
 */
public final class OverheadBench {
  private OverheadBench() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "all";
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    SparkSession spark = SparkSession.builder().appName("marginal-overhead").master("local[2]")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.locality.wait", "0")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    System.out.printf("kernels %s, processors %d, java %s%n", Kernels.get().name(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try {
      if (which.equals("all") || which.equals("scoring")) {
        scoring(spark, repeats);
      }
      if (which.equals("all") || which.equals("gmm")) {
        gmm(spark, repeats);
      }
      if (which.equals("all") || which.equals("ppca")) {
        ppca(spark, repeats);
      }
      if (which.equals("scaling")) {
        ScalingBench.run(spark, repeats);
      }
      if (which.equals("scaling") || which.equals("rounds")) {
        RoundBench.run(spark, repeats);
      }
    } finally {
      spark.stop();
    }
  }

  private static void scoring(SparkSession spark, int repeats) {
    Dataset test = FashionMnist.load("test");
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(784, 50, new int[] {200, 200}, Activation.TANH,
        DeepLvm.Decoder.BERNOULLI), RngKey.of(1), null);
    LvmDensityModel model = new LvmDensityModel(m, test.columns(), null);
    DensityModel.ScoreOptions iwae = new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 50, 1, 1);
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("features", SQLDataTypes.VectorType(), false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < test.rows(); i++) {
      double[] x = new double[784];
      for (int j = 0; j < 784; j++) {
        x[j] = test.get(i, j);
      }
      rows.add(RowFactory.create((long) i, Vectors.dense(x)));
    }
    org.apache.spark.sql.Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2).cache();
    df.count();
    MarginalDensityModel stage = new MarginalDensityModel(model.toFile(Map.of()).toBytes()).setEstimator("iwae")
        .setNumSamples(50).setSeed(1);
    compare("score 10,000 Fashion-MNIST images, IWAE K=50", repeats,
        () -> model.logDensity(test, iwae, RngKey.of(1)).value().length,
        () -> stage.transform(df).select("log_px").collectAsList().size());
    df.unpersist();
  }

  private static void gmm(SparkSession spark, int repeats) {
    int n = 1_000_000;
    int d = 10;
    double[][] x = new double[n][d];
    List<Tuple2<Long, float[]>> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] e = RngKey.of(3).foldIn(i).normals(d);
      e[i % d] += 5 * (i % 10);
      for (int j = 0; j < d; j++) {
        x[i][j] = e[j];
      }
      rows.add(new Tuple2<>((long) i, e));
    }
    GmmOptions options = GmmOptions.of(10).withThreads(2);
    double[][] means = new double[10][d];
    double[][][] cov = new double[10][d][d];
    double[] w = new double[10];
    for (int c = 0; c < 10; c++) {
      w[c] = 0.1;
      means[c] = x[c].clone();
      for (int j = 0; j < d; j++) {
        cov[c][j][j] = 4;
      }
    }
    GaussianMixture start = GaussianMixture.ofFull(w, means, cov);
    JavaPairRDD<Long, float[]> rdd = JavaPairRDD.fromJavaRDD(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2));
    try (GaussianMixtureEm local = GaussianMixtureEm.on(x, options);
        SparkRowChunks chunks = SparkRowChunks.of(rdd, d, 2);
        GaussianMixtureEm distributed = GaussianMixtureEm.on(chunks, options)) {
      compare("GMM EM iteration, 1,000,000 x 10, 10 full components", repeats,
          () -> local.step(start).mixture().components(), () -> distributed.step(start).mixture().components());
    }
  }

  private static void ppca(SparkSession spark, int repeats) {
    Dataset train = FashionMnist.load("train");
    double[][] x = new double[train.rows()][784];
    List<Tuple2<Long, float[]>> rows = new ArrayList<>(train.rows());
    for (int i = 0; i < train.rows(); i++) {
      float[] v = new float[784];
      for (int j = 0; j < 784; j++) {
        v[j] = train.get(i, j);
        x[i][j] = v[j];
      }
      rows.add(new Tuple2<>((long) i, v));
    }
    JavaPairRDD<Long, float[]> rdd = JavaPairRDD.fromJavaRDD(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2));
    try (InMemoryChunks local = InMemoryChunks.of(x, 2); SparkRowChunks chunks = SparkRowChunks.of(rdd, 784, 2)) {
      compare("PPCA fit, 60,000 x 784 Fashion-MNIST, q = 50", repeats,
          () -> Ppca.fit(local, 50).latentDim(), () -> Ppca.fit(chunks, 50).latentDim());
    }
  }

  /** Alternates the two, after a warm-up of each; prints medians in ms and the ratio Spark / in-process. */
  private static void compare(String name, int repeats, Supplier<Integer> inProcess, Supplier<Integer> onSpark) {
    Parallel.withThreads(2, inProcess);
    onSpark.get();
    double[] a = new double[repeats];
    double[] b = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      Parallel.withThreads(2, inProcess);
      long t1 = System.nanoTime();
      onSpark.get();
      long t2 = System.nanoTime();
      a[r] = (t1 - t0) / 1e6;
      b[r] = (t2 - t1) / 1e6;
    }
    Arrays.sort(a);
    Arrays.sort(b);
    double ma = a[repeats / 2];
    double mb = b[repeats / 2];
    System.out.printf("%-55s in-process (2 threads) %9.1f ms   local[2] %9.1f ms   ratio %.3f%n", name, ma, mb,
        mb / ma);
  }
}
