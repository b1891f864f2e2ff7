package dev.marginal.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-column standardization z = (x − mean) / sd, fitted on training data and saved with a model so that new data
 * and samples can be mapped the same way ({@link #apply}) and back ({@link #invert}).
 *
 * <p>The sd is the population standard deviation (divisor n, as scikit-learn's StandardScaler), accumulated in
 * double with two passes (mean first, then squared deviations) to avoid cancellation. A column whose values are
 * all equal gets sd = 1, so it is centred but not scaled.
 *
 * @param mean per-column means, length cols
 * @param sd per-column standard deviations, positive and finite, length cols
 */
public record Standardizer(double[] mean, double[] sd) implements Serializable {
  /** Validates and copies the arrays. */
  public Standardizer {
    if (mean.length != sd.length) {
      throw new IllegalArgumentException(mean.length + " means but " + sd.length + " standard deviations");
    }
    for (int j = 0; j < sd.length; j++) {
      if (!(sd[j] > 0 && Double.isFinite(sd[j]) && Double.isFinite(mean[j]))) {
        throw new IllegalArgumentException("column " + j + ": mean " + mean[j] + ", sd " + sd[j]);
      }
    }
    mean = mean.clone();
    sd = sd.clone();
  }

  /** Fits means and standard deviations of every column of {@code data}: each sum one pass over the rows in order. */
  public static Standardizer fit(Dataset data) {
    return fitInBlocks(data, Integer.MAX_VALUE);
  }

  /**
   * {@link #fit}, each sum taken per block of {@code blockRows} consecutive rows (in row order) and the blocks' sums
   * added in block order: the statistics of data cut into fixed chunks wherever the chunks are held (a cluster's
   * {@code RowChunks} computes the same bits from its chunks). With one block, {@link #fit}'s bits.
   *
   * @param blockRows rows per block, at least 1
   */
  public static Standardizer fitInBlocks(Dataset data, int blockRows) {
    if (data.rows() == 0) {
      throw new DataException(data.source() + ": cannot standardize an empty dataset");
    }
    if (blockRows < 1) {
      throw new IllegalArgumentException("blockRows must be >= 1, got " + blockRows);
    }
    int rows = data.rows();
    int cols = data.cols();
    float[] x = data.values();
    double[] mean = new double[cols];
    for (int start = 0; start < rows; start += Math.min(blockRows, rows - start)) {
      int end = start + Math.min(blockRows, rows - start);
      double[] block = new double[cols];
      for (int i = start; i < end; i++) {
        for (int j = 0; j < cols; j++) {
          block[j] += x[i * cols + j];
        }
      }
      for (int j = 0; j < cols; j++) {
        mean[j] += block[j];
      }
    }
    for (int j = 0; j < cols; j++) {
      mean[j] /= rows;
    }
    double[] sumSq = new double[cols];
    boolean[] varies = new boolean[cols];
    for (int start = 0; start < rows; start += Math.min(blockRows, rows - start)) {
      int end = start + Math.min(blockRows, rows - start);
      double[] block = new double[cols];
      for (int i = start; i < end; i++) {
        for (int j = 0; j < cols; j++) {
          double d = x[i * cols + j] - mean[j];
          block[j] += d * d;
          varies[j] |= x[i * cols + j] != x[j];
        }
      }
      for (int j = 0; j < cols; j++) {
        sumSq[j] += block[j];
      }
    }
    return of(mean, sumSq, rows, varies);
  }

  /**
   * The standardizer of columns with the given means, sums of squared deviations from them over {@code rows} rows,
   * and whether each column takes more than one value: sd = √(sumSq / rows), 1 for a constant column, which is
   * centred but not scaled (an exact test: a rounding-level sd would blow its values up).
   */
  public static Standardizer of(double[] mean, double[] sumSq, long rows, boolean[] varies) {
    double[] sd = new double[mean.length];
    for (int j = 0; j < sd.length; j++) {
      sd[j] = varies[j] ? Math.sqrt(sumSq[j] / rows) : 1.0;
    }
    return new Standardizer(mean, sd);
  }

  /** Number of columns. */
  public int cols() {
    return mean.length;
  }

  /** The means (a copy). */
  @Override
  public double[] mean() {
    return mean.clone();
  }

  /** The standard deviations (a copy). */
  @Override
  public double[] sd() {
    return sd.clone();
  }

  /**
   * The log-Jacobian of the map from data to standardized units, −Σ_j log sd_j: a log-density of standardized rows
   * plus this is the log-density of the rows in data units (change of variables, p(x) = q(z) Π_j 1/sd_j).
   */
  public double logJacobian() {
    double s = 0;
    for (double v : sd) {
      s -= StrictMath.log(v);
    }
    return s;
  }

  /**
   * (x − mean) / sd, column by column.
   *
   * @param x row-major {@code [rows, cols()]}
   */
  public float[] apply(float[] x) {
    float[] out = new float[checkShape(x)];
    for (int i = 0; i < x.length; i++) {
      int j = i % mean.length;
      out[i] = (float) ((x[i] - mean[j]) / sd[j]);
    }
    return out;
  }

  /**
   * z · sd + mean, column by column: the inverse of {@link #apply}.
   *
   * @param z row-major {@code [rows, cols()]}
   */
  public float[] invert(float[] z) {
    float[] out = new float[checkShape(z)];
    for (int i = 0; i < z.length; i++) {
      int j = i % mean.length;
      out[i] = (float) (z[i] * sd[j] + mean[j]);
    }
    return out;
  }

  /** {@link #apply(float[])} on a dataset's values; names, labels and source are kept. */
  public Dataset apply(Dataset data) {
    return data.withValues(apply(data.values()));
  }

  /** {@link #invert(float[])} on a dataset's values. */
  public Dataset invert(Dataset data) {
    return data.withValues(invert(data.values()));
  }

  private int checkShape(float[] x) {
    if (x.length % mean.length != 0) {
      throw new IllegalArgumentException(
          x.length + " values do not fill rows of " + mean.length + " columns");
    }
    return x.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardizer s && Arrays.equals(mean, s.mean) && Arrays.equals(sd, s.sd);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(sd);
  }

  @Override
  public String toString() {
    return "Standardizer[mean=" + Arrays.toString(mean) + ", sd=" + Arrays.toString(sd) + "]";
  }
}
