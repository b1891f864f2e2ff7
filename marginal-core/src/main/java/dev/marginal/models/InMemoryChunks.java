package dev.marginal.models;

import dev.marginal.data.FiniteValues;
import dev.marginal.tensor.Parallel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link RowChunks} held in this JVM. Chunks are computed on {@code threads} threads of the kernels' own mechanism
 * ({@link Parallel#withThreads}, {@link Parallel#forEach}: the calling thread takes part, other threads of the JVM
 * keep their own counts); a chunk's own kernel calls then run on its thread.
 */
public final class InMemoryChunks implements RowChunks, AutoCloseable {
  private final RowChunk[] chunks;
  private final long rows;
  private final int dim;
  private final int threads;

  private InMemoryChunks(RowChunk[] chunks, long rows, int dim, int threads) {
    this.chunks = chunks;
    this.rows = rows;
    this.dim = dim;
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
  }

  /**
   * The rows of {@code data}, copied into chunks.
   *
   * @param data points {@code [n][d]}, n ≥ 1, finite
   * @param threads threads that compute chunks (results do not depend on it)
   */
  public static InMemoryChunks of(double[][] data, int threads) {
    if (data.length == 0) {
      throw new IllegalArgumentException("need at least one point");
    }
    FiniteValues.require(data);
    int d = data[0].length;
    int n = data.length;
    RowChunk[] chunks = new RowChunk[(n + CHUNK_ROWS - 1) / CHUNK_ROWS];
    for (int c = 0; c < chunks.length; c++) {
      int start = c * CHUNK_ROWS;
      int b = Math.min(CHUNK_ROWS, n - start);
      double[] flat = new double[b * d];
      for (int i = 0; i < b; i++) {
        double[] row = data[start + i];
        if (row.length != d) {
          throw new IllegalArgumentException("point " + (start + i) + " has " + row.length + " coordinates, expected "
              + d);
        }
        System.arraycopy(row, 0, flat, i * d, d);
      }
      chunks[c] = new RowChunk(c, b, d, flat);
    }
    return new InMemoryChunks(chunks, n, d, threads);
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
    Object[] out = new Object[chunks.length];
    Parallel.withThreads(threads, () -> Parallel.forEach(chunks.length, true, c -> out[c] = task.apply(chunks[c])));
    List<R> list = new ArrayList<>(out.length);
    for (Object o : out) {
      @SuppressWarnings("unchecked")
      R r = (R) o;
      list.add(r);
    }
    return list;
  }

  /**
   * Computes the chunks {@value #GROUP_PER_THREAD} per thread at a time and hands each group's results to
   * {@code sink} in chunk order before the next group starts, so that no more than {@link #resultsHeld()} results are
   * held at once (a full-covariance scatter per chunk, say); the group size does not change what {@code sink} sees.
   */
  @Override
  public <R extends Serializable> void forEachInOrder(Task<R> task, Consumer<? super R> sink) {
    int group = (int) resultsHeld(chunks.length, threads);
    Object[] out = new Object[group];
    for (int start = 0; start < chunks.length; start += group) {
      int first = start;
      int size = Math.min(group, chunks.length - start);
      Parallel.withThreads(threads, () -> Parallel.forEach(size, true, c -> out[c] = task.apply(chunks[first + c])));
      for (int c = 0; c < size; c++) {
        @SuppressWarnings("unchecked")
        R r = (R) out[c];
        out[c] = null;
        sink.accept(r);
      }
    }
  }

  /** Chunks per thread that {@link #forEachInOrder} computes at a time. */
  static final int GROUP_PER_THREAD = 4;

  @Override
  public long resultsHeld() {
    return resultsHeld(chunks.length, threads);
  }

  /** The results {@link #forEachInOrder} holds at once for {@code chunks} chunks on {@code threads} threads. */
  public static long resultsHeld(long chunks, int threads) {
    return Math.min(chunks, (long) GROUP_PER_THREAD * threads);
  }

  @Override
  public <R extends Serializable> R apply(int chunk, Task<R> task) {
    return task.apply(chunks[chunk]);
  }

  /** The rows mapped by {@code z}, as chunks of their own in this JVM. */
  @Override
  public InMemoryChunks standardized(dev.marginal.data.Standardizer z) {
    RowChunk[] out = new RowChunk[chunks.length];
    for (int c = 0; c < out.length; c++) {
      out[c] = chunks[c].standardized(z);
    }
    return new InMemoryChunks(out, rows, dim, threads);
  }

  /** Nothing to release: the threads are the kernels' pooled workers. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "InMemoryChunks" + Arrays.asList(rows, dim, chunks.length);
  }
}
