package dev.marginal.spark.bench;

import dev.marginal.data.DataShards;
import dev.marginal.data.Dataset;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.spark.SparkDataShards;
import dev.marginal.tensor.Parallel;
import dev.marginal.train.LocalSgd;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Weak scaling of one local-SGD round of the 784-200-200-50 model (Bernoulli decoder, IWAE K = 5, batch 20) with
 * fixed work per shard ({@value #ROUND_STEPS} steps on {@value #ROWS_PER_SHARD} rows) for S = P = 1, 2, 4, 8 shards
 * on Spark, against the same rounds in process on one kernel thread (the compute alone). A round's overhead is its
 * Spark time less the compute of the waves it needs, ⌈P / cores⌉ · (in-process round time / P); it is fitted to
 * {@code a + b·P} (a: launch, b: the 5.10 MB of state each shard returns plus the driver's average). Medians over
 * the rounds after the first of each run.
 */
final class RoundBench {
  static final int ROUND_STEPS = 20;
  static final int ROWS_PER_SHARD = 400;
  static final DeepLvm.Config CONFIG = new DeepLvm.Config(784, 50, new int[] {200, 200}, Activation.TANH,
      DeepLvm.Decoder.BERNOULLI);

  private RoundBench() {}

  /** Per-round times of a run of {@code rounds} rounds, in seconds. */
  static double[] roundTimes(DataShards shards, int rounds) {
    LvmTrainingOptions o = LvmTrainingOptions.defaults().withMaxSteps((long) ROUND_STEPS * rounds).withSeed(1);
    List<Long> stamps = new ArrayList<>();
    stamps.add(System.nanoTime());
    new LocalSgd(CONFIG, o, ROUND_STEPS).fit(shards, DeepLvm.create(CONFIG, RngKey.of(1), null),
        (step, examples, objective) -> stamps.add(System.nanoTime()));
    double[] t = new double[stamps.size() - 2];
    for (int i = 0; i < t.length; i++) {
      t[i] = (stamps.get(i + 2) - stamps.get(i + 1)) / 1e9;
    }
    return t;
  }

  static void run(SparkSession spark, int repeats) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int cores = sc.defaultParallelism();
    int[] ps = {1, 2, 4, 8};
    double[] overhead = new double[ps.length];
    for (int i = 0; i < ps.length; i++) {
      int p = ps[i];
      int n = p * ROWS_PER_SHARD;
      float[] u = new float[n * 784];
      Samplers.uniforms(RngKey.of(2), u, 0, u.length);
      List<Tuple2<Long, float[]>> rows = new ArrayList<>(n);
      for (int r = 0; r < n; r++) {
        rows.add(new Tuple2<>((long) r, Arrays.copyOfRange(u, r * 784, r * 784 + 784)));
      }
      List<String> cols = new ArrayList<>();
      for (int j = 0; j < 784; j++) {
        cols.add("x" + j);
      }
      double local = median(Parallel.withThreads(1,
          () -> roundTimes(DataShards.inMemory(Dataset.of("u", cols, u), p), repeats + 1)));
      double onSpark;
      try (SparkDataShards shards = SparkDataShards.of(JavaPairRDD.fromJavaRDD(sc.parallelize(rows, p)), 784, p,
          p)) {
        onSpark = median(roundTimes(shards, repeats + 1));
      }
      double compute = Math.ceil(p / (double) cores) * local / p;
      overhead[i] = onSpark - compute;
      System.out.printf("S = P = %d: round on Spark %.4f s, in process %.4f s (%.4f s per shard), overhead %.4f s,"
          + " state up %.2f MB%n", p, onSpark, local, local / p, overhead[i], p * stateBytes() / 1e6);
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < ps.length; i++) {
      mx += ps[i] / (double) ps.length;
      my += overhead[i] / ps.length;
    }
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < ps.length; i++) {
      sxy += (ps[i] - mx) * (overhead[i] - my);
      sxx += (ps[i] - mx) * (ps[i] - mx);
    }
    double b = sxy / sxx;
    double a = my - b * mx;
    System.out.printf("round overhead = %.4f s + %.4f s per shard (%.2f ns per byte of returned state)%n", a, b,
        b / stateBytes() * 1e9);
  }

  /** Bytes of one replica's state: parameters and both Adam moments, float32. */
  static double stateBytes() {
    long n = 0;
    for (var p : DeepLvm.create(CONFIG, RngKey.of(0), null).parameters()) {
      n += p.size();
    }
    return 3.0 * 4 * n;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
