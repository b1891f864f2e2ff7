package dev.marginal.models;

import dev.marginal.random.RngKey;
import java.io.Serializable;
import java.util.List;

/**
 * k-means++ seeding (Arthur &amp; Vassilvitskii 2007) followed by a few Lloyd iterations: the starting partition for
 * EM. Each seed after the first is drawn with probability proportional to its squared distance D² to the nearest
 * seed so far, using key {@code key.foldIn(j)} for seed j.
 *
 * <p>Works on {@link RowChunks}: sums are per-chunk partials combined in chunk order, and the proportional draw
 * first picks the chunk (by the chunk totals, in order) and then the row within it, so the result is the same
 * wherever and in whatever order the chunks are computed. The D² values and labels stay with their chunk between
 * passes (memos) and are recomputed, to the same bits, when they are not there.
 */
final class KMeans {
  private static final String DIST = "kmeans.dist2";
  private static final String LABELS = "kmeans.labels";

  private KMeans() {}

  /** Per-chunk sums and counts of the points nearest each centre, and whether any label changed. */
  private record Stats(double[] sums, long[] counts, boolean changed) implements Serializable {}

  /** A chosen row: its index in the data set and its values. */
  private record Pick(long index, double[] row) implements Serializable {}

  /**
   * Seeds and refines {@code k} centres.
   *
   * @param lloydIterations Lloyd refinements after seeding; stops early when no label changes
   * @return the centres, row-major {@code [k·d]}; the partition is the nearest centre of each point
   */
  static double[] fit(RowChunks data, int k, RngKey key, int lloydIterations) {
    double[] centres = seed(data, k, key);
    int d = data.dim();
    long tag = MemoTags.next();
    double[] first = centres;
    Stats stats = combine(data.map(c -> stats(c, first, k, tag, null, 0)), k, d);
    long oldTag = tag;
    for (int it = 0; it < lloydIterations; it++) {
      double[] next = centres.clone();
      for (int c = 0; c < k; c++) {
        if (stats.counts[c] > 0) {
          for (int j = 0; j < d; j++) {
            next[c * d + j] = stats.sums[c * d + j] / stats.counts[c];
          }
        }
      }
      long newTag = MemoTags.next();
      double[] old = centres;
      long previous = oldTag;
      stats = combine(data.map(c -> stats(c, next, k, newTag, old, previous)), k, d);
      centres = next;
      oldTag = newTag;
      if (!stats.changed) {
        break;
      }
    }
    return centres;
  }

