package dev.marginal.models;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One chunk of a {@link RowChunks} data set: its index and rows, and a small per-row memo that lets one pass reuse
 * what an earlier pass computed on the same chunk (EM's responsibilities, k-means labels). A memo entry is used only
 * when its tag matches, and is never serialized, so a chunk that moved or was rebuilt recomputes it; the memoized
 * values are always exactly what recomputing gives.
 */
public final class RowChunk implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int index;
  private final int rows;
  private final int dim;
  private final double[] values;
  private transient Map<String, Memo> memos;

  /** A memoized array and the tag it was computed for. */
  private record Memo(long tag, double[] values) {}

  /**
   * @param index the chunk index c; its rows are rows c·{@value RowChunks#CHUNK_ROWS}.. of the data set
   * @param values the rows, row-major {@code [rows, dim]} (kept, not copied)
   */
  public RowChunk(int index, int rows, int dim, double[] values) {
    if (values.length != (long) rows * dim) {
      throw new IllegalArgumentException(values.length + " values for " + rows + " rows of " + dim);
    }
    this.index = index;
    this.rows = rows;
    this.dim = dim;
    this.values = values;
  }

  public int index() {
    return index;
  }

  public int rows() {
    return rows;
  }

  public int dim() {
    return dim;
  }

  /** The index in the whole data set of this chunk's first row. */
  public long firstRow() {
    return (long) index * RowChunks.CHUNK_ROWS;
  }

  /** The rows, row-major; shared, not to be modified. */
  double[] values() {
    return values;
  }

  /** Row {@code i} of this chunk, a copy. */
  public double[] row(int i) {
    return java.util.Arrays.copyOfRange(values, i * dim, (i + 1) * dim);
  }

  /** This chunk's rows mapped by {@code z}, (x − mean) / sd in double, as a new chunk of the same index. */
  public RowChunk standardized(dev.marginal.data.Standardizer z) {
    if (z.cols() != dim) {
      throw new IllegalArgumentException("a standardizer of " + z.cols() + " columns for rows of " + dim);
    }
    double[] mean = z.mean();
    double[] sd = z.sd();
    double[] out = new double[values.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        out[i * dim + j] = (values[i * dim + j] - mean[j]) / sd[j];
      }
    }
    return new RowChunk(index, rows, dim, out);
  }

  /** Per column of this chunk's rows: their sum, then their least and greatest values, in row order. */
  double[][] columnSums() {
    double[] sum = new double[dim];
    double[] lo = new double[dim];
    double[] hi = new double[dim];
    java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        double v = values[i * dim + j];
        sum[j] += v;
        lo[j] = Math.min(lo[j], v);
        hi[j] = Math.max(hi[j], v);
      }
    }
    return new double[][] {sum, lo, hi};
  }

  /** Per column of this chunk's rows, Σ (x − mean)² in row order. */
  double[] squaredDeviations(double[] mean) {
    double[] s = new double[dim];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        double d = values[i * dim + j] - mean[j];
        s[j] += d * d;
      }
    }
    return s;
  }

  /** The array memoized in {@code slot} under {@code tag}, or null. */
  synchronized double[] memo(String slot, long tag) {
    Memo m = memos == null ? null : memos.get(slot);
    return m != null && m.tag() == tag ? m.values() : null;
  }

  /** The array in {@code slot} under {@code tag}, computed (and kept) if absent. */
  synchronized double[] memo(String slot, long tag, Supplier<double[]> compute) {
    double[] v = memo(slot, tag);
    if (v == null) {
      v = compute.get();
      remember(slot, tag, v);
    }
    return v;
  }

  /** Keeps {@code v} in {@code slot} under {@code tag}, replacing what was there. */
  synchronized void remember(String slot, long tag, double[] v) {
    if (memos == null) {
      memos = new HashMap<>();
    }
    memos.put(slot, new Memo(tag, v));
  }
}
