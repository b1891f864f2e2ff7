package dev.marginal.models;

import dev.marginal.data.Standardizer;
import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;

/**
 * A data set of double rows split into fixed chunks of {@value #CHUNK_ROWS} consecutive rows (chunk c holds rows
 * c·{@value #CHUNK_ROWS} .. in row order), wherever the chunks are held: in this JVM ({@link InMemoryChunks}) or on
 * a cluster (marginal-spark). Algorithms written against it compute per-chunk partial results and combine them in
 * chunk order, so they give the same bits however many threads or machines compute the chunks, in whatever order.
 */
public interface RowChunks {
  /** Rows per chunk. */
  int CHUNK_ROWS = 2048;

  /** A computation on one chunk; serializable, so that it can be sent to where the chunk is. */
  @FunctionalInterface
  interface Task<R extends Serializable> extends Serializable {
    /** The result for {@code chunk}; must depend only on the chunk's rows, its index and the task's own fields. */
    R apply(RowChunk chunk);
  }

  /** The number of rows n. */
  long rows();

  /** The row dimension d. */
  int dim();

  /** The number of chunks, ⌈n / {@value #CHUNK_ROWS}⌉. */
  default int chunks() {
    return (int) ((rows() + CHUNK_ROWS - 1) / CHUNK_ROWS);
  }

  /** {@code task} applied to every chunk; the results in chunk order. */
  <R extends Serializable> List<R> map(Task<R> task);

  /**
   * {@code task} applied to every chunk, each result handed to {@code sink} on the calling thread in chunk order, the
   * results and their order those of {@link #map}. Implementations may compute the chunks a group at a time, so as to
   * hold at most {@link #resultsHeld()} results at once; this one holds them all.
   */
  default <R extends Serializable> void forEachInOrder(Task<R> task, Consumer<? super R> sink) {
    for (R r : map(task)) {
      sink.accept(r);
    }
  }

  /** The most results {@link #forEachInOrder} holds at once: every chunk's, unless an implementation streams them. */
  default long resultsHeld() {
    return chunks();
  }

  /** {@code task} applied to chunk {@code chunk} alone. */
  <R extends Serializable> R apply(int chunk, Task<R> task);

  /**
   * The columns' means and population standard deviations (1 for a constant column) from per-chunk sums added in
   * chunk order, in two passes: the bits of {@link Standardizer#fitInBlocks} with blocks of {@value #CHUNK_ROWS} on
   * the same rows (as floats), wherever the chunks are.
   */
  default Standardizer standardizer() {
    int d = dim();
    double[] mean = new double[d];
    double[] lo = new double[d];
    double[] hi = new double[d];
    java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    for (double[][] part : map(RowChunk::columnSums)) {
      for (int j = 0; j < d; j++) {
        mean[j] += part[0][j];
        lo[j] = Math.min(lo[j], part[1][j]);
        hi[j] = Math.max(hi[j], part[2][j]);
      }
    }
    long n = rows();
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[] sumSq = new double[d];
    for (double[] part : map(c -> c.squaredDeviations(mean))) {
      for (int j = 0; j < d; j++) {
        sumSq[j] += part[j];
      }
    }
    boolean[] varies = new boolean[d];
    for (int j = 0; j < d; j++) {
      varies[j] = lo[j] != hi[j];
    }
    return Standardizer.of(mean, sumSq, n, varies);
  }

  /**
   * The same rows mapped by {@code z} ((x − mean) / sd in double), as chunks of their own; closing them (where they
   * hold anything) leaves these. This default maps each chunk again on every pass; implementations keep the mapped
   * chunks.
   */
  default RowChunks standardized(Standardizer z) {
    RowChunks base = this;
    return new RowChunks() {
      @Override
      public long rows() {
        return base.rows();
      }

      @Override
      public int dim() {
        return base.dim();
      }

      @Override
      public <R extends Serializable> List<R> map(Task<R> task) {
        return base.map(c -> task.apply(c.standardized(z)));
      }

      @Override
      public <R extends Serializable> R apply(int chunk, Task<R> task) {
        return base.apply(chunk, c -> task.apply(c.standardized(z)));
      }
    };
  }

  /** Row {@code i} (0 ≤ i &lt; n), a copy. */
  default double[] row(long i) {
    int within = (int) (i % CHUNK_ROWS);
    return apply((int) (i / CHUNK_ROWS), c -> c.row(within));
  }
}
