package dev.marginal.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.tensor.Kernels;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KernelProbeTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSparkSessions.session("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void tasksRunTheVectorKernelsOnOneThread() {
    List<KernelProbe.Report> reports = KernelProbe.run(spark, 4);
    assertEquals(4, reports.size());
    long reference = KernelProbe.checksum(Kernels.get());
    for (KernelProbe.Report r : reports) {
      assertTrue(r.kernels().startsWith("vector"), r.toString());
      assertEquals(1, r.threads(), r.toString());
      assertEquals(reference, r.checksum(), r.toString());
    }
  }

  @Test
  void theProbeProductTellsTheKernelsApart() {
    assertNotEquals(KernelProbe.checksum(Kernels.scalar()), KernelProbe.checksum(Kernels.get()));
  }

  @Test
  void scalarKernelsFailUnlessChosen() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ExecutorRuntime.checkKernels("scalar", "auto"));
    assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
    ExecutorRuntime.checkKernels("scalar", "scalar");
    ExecutorRuntime.checkKernels("vector-256", "auto");
  }
}
