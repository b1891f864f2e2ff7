package dev.marginal.data;

import dev.marginal.random.RngKey;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Minibatch row indices for one pass over {@code rows} rows: consecutive slices of a permutation, each of
 * {@code batchSize} rows except possibly the last, which is kept even when partial. Every row appears exactly
 * once per epoch.
 *
 * <p>Shuffled epochs use the permutation drawn by {@link #permutation(int, RngKey)} with
 * {@code root.foldIn(epoch)}, so the order depends only on the root key and the epoch number.
 */
public final class Batches implements Iterator<int[]> {
  private final int[] order;
  private final int batchSize;
  private int next;

  private Batches(int[] order, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.order = order;
    this.batchSize = batchSize;
  }

  /**
   * The shuffled batches of one epoch.
   *
   * @param rows number of rows, at least 0
   * @param batchSize rows per batch, at least 1
   * @param root the run's data key; the epoch's order comes from {@code root.foldIn(epoch)}
   * @param epoch epoch number
   */
  public static Batches shuffled(int rows, int batchSize, RngKey root, long epoch) {
    return new Batches(permutation(rows, root.foldIn(epoch)), batchSize);
  }

  /** Batches in row order, for scoring or encoding a whole dataset. */
  public static Batches inOrder(int rows, int batchSize) {
    int[] order = new int[checkRows(rows)];
    Arrays.setAll(order, i -> i);
    return new Batches(order, batchSize);
  }

  /** Number of batches in an epoch: {@code ceil(rows / batchSize)}. */
  public static int count(int rows, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    return (checkRows(rows) + batchSize - 1) / batchSize;
  }

  /**
   * A uniformly random permutation of {@code 0 .. n-1} by the Fisher–Yates shuffle. Swap {@code t} (for
   * position {@code i = n-1-t}) draws its index in {@code [0, i]} from value {@code t} of the key's stream,
   * scaled by a multiply-shift on 31 bits (bias below 2⁻³¹·n, negligible for any dataset that fits in memory).
   */
  public static int[] permutation(int n, RngKey key) {
    int[] perm = new int[checkRows(n)];
    Arrays.setAll(perm, i -> i);
    for (int i = n - 1; i > 0; i--) {
      long bits = key.bits(n - 1 - i);
      int j = (int) (((bits >>> 33) * (i + 1)) >>> 31);
      int tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    return perm;
  }

  @Override
  public boolean hasNext() {
    return next < order.length;
  }

  /** The next batch's row indices: {@code batchSize} of them, fewer only for the last batch. */
  @Override
  public int[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no batches left in this epoch");
    }
    int end = Math.min(order.length, next + batchSize);
    int[] batch = Arrays.copyOfRange(order, next, end);
    next = end;
    return batch;
  }

  private static int checkRows(int rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be at least 0, got " + rows);
    }
    return rows;
  }
}