  static double[] seed(RowChunks data, int k, RngKey key) {
    int d = data.dim();
    long n = data.rows();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("k-means++ seeding supports up to 2^31 - 1 rows, got " + n);
    }
    double[] centres = new double[k * d];
    System.arraycopy(data.row(key.foldIn(0).nextInt((int) n)), 0, centres, 0, d);
    long previous = -1;
    for (int j = 1; j < k; j++) {
      double[] sofar = java.util.Arrays.copyOf(centres, j * d);
      long tag = MemoTags.next();
      long prev = previous;
      int seeds = j;
      List<Double> totals = data.map(c -> chunkTotal(distances(c, sofar, seeds, prev, tag)));
      double total = 0;
      for (double t : totals) {
        total += t;
      }
      double[] row;
      if (total > 0) {
        double target = key.foldIn(j).uniform() * total;
        double acc = 0;
        int chosen = -1;
        int lastPositive = -1;
        for (int ch = 0; ch < totals.size() && chosen < 0; ch++) {
          if (totals.get(ch) > 0) {
            lastPositive = ch;
            if (target < acc + totals.get(ch)) {
              chosen = ch;
            }
          }
          if (chosen < 0) {
            acc += totals.get(ch);
          }
        }
        double local = chosen < 0 ? Double.POSITIVE_INFINITY : target - acc;
        row = data.apply(chosen < 0 ? lastPositive : chosen, c -> pick(c, distances(c, sofar, seeds, prev, tag),
            local)).row();
      } else {
        row = data.row(key.foldIn(j).nextInt((int) n));
      }
      System.arraycopy(row, 0, centres, j * d, d);
      previous = tag;
    }
    return centres;
  }

  /**
   * D² of every row of the chunk to the nearest of the first {@code seeds} centres, memoized under {@code tag}; built
   * from the memo of the previous round ({@code previous}) when it is there, else from scratch (the same bits: the
   * minimum of the same values in the same order).
   */
  private static double[] distances(RowChunk chunk, double[] centres, int seeds, long previous, long tag) {
    return chunk.memo(DIST, tag, () -> {
      double[] before = chunk.memo(DIST, previous);
      int d = chunk.dim();
      double[] x = chunk.values();
      double[] dist2 = new double[chunk.rows()];
      for (int i = 0; i < dist2.length; i++) {
        double m = before != null ? before[i] : Double.POSITIVE_INFINITY;
        for (int s = before != null ? seeds - 1 : 0; s < seeds; s++) {
          m = Math.min(m, squaredDistance(x, i * d, centres, s * d, d));
        }
        dist2[i] = m;
      }
      return dist2;
    });
  }

  private static double chunkTotal(double[] dist2) {
    double total = 0;
    for (double v : dist2) {
      total += v;
    }
    return total;
  }

  /** The first row at which the running sum of D² passes {@code target}, or the last row with positive D². */
  private static Pick pick(RowChunk chunk, double[] weights, double target) {
    double acc = 0;
    int last = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        last = i;
        acc += weights[i];
        if (target < acc) {
          return new Pick(chunk.firstRow() + i, chunk.row(i));
        }
      }
    }
    return new Pick(chunk.firstRow() + last, chunk.row(last));
  }

  /** The nearest centre of each row of {@code chunk} (the first of equally near ones). */
  static int[] labels(RowChunk chunk, double[] centres, int k) {
    int d = chunk.dim();
    double[] x = chunk.values();
    int[] labels = new int[chunk.rows()];
    for (int i = 0; i < labels.length; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double dist = squaredDistance(x, i * d, centres, c * d, d);
        if (dist < best) {
          best = dist;
          labels[i] = c;
        }
      }
    }
    return labels;
  }

  /** Labels memoized under {@code tag}, as doubles. */
  private static double[] memoLabels(RowChunk chunk, double[] centres, int k, long tag) {
    return chunk.memo(LABELS, tag, () -> {
      int[] l = labels(chunk, centres, k);
      double[] out = new double[l.length];
      for (int i = 0; i < l.length; i++) {
        out[i] = l[i];
      }
      return out;
    });
  }

  /** The chunk's sums and counts by nearest centre, and whether a label differs from under {@code old}. */
  private static Stats stats(RowChunk chunk, double[] centres, int k, long tag, double[] old, long oldTag) {
    double[] before = old == null ? null : chunk.memo(LABELS, oldTag);
    if (old != null && before == null) {
      before = memoLabels(chunk, old, k, oldTag);
    }
    double[] labels = memoLabels(chunk, centres, k, tag);
    int d = chunk.dim();
    double[] x = chunk.values();
    double[] sums = new double[k * d];
    long[] counts = new long[k];
    boolean changed = false;
    for (int i = 0; i < labels.length; i++) {
      int l = (int) labels[i];
      counts[l]++;
      for (int j = 0; j < d; j++) {
        sums[l * d + j] += x[i * d + j];
      }
      changed |= before != null && before[i] != labels[i];
    }
    return new Stats(sums, counts, changed);
  }

  private static Stats combine(List<Stats> parts, int k, int d) {
    double[] sums = new double[k * d];
    long[] counts = new long[k];
    boolean changed = false;
    for (Stats s : parts) {
      for (int j = 0; j < sums.length; j++) {
        sums[j] += s.sums[j];
      }
      for (int c = 0; c < k; c++) {
        counts[c] += s.counts[c];
      }
      changed |= s.changed;
    }
    return new Stats(sums, counts, changed);
  }

  static double squaredDistance(double[] a, int ao, double[] b, int bo, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double t = a[ao + j] - b[bo + j];
      s += t * t;
    }
    return s;
  }
}
