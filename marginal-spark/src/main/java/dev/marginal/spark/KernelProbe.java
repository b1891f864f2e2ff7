package dev.marginal.spark;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A job that asks each task which kernels its executor runs and with how many threads, and has it compute a
 * fixed matrix product whose bits identify the kernels: run it before a long job to learn that executors compute
 * what the driver computes.
 */
public final class KernelProbe {
  /** Size of the probe product {@code [N, N]·[N, N]}, large enough that the kernels would split it over threads. */
  static final int N = 96;

  /**
   * One task's answer.
   *
   * @param executorId Spark's executor id ("driver" in local mode)
   * @param partition the task's partition
   * @param kernels the kernels' name
   * @param threads the kernel thread count in force during the task
   * @param checksum a hash of the bits of the probe product
   */
  public record Report(String executorId, int partition, String kernels, int threads, long checksum)
      implements Serializable {}

  private KernelProbe() {}

  /**
   * Runs {@code tasks} probe tasks. The job fails (Spark rethrows an undeclared {@code SparkException}) if an
   * executor runs kernels other than the reference (see {@link ExecutorRuntime}).
   */
  public static List<Report> run(SparkSession spark, int tasks) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> ids = IntStream.range(0, tasks).boxed().collect(Collectors.toList());
    return sc.parallelize(ids, tasks).mapPartitionsWithIndex((p, it) -> {
      List<Report> out = new ArrayList<>();
      out.add(ExecutorRuntime.compute(() -> new Report(SparkEnv.get().executorId(), p, Kernels.get().name(),
          Parallel.threads(), checksum(Kernels.get()))));
      return out.iterator();
    }, false).collect();
  }

  /** A hash of the bits of a fixed product computed with {@code kernels}. */
  public static long checksum(Kernels kernels) {
    float[] a = RngKey.of(17).normals(N * N);
    float[] b = RngKey.of(18).normals(N * N);
    float[] c = new float[N * N];
    kernels.gemm(false, false, N, N, N, a, 0, b, 0, c, 0, false);
    long h = 1469598103934665603L;
    for (float v : c) {
      h = (h ^ Float.floatToRawIntBits(v)) * 1099511628211L;
    }
    return h;
  }
}
