package dev.marginal.spark;

import dev.marginal.data.DataShards;
import dev.marginal.data.Dataset;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@link DataShards} on Spark: rows ranked by a unique id, shard s holding the rows of rank s, s + S, s + 2S, ...
 * in rank order, each shard one cached block on an executor. The shards depend only on the ids, never on the input
 * partitioning, the row order on disk or the master. A pass runs the task on every shard and collects the results
 * to the driver in shard order; no accumulator, {@code reduce} or task-finish order enters a result, so retried or
 * speculative tasks change nothing.
 */
public final class SparkDataShards implements DataShards, AutoCloseable {
  private final JavaRDD<Block> blocks;
  private final int shards;
  private final long rows;
  private final int dim;
  private final boolean failFirstAttempts;

  /** One shard's rows, as cached on an executor. */
  record Block(int index, int rows, float[] values) implements Serializable {}

  /** A row with its rank in id order. */
  private record Ranked(long rank, long id, float[] values) implements Serializable {}

  private SparkDataShards(JavaRDD<Block> blocks, int shards, long rows, int dim, boolean failFirstAttempts) {
    this.blocks = blocks;
    this.shards = shards;
    this.rows = rows;
    this.dim = dim;
    this.failFirstAttempts = failFirstAttempts;
  }

  /**
   * Shards from rows keyed by id.
   *
   * @param rows (id, features) pairs; ids unique
   * @param dim the number of features
   * @param shards S, at least 1 and at most the number of rows
   * @param partitions how many partitions hold the shards (any number gives the same results)
   * @throws IllegalArgumentException if an id repeats, a row has the wrong length or a non-finite value, or there
   *     are no rows or fewer rows than shards
   */
  public static SparkDataShards of(JavaPairRDD<Long, float[]> rows, int dim, int shards, int partitions) {
    return of(rows, dim, shards, partitions, false);
  }

  /** As {@link #of(JavaPairRDD, int, int, int)}; with {@code failFirstAttempts}, every pass's first attempts fail. */
  static SparkDataShards of(JavaPairRDD<Long, float[]> rows, int dim, int shards, int partitions,
      boolean failFirstAttempts) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, got " + shards);
    }
    JavaPairRDD<Long, float[]> sorted = rows.sortByKey(true, partitions)
        .mapPartitionsToPair(SparkRowChunks::uniqueIds, true);
    JavaRDD<Block> blocks = sorted.zipWithIndex()
        .mapToPair(t -> new Tuple2<>(DataShards.shardOf(t._2(), shards),
            new Ranked(t._2(), t._1()._1(), t._1()._2())))
        .groupByKey(Math.max(1, Math.min(partitions, shards)))
        .map(g -> build(g._1(), g._2(), dim))
        .persist(StorageLevel.MEMORY_ONLY());
    List<Integer> sizes = blocks.map(Block::rows).collect();
    long n = 0;
    for (int s : sizes) {
      n += s;
    }
    if (n == 0) {
      blocks.unpersist();
      throw new IllegalArgumentException("no rows to fit");
    }
    if (sizes.size() != shards) {
      blocks.unpersist();
      throw new IllegalArgumentException(n + " rows cannot fill " + shards + " shards; use at most " + n);
    }
    return new SparkDataShards(blocks, shards, n, dim, failFirstAttempts);
  }

  private static Block build(int index, Iterable<Ranked> members, int dim) {
    List<Ranked> list = new ArrayList<>();
    members.forEach(list::add);
    list.sort(Comparator.comparingLong(Ranked::rank));
    float[] flat = new float[list.size() * dim];
    for (int i = 0; i < list.size(); i++) {
      Ranked r = list.get(i);
      if (r.values().length != dim) {
        throw new IllegalArgumentException("row " + r.id() + " has " + r.values().length + " features, expected "
            + dim);
      }
      for (int j = 0; j < dim; j++) {
        float v = r.values()[j];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("row " + r.id() + " has a non-finite value " + v);
        }
      }
      System.arraycopy(r.values(), 0, flat, i * dim, dim);
    }
    return new Block(index, list.size(), flat);
  }

  @Override
  public int shards() {
    return shards;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public <R extends Serializable> List<R> map(Task<R> task) {
    int count = shards;
    int d = dim;
    boolean fail = failFirstAttempts;
    List<Tuple2<Integer, R>> parts = new ArrayList<>(blocks
        .map(b -> new Tuple2<>(b.index(), run(task, b, count, d, fail)))
        .collect());
    parts.sort(Comparator.comparingInt(Tuple2::_1));
    List<R> out = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i)._1() != i) {
        throw new IllegalStateException("shard " + i + " missing from a pass (got " + parts.get(i)._1() + ")");
      }
      out.add(parts.get(i)._2());
    }
    if (out.size() != shards) {
      throw new IllegalStateException(out.size() + " shard results for " + shards + " shards");
    }
    return out;
  }

  private static <R extends Serializable> R run(Task<R> task, Block b, int shards, int dim, boolean failFirst) {
    List<String> columns = new ArrayList<>();
    for (int j = 0; j < dim; j++) {
      columns.add("x" + j);
    }
    Dataset rows = Dataset.of("shard " + b.index() + "/" + shards, columns, b.values());
    R result = ExecutorRuntime.compute(() -> task.apply(new Shard(b.index(), shards, rows)));
    TaskContext tc = TaskContext.get();
    if (failFirst && tc != null && tc.attemptNumber() == 0) {
      // After the work, as when a speculative copy loses: the attempt computed everything, its result is dropped.
      throw new IllegalStateException("injected failure of a first task attempt (testing retries)");
    }
    return result;
  }

  /** Drops the cached shards. */
  @Override
  public void close() {
    blocks.unpersist(false);
  }

  @Override
  public String toString() {
    return "SparkDataShards" + Arrays.asList(shards, rows, dim, blocks.getNumPartitions());
  }
}
