package dev.marginal.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Many independent runs at once (seeds, learning rates, warm-ups: a sweep), one Spark task each. A run is ordinary
 * in-process marginal code (a deep LVM training, say) on the task's own thread, so its result is the result of the
 * same run on one machine, bit for bit: marginal's results do not depend on the thread count, and a run's randomness
 * comes only from its configuration's keys. Results come back in configuration order; a retried or speculative task
 * recomputes the same result.
 *
 * <p>Large shared inputs (the training data) belong in a {@link org.apache.spark.broadcast.Broadcast} that the run
 * reads, rather than in each configuration.
 */
public final class MarginalSweep {
  /** One run: a configuration in, a serializable result (a model file's bytes, metrics) out. */
  @FunctionalInterface
  public interface Run<C extends Serializable, R extends Serializable> extends Serializable {
    /** The run's result; must depend only on {@code config} and what the function itself holds. */
    R apply(C config) throws Exception;
  }

  private MarginalSweep() {}

  /**
   * Runs {@code run} on every configuration, one task each.
   *
   * @return the results, in the order of {@code configs}
   */
  public static <C extends Serializable, R extends Serializable> List<R> run(SparkSession spark, List<C> configs,
      Run<C, R> run) {
    if (configs.isEmpty()) {
      return List.of();
    }
    List<Tuple2<Integer, C>> indexed = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      indexed.add(new Tuple2<>(i, configs.get(i)));
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Tuple2<Integer, R>> done = new ArrayList<>(sc.parallelize(indexed, indexed.size())
        .map(t -> new Tuple2<>(t._1(), ExecutorRuntime.compute(() -> call(run, t._2()))))
        .collect());
    done.sort(Comparator.comparingInt(Tuple2::_1));
    List<R> out = new ArrayList<>();
    for (Tuple2<Integer, R> t : done) {
      out.add(t._2());
    }
    return out;
  }

  private static <C extends Serializable, R extends Serializable> R call(Run<C, R> run, C config) {
    try {
      return run.apply(config);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("sweep run failed: " + e.getMessage(), e);
    }
  }
}
