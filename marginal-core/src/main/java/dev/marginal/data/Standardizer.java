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

  /** Fits means and standard deviations of every column of {@code data}. */
  public static Standardizer fit(Dataset data) {
    if (data.rows() == 0) {
      throw new DataException(data.source() + ": cannot standardize an empty dataset");
    }
    int rows = data.rows();
    int cols = data.cols();
    float[] x = data.values();
    double[] mean = new double[cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        mean[j] += x[i * cols + j];
      }
    }
    for (int j = 0; j < cols; j++) {
      mean[j] /= rows;
    }
    double[] sumSq = new double[cols];
    boolean[] varies = new boolean[cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double d = x[i * cols + j] - mean[j];
        sumSq[j] += d * d;
        varies[j] |= x[i * cols + j] != x[j];
      }
    }
    double[] sd = new double[cols];
    for (int j = 0; j < cols; j++) {
      // Exact test for a constant column: a rounding-level sd would otherwise blow its values up.
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
