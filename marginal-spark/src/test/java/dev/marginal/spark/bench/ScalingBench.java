package dev.marginal.spark.bench;

import dev.marginal.distributions.GaussianMixture;
import dev.marginal.models.GaussianMixtureEm;
import dev.marginal.models.GmmOptions;
import dev.marginal.models.RowChunks;
import dev.marginal.random.RngKey;
import dev.marginal.spark.SparkRowChunks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Weak scaling of one EM iteration (10 full components, d = 10) with fixed work per partition (16 chunks of 2048
 * rows) for P = 1, 2, 4, 8 partitions, and the time of an empty job, fitted to the cost model of
 * {@code docs/spark-cost-model.md}:
 *
 * <pre>T(P) = 2·c0 + c1·B(P) + c2·⌈P / cores⌉</pre>
 *
 * with c0 the launch of one job (an EM iteration is two), B(P) the bytes of chunk partials sent to the driver
 * (P·16 chunks × (k + k·d + 1 + k·d²) doubles), c1 the driver's cost per byte and c2 the compute of one partition's
 * work on one core. c0 is the median time of an empty job of P tasks, c1 comes from a job whose tasks only return
 * 64 MB, and c2 is the median over P of what is left of an iteration per wave. It prints the measurements, the
 * constants and T extrapolated to 16, 64 and 256 executors of one core each (one wave).
 */
final class ScalingBench {
  static final int CHUNKS_PER_PARTITION = 16;
  static final int K = 10;
  static final int D = 10;

  private ScalingBench() {}

  /** Bytes of chunk partials one EM iteration sends to the driver from {@code chunks} chunks. */
  static double bytes(int chunks) {
    return 8.0 * chunks * ((K + K * D + 1) + K * D * D);
  }

  static void run(SparkSession spark, int repeats) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int cores = sc.defaultParallelism();
    int[] ps = {1, 2, 4, 8};
    double[] t = new double[ps.length];
    double[] empty = new double[ps.length];
    for (int i = 0; i < ps.length; i++) {
      int p = ps[i];
      int n = p * CHUNKS_PER_PARTITION * RowChunks.CHUNK_ROWS;
      List<Tuple2<Long, float[]>> rows = new ArrayList<>(n);
      for (int r = 0; r < n; r++) {
        float[] e = RngKey.of(3).foldIn(r).normals(D);
        e[r % D] += 5 * (r % K);
        rows.add(new Tuple2<>((long) r, e));
      }
      GaussianMixture start = start(rows);
      try (SparkRowChunks chunks = SparkRowChunks.of(JavaPairRDD.fromJavaRDD(sc.parallelize(rows, p)), D, p);
          GaussianMixtureEm em = GaussianMixtureEm.on(chunks, GmmOptions.of(K))) {
        em.step(start);
        double[] s = new double[repeats];
        double[] e = new double[repeats];
        for (int r = 0; r < repeats; r++) {
          long t0 = System.nanoTime();
          em.step(start);
          long t1 = System.nanoTime();
          sc.parallelize(Arrays.asList(new Integer[p]), p).count();
          long t2 = System.nanoTime();
          s[r] = (t1 - t0) / 1e9;
          e[r] = (t2 - t1) / 1e9;
        }
        t[i] = median(s);
        empty[i] = median(e);
      }
      System.out.printf("P = %d: EM iteration %.4f s, empty job %.4f s, partials %.2f MB%n", p, t[i], empty[i],
          bytes(p * CHUNKS_PER_PARTITION) / 1e6);
    }
    double c0 = median(empty.clone());
    // c1 directly: a job whose tasks only return 64 MB of doubles in all, less an empty job.
    int perTask = (64 << 20) / 8 / 4;
    double[] traffic = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      sc.parallelize(Arrays.asList(0, 1, 2, 3), 4).map(i -> new double[perTask]).collect();
      traffic[r] = (System.nanoTime() - t0) / 1e9;
    }
    double c1 = Math.max(0, median(traffic) - c0) / (64 << 20);
    // c2: what is left of each EM iteration per wave, the median over P.
    double[] perWave = new double[ps.length];
    for (int i = 0; i < ps.length; i++) {
      perWave[i] = (t[i] - 2 * c0 - c1 * bytes(ps[i] * CHUNKS_PER_PARTITION)) / Math.ceil(ps[i] / (double) cores);
    }
    double c2 = median(perWave);
    for (int p : new int[] {16, 64, 256}) {
      double b = bytes(p * CHUNKS_PER_PARTITION);
      double tp = 2 * c0 + c1 * b + c2;
      System.out.printf("P = %d executors (one core each): T = %.4f s, of which driver traffic %.4f s (%.1f MB);"
          + " efficiency %.2f%n", p, tp, c1 * b, b / 1e6, c2 / tp);
    }
  }

  private static GaussianMixture start(List<Tuple2<Long, float[]>> rows) {
    double[][] means = new double[K][D];
    double[][][] cov = new double[K][D][D];
    double[] w = new double[K];
    for (int c = 0; c < K; c++) {
      w[c] = 1.0 / K;
      for (int j = 0; j < D; j++) {
        means[c][j] = rows.get(c)._2()[j];
        cov[c][j][j] = 4;
      }
    }
    w[K - 1] = 1 - (K - 1) * (1.0 / K);
    return GaussianMixture.ofFull(w, means, cov);
  }

  private static double median(double[] v) {
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
