package dev.marginal.data;

import java.io.Serializable;
import java.util.List;

/**
 * Rows split into S logical shards that are fixed by each row's <em>rank</em> (its position when the rows are
 * ordered by id), never by where the rows are stored: shard s holds the rows of rank s, s + S, s + 2S, ... in rank
 * order, so shard sizes differ by at most one row. The shards may be held in this JVM ({@link #inMemory}) or on a
 * cluster (marginal-spark); an algorithm written against this interface computes one result per shard and combines
 * the results in shard order, so it gives the same bits wherever and in whatever order the shards are computed.
 */
public interface DataShards {
  /** A computation on one shard; serializable, so that it can be sent to where the shard is. */
  @FunctionalInterface
  interface Task<R extends Serializable> extends Serializable {
    /** The result for {@code shard}; must depend only on the shard and the task's own fields. */
    R apply(Shard shard);
  }

  /**
   * One shard.
   *
   * @param index the shard number s, 0 ≤ s &lt; {@code shards}
   * @param shards the number of shards S
   * @param rows the shard's rows in rank order
   */
  record Shard(int index, int shards, Dataset rows) {
    /** The rank (position in id order, in the whole set) of the shard's row {@code j}: s + j·S. */
    public long rank(int j) {
      return index + (long) j * shards;
    }

    /** The ranks of all the shard's rows. */
    public long[] ranks() {
      long[] r = new long[rows.rows()];
      for (int j = 0; j < r.length; j++) {
        r[j] = rank(j);
      }
      return r;
    }
  }

  /** The number of shards S. */
  int shards();

  /** The number of rows n in all shards. */
  long rows();

  /** The row dimension d. */
  int dim();

  /** {@code task} applied to every shard; the results in shard order. */
  <R extends Serializable> List<R> map(Task<R> task);

  /** The shard that holds the row of rank {@code rank}. */
  static int shardOf(long rank, int shards) {
    return (int) (rank % shards);
  }

  /** The number of rows in shard {@code s} of {@code n} rows in {@code shards} shards. */
  static int shardRows(long n, int shards, int s) {
    return (int) ((n - s + shards - 1) / shards);
  }

  /**
   * The rows of {@code data} (row i has rank i) in {@code shards} shards in this JVM; tasks run one after another
   * on the calling thread.
   *
   * @throws IllegalArgumentException if {@code shards} is below 1 or above the number of rows
   */
  static DataShards inMemory(Dataset data, int shards) {
    return InMemoryShards.of(data, shards);
  }
}
