package dev.marginal.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.marginal.distributions.GaussianMixture;
import dev.marginal.models.GaussianMixtureModel;
import dev.marginal.models.GmmOptions;
import dev.marginal.models.Ppca;
import dev.marginal.random.RngKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** The same EM, PPCA and local-SGD fits on every local master, and when every task's first attempt fails. */
class MastersAndRetriesTest {
  static final int N = 5000;
  static final int D = 3;

  /** Rows keyed by id, listed in a shuffled order. */
  static List<Tuple2<Long, float[]>> rows() {
    List<Tuple2<Long, float[]>> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      long id = (i * 2654435761L) % N;
      float[] e = RngKey.of(11).foldIn(id).normals(D);
      for (int j = 0; j < D; j++) {
        e[j] += j == id % 3 ? 4f * (id % 3) : 0f;
      }
      rows.add(new Tuple2<>(id, e));
    }
    return rows;
  }

  /** The in-process fit of the rows in id order. */
  static GaussianMixture reference(GmmOptions options) {
    double[][] x = new double[N][];
    for (Tuple2<Long, float[]> r : rows()) {
      double[] v = new double[D];
      for (int j = 0; j < D; j++) {
        v[j] = r._2()[j];
      }
      x[(int) (long) r._1()] = v;
    }
    return GaussianMixtureModel.fit(x, options).mixture();
  }

  static GmmOptions options() {
    return GmmOptions.of(3).withNInit(2).withMaxIter(10).withSeed(3);
  }

  static GaussianMixture fit(SparkSession spark, int partitions, boolean failFirstAttempts) {
    JavaPairRDD<Long, float[]> rdd = JavaPairRDD.fromJavaRDD(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows(), partitions));
    try (SparkRowChunks chunks = SparkRowChunks.of(rdd, D, partitions, failFirstAttempts)) {
      return GaussianMixtureModel.fit(chunks, options()).mixture();
    }
  }

  static void assertSame(GaussianMixture a, GaussianMixture b) {
    assertArrayEquals(a.weights(), b.weights(), 0);
    for (int c = 0; c < a.components(); c++) {
      assertArrayEquals(a.mean(c), b.mean(c), 0);
      for (int j = 0; j < a.dim(); j++) {
        assertArrayEquals(a.covariance(c)[j], b.covariance(c)[j], 0);
      }
    }
  }

  /** PPCA (q = 1) on the same rows equals the in-process fit bit for bit. */
  static void assertSamePpca(SparkSession spark, int partitions, boolean failFirstAttempts) {
    double[][] x = new double[N][];
    for (Tuple2<Long, float[]> r : rows()) {
      double[] v = new double[D];
      for (int j = 0; j < D; j++) {
        v[j] = r._2()[j];
      }
      x[(int) (long) r._1()] = v;
    }
    Ppca reference = Ppca.fit(x, 1);
    JavaPairRDD<Long, float[]> rdd = JavaPairRDD.fromJavaRDD(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows(), partitions));
    try (SparkRowChunks chunks = SparkRowChunks.of(rdd, D, partitions, failFirstAttempts)) {
      Ppca fitted = Ppca.fit(chunks, 1);
      assertArrayEquals(reference.mean(), fitted.mean(), 0);
      assertArrayEquals(new double[] {reference.noiseVariance()}, new double[] {fitted.noiseVariance()}, 0);
      for (int i = 0; i < D; i++) {
        assertArrayEquals(reference.loadings()[i], fitted.loadings()[i], 0);
      }
    }
  }

  @Test
  void everyLocalMasterAndATaskRetryGiveTheInProcessFit() {
    GaussianMixture reference = reference(options());
    String[] masters = {"local[1]", "local[4]", "local[2,2]"};
    int[] partitions = {1, 16, 3};
    for (int m = 0; m < masters.length; m++) {
      SparkSession spark = TestSparkSessions.session(masters[m]);
      try {
        // local[2,2] allows each task a second attempt, and every first attempt fails.
        assertSame(reference, fit(spark, partitions[m], masters[m].equals("local[2,2]")));
        assertSamePpca(spark, partitions[m], masters[m].equals("local[2,2]"));
        LvmShardsCheck.assertSameAsInProcess(spark, partitions[m], masters[m].equals("local[2,2]"));
      } finally {
        spark.stop();
      }
    }
  }
}
