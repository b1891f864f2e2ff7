package dev.marginal.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.DataParallelFit;
import dev.marginal.data.Dataset;
import dev.marginal.spark.TestSparkSessions;
import dev.marginal.train.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Stochastic scoring survives discarded task attempts: every first attempt scores its whole partition and is then
 * thrown away (as a losing speculative copy would be), and the retry writes the same bits.
 */
class ScoringRetryTest {
  @Test
  void discardedFirstAttemptsChangeNoScore() throws InterruptedException {
    Dataset data = MarginalLvmTest.data();
    byte[] model = DataParallelFit.fit(data, 3, MarginalLvmTest.estimator().options(), 3, Progress.silent())
        .model().toFile(java.util.Map.of()).toBytes();
    SparkSession spark = TestSparkSessions.session("local[2,2]");
    try {
      AtomicInteger failed = new AtomicInteger();
      spark.sparkContext().addSparkListener(new SparkListener() {
        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
          if (!end.taskInfo().successful()) {
            failed.incrementAndGet();
          }
        }
      });
      org.apache.spark.sql.Dataset<Row> df = SparkRows.frame(spark, data).repartition(3);
      MarginalDensityModel scorer = new MarginalDensityModel(model).setEstimator("iwae").setNumSamples(20)
          .setRepeats(2).setSeed(9).setInputCols(new String[] {"a", "b", "c", "d", "e", "f"});
      org.apache.spark.sql.Dataset<Row> clean = scorer.transform(df);
      double[] logPx = SparkRows.byId(clean, "log_px", data.rows());
      double[] stdErr = SparkRows.byId(clean, "std_err", data.rows());
      assertTrue(failed.get() == 0, failed + " failed tasks without injected failures");
      org.apache.spark.sql.Dataset<Row> scored = scorer.transform(df);
      org.apache.spark.sql.Dataset<Row> retried = scored.mapPartitions(
          (MapPartitionsFunction<Row, Row>) rows -> {
            List<Row> all = new ArrayList<>();
            rows.forEachRemaining(all::add);
            if (TaskContext.get().attemptNumber() == 0) {
              throw new IllegalStateException("injected: first attempt discarded after scoring " + all.size());
            }
            return all.iterator();
          }, Encoders.row(scored.schema()));
      assertArrayEquals(logPx, SparkRows.byId(retried, "log_px", data.rows()), 0);
      assertArrayEquals(stdErr, SparkRows.byId(retried, "std_err", data.rows()), 0);
      for (int wait = 0; wait < 100 && failed.get() < 3; wait++) {
        Thread.sleep(100);  // the listener hears of task ends asynchronously
      }
      assertTrue(failed.get() >= 3, "every scoring task's first attempt was discarded: " + failed);
    } finally {
      spark.stop();
    }
  }
}
