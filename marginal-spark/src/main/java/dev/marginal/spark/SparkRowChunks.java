package dev.marginal.spark;

import dev.marginal.data.Standardizer;
import dev.marginal.models.RowChunk;
import dev.marginal.models.RowChunks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@link RowChunks} on Spark: rows ordered by a unique id, cut into chunks of {@value RowChunks#CHUNK_ROWS} by rank,
 * cached on the executors. A pass runs the chunk task on every chunk and collects the results to the driver, which
 * combines them in chunk order; no accumulator, no {@code reduce}/{@code treeAggregate} and no task-finish order
 * enters a result, so any partitioning, row order, retry or speculative copy gives the same bits, the bits of the
 * in-process fit on the rows sorted by id.
 */
public final class SparkRowChunks implements RowChunks, AutoCloseable {
  private final JavaRDD<RowChunk> chunks;
  private final long rows;
  private final int dim;
  private final boolean failFirstAttempts;

  private SparkRowChunks(JavaRDD<RowChunk> chunks, long rows, int dim, boolean failFirstAttempts) {
    this.chunks = chunks;
    this.rows = rows;
    this.dim = dim;
    this.failFirstAttempts = failFirstAttempts;
  }

  /**
   * Chunks from rows keyed by id; the rows become doubles.
   *
   * @param rows (id, features) pairs; ids unique
   * @param dim the number of features
   * @param partitions how many partitions hold the chunks (any number gives the same results)
   * @throws IllegalArgumentException "no rows to fit" if there are no rows; (when the chunks are built) if an id
   *     repeats or a value is not finite
   */
  public static SparkRowChunks of(JavaPairRDD<Long, float[]> rows, int dim, int partitions) {
    return of(rows, dim, partitions, false);
  }

  /** As {@link #of(JavaPairRDD, int, int)}; with {@code failFirstAttempts}, every task's first attempt fails. */
  static SparkRowChunks of(JavaPairRDD<Long, float[]> rows, int dim, int partitions, boolean failFirstAttempts) {
    // A range sort puts equal ids side by side in one partition, though a chunk may start between them.
    JavaPairRDD<Tuple2<Long, float[]>, Long> ranked = rows.sortByKey(true, partitions)
        .mapPartitionsToPair(SparkRowChunks::uniqueIds, true).zipWithIndex();
    JavaRDD<RowChunk> chunks = ranked
        .mapToPair(t -> new Tuple2<>((int) (t._2() / CHUNK_ROWS), new Ranked(t._2(), t._1()._1(), t._1()._2())))
        .groupByKey(partitions)
        .map(g -> build(g._1(), g._2(), dim))
        .persist(StorageLevel.MEMORY_ONLY());
    long n = chunks.map(RowChunk::rows).fold(0, Integer::sum);
    if (n == 0) {
      chunks.unpersist();
      throw new IllegalArgumentException("no rows to fit");
    }
    return new SparkRowChunks(chunks, n, dim, failFirstAttempts);
  }

  /** A row with its rank in id order. */
  private record Ranked(long rank, long id, float[] values) implements Serializable {}

  /**
   * The rows of one partition sorted by id, refusing an id equal to the one before it as they pass: after a range
   * sort equal ids are adjacent, so this finds every repeat, wherever chunks or shards are cut later.
   */
  static Iterator<Tuple2<Long, float[]>> uniqueIds(Iterator<Tuple2<Long, float[]>> sorted) {
    return new Iterator<>() {
      private Long previous;

      @Override
      public boolean hasNext() {
        return sorted.hasNext();
      }

      @Override
      public Tuple2<Long, float[]> next() {
        Tuple2<Long, float[]> row = sorted.next();
        if (row._1().equals(previous)) {
          throw new IllegalArgumentException("id " + row._1() + " appears more than once; ids must be unique");
        }
        previous = row._1();
        return row;
      }
    };
  }

  private static RowChunk build(int index, Iterable<Ranked> members, int dim) {
    List<Ranked> list = new ArrayList<>();
    members.forEach(list::add);
    list.sort(Comparator.comparingLong(Ranked::rank));
    double[] flat = new double[list.size() * dim];
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
        flat[i * dim + j] = v;
      }
    }
    return new RowChunk(index, list.size(), dim, flat);
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
    boolean fail = failFirstAttempts;
    List<Tuple2<Integer, R>> parts = chunks.map(c -> new Tuple2<>(c.index(), run(task, c, fail))).collect();
    List<Tuple2<Integer, R>> sorted = new ArrayList<>(parts);
    sorted.sort(Comparator.comparingInt(Tuple2::_1));
    List<R> out = new ArrayList<>(sorted.size());
    for (int i = 0; i < sorted.size(); i++) {
      if (sorted.get(i)._1() != i) {
        throw new IllegalStateException("chunk " + i + " missing from a pass (got " + sorted.get(i)._1() + ")");
      }
      out.add(sorted.get(i)._2());
    }
    return out;
  }

  @Override
  public <R extends Serializable> R apply(int chunk, Task<R> task) {
    boolean fail = failFirstAttempts;
    List<R> r = chunks.filter(c -> c.index() == chunk).map(c -> run(task, c, fail)).collect();
    if (r.size() != 1) {
      throw new IllegalStateException("chunk " + chunk + " found " + r.size() + " times");
    }
    return r.get(0);
  }

  private static <R extends Serializable> R run(Task<R> task, RowChunk chunk, boolean failFirstAttempt) {
    R result = ExecutorRuntime.compute(() -> task.apply(chunk));
    TaskContext tc = TaskContext.get();
    if (failFirstAttempt && tc != null && tc.attemptNumber() == 0) {
      // After the work, as when a speculative copy loses: the attempt computed everything, its result is dropped.
      throw new IllegalStateException("injected failure of a first task attempt (testing retries)");
    }
    return result;
  }

  /**
   * The rows mapped by {@code z}, as chunks cached on the executors beside these (the mapped values are those the
   * in-process fit standardizes); closing them drops their cache, not this one.
   */
  @Override
  public SparkRowChunks standardized(Standardizer z) {
    JavaRDD<RowChunk> mapped = chunks.map(c -> c.standardized(z)).persist(StorageLevel.MEMORY_ONLY());
    return new SparkRowChunks(mapped, rows, dim, failFirstAttempts);
  }

  /** Drops the cached chunks. */
  @Override
  public void close() {
    chunks.unpersist(false);
  }

  @Override
  public String toString() {
    return "SparkRowChunks" + Arrays.asList(rows, dim, chunks.getNumPartitions());
  }
}
