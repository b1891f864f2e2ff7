package dev.marginal.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.api.DataParallelFit;
import dev.marginal.api.DeepLvmOptions;
import dev.marginal.autodiff.Parameter;
import dev.marginal.data.Dataset;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.train.Progress;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/** A small local-SGD run on Spark shards against the same run in process, for the masters and retry tests. */
final class LvmShardsCheck {
  static final int N = 240;
  static final int D = 4;
  static final int SHARDS = 3;
  static final int ROUND_STEPS = 3;

  private LvmShardsCheck() {}

  static float[] values() {
    float[] u = new float[N * D];
    Samplers.uniforms(RngKey.of(21), u, 0, u.length);
    return u;
  }

  static DeepLvmOptions options() {
    return DeepLvmOptions.defaults().withEpochs(2).withBatchSize(20).withSeed(6)
        .withArchitecture(new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH, null));
  }

  /** Rows keyed by id (row i of {@link #values} has id 1000 + i), listed in a shuffled order. */
  static List<Tuple2<Long, float[]>> rows() {
    float[] u = values();
    List<Tuple2<Long, float[]>> rows = new ArrayList<>();
    for (int k = 0; k < N; k++) {
      int i = (int) ((k * 7919L) % N);
      float[] x = new float[D];
      System.arraycopy(u, i * D, x, 0, D);
      rows.add(new Tuple2<>(1000L + i, x));
    }
    return rows;
  }

  static DeepLvm inProcess() {
    List<String> cols = List.of("x0", "x1", "x2", "x3");
    return DataParallelFit.fit(Dataset.of("u", cols, values()), SHARDS, options(), ROUND_STEPS, Progress.silent())
        .model().model();
  }

  /** Fits on {@code spark} with the rows in {@code partitions} partitions; asserts the in-process bits. */
  static void assertSameAsInProcess(SparkSession spark, int partitions, boolean failFirstAttempts) {
    JavaPairRDD<Long, float[]> rdd = JavaPairRDD.fromJavaRDD(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows(), partitions));
    DeepLvm fitted;
    try (SparkDataShards shards = SparkDataShards.of(rdd, D, SHARDS, partitions, failFirstAttempts)) {
      fitted = DataParallelFit.fit(shards, "spark", List.of("x0", "x1", "x2", "x3"), options(), ROUND_STEPS,
          Progress.silent()).model().model();
    }
    List<Parameter> a = inProcess().parameters();
    List<Parameter> b = fitted.parameters();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray(), 0f,
          a.get(i).name() + " on " + spark.sparkContext().master() + " with " + partitions + " partitions");
    }
  }
}
