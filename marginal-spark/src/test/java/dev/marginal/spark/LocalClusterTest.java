package dev.marginal.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.tensor.Kernels;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Separate executor JVMs: the flags they need, and what happens without them. */
class LocalClusterTest {
  @Test
  void executorsWithTheModuleRunTheReferenceKernelsOnOneThread() {
    SparkSession spark = TestSparkSessions.localCluster(TestSparkSessions.executorFlags(), 2);
    try {
      assertEquals("127.0.0.1", spark.sparkContext().getConf().get("spark.driver.host"));
      List<KernelProbe.Report> reports = KernelProbe.run(spark, 4);
      Set<String> executors = new HashSet<>();
      for (KernelProbe.Report r : reports) {
        executors.add(r.executorId());
        assertTrue(r.kernels().startsWith("vector"), r.toString());
        assertEquals(1, r.threads(), r.toString());
        assertEquals(KernelProbe.checksum(Kernels.get()), r.checksum(), r.toString());
        assertNotEquals("driver", r.executorId());
      }
      assertEquals(2, executors.size(), reports.toString());
      // Separate executor JVMs fit the same mixture as this one, with every first task attempt failing.
      MastersAndRetriesTest.assertSame(MastersAndRetriesTest.reference(MastersAndRetriesTest.options()),
          MastersAndRetriesTest.fit(spark, 4, true));
      LvmShardsCheck.assertSameAsInProcess(spark, 4, true);
    } finally {
      spark.stop();
    }
  }

  @Test
  void executorsWithoutTheModuleFailLoudly() {
    String flags = TestSparkSessions.executorFlags().replace("--add-modules jdk.incubator.vector", "")
        .replace("-Dmarginal.kernels=vector", "");
    SparkSession spark = TestSparkSessions.localCluster(flags, 1);
    try {
      Exception e = assertThrows(Exception.class, () -> KernelProbe.run(spark, 2));
      assertTrue(e.getMessage().contains("spark.executor.extraJavaOptions"), e.getMessage());
    } finally {
      spark.stop();
    }
  }
}
