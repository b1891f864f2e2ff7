package dev.marginal.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Spark sessions for tests: loopback only, no UI, few shuffle partitions, no locality waits. */
public final class TestSparkSessions {
  private TestSparkSessions() {}

  /** A session on {@code master} ("local[2]", "local[2,2]" for one retry per task, ...). */
  public static SparkSession session(String master) {
    return builder(master).getOrCreate();
  }

  /**
   * A {@code local-cluster[2,1,1024]} session: a master and two workers in this JVM, each worker starting one
   * executor JVM with one core, started with {@code executorFlags}; a task is tried {@code maxFailures} times.
   */
  public static SparkSession localCluster(String executorFlags, int maxFailures) {
    Path home = Path.of(System.getProperty("spark.test.home", "target/spark-home"));
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.setProperty("spark.testing", "true");
    System.setProperty("spark.test.home", home.toAbsolutePath().toString());
    return builder("local-cluster[2,1,1024]")
        .config("spark.executor.extraJavaOptions", executorFlags)
        .config("spark.executor.memory", "1024m")
        .config("spark.task.maxFailures", String.valueOf(maxFailures))
        .getOrCreate();
  }

  /** The flags a local-cluster executor needs to run marginal's reference kernels. */
  public static String executorFlags() {
    return System.getProperty("marginal.test.executorFlags", "") + " -Dmarginal.kernels=vector"
        + " -XX:+UseParallelGC -Xss4m";
  }

  private static SparkSession.Builder builder(String master) {
    return SparkSession.builder()
        .appName("marginal-test")
        .master(master)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.locality.wait", "0")
        .config("spark.driver.memory", "1g");
  }
}
