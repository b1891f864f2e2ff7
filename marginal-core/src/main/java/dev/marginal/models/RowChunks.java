package dev.marginal.models;

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

  /** Row {@code i} (0 ≤ i &lt; n), a copy. */
  default double[] row(long i) {
    int within = (int) (i % CHUNK_ROWS);
    return apply((int) (i / CHUNK_ROWS), c -> c.row(within));
  }
}
