package dev.marginal.math;

/**
 * The Cholesky factorisation A = L Lᵀ of a symmetric positive definite matrix, with L lower triangular.
 *
 * <p>Immutable. Only the lower triangle of A is read. Solves with A cost O(d²) per right-hand side; the
 * log-determinant is log|A| = 2 Σᵢ log Lᵢᵢ.
 */
public final class Cholesky {
  private final int dim;
  /** L, row-major, d × d; entries above the diagonal are zero. */
  private final double[] lower;

  private Cholesky(int dim, double[] lower) {
    this.dim = dim;
    this.lower = lower;
  }

  /**
   * Factorises a symmetric positive definite matrix.
   *
   * @param a square matrix {@code [d][d]}; only the lower triangle is read
   * @throws IllegalArgumentException if {@code a} is not square, holds a non-finite entry, or is not positive
   *     definite (the message names the failing pivot)
   */
  public static Cholesky of(double[][] a) {
    int d = a.length;
    double[] l = new double[d * d];
    for (int i = 0; i < d; i++) {
      if (a[i].length != d) {
        throw new IllegalArgumentException("matrix must be square: row " + i + " has " + a[i].length
            + " entries, expected " + d);
      }
      for (int j = 0; j <= i; j++) {
        if (!Double.isFinite(a[i][j])) {
          throw new IllegalArgumentException("matrix entry (" + i + ", " + j + ") is " + a[i][j]);
        }
        l[i * d + j] = a[i][j];
      }
    }
    factorInPlace(l, d);
    return new Cholesky(d, l);
  }

  /**
   * Overwrites the lower triangle of a row-major d × d matrix with its Cholesky factor (row-oriented
   * Cholesky–Banachiewicz); zeroes the strict upper triangle.
   */
  static void factorInPlace(double[] l, int d) {
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = l[i * d + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * d + k] * l[j * d + k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException("matrix is not positive definite: pivot " + i + " is " + s
                + " (a covariance floor such as a small ridge on the diagonal may help)");
          }
          l[i * d + i] = Math.sqrt(s);
        } else {
          l[i * d + j] = s / l[j * d + j];
        }
      }
      for (int j = i + 1; j < d; j++) {
        l[i * d + j] = 0;
      }
    }
  }

  /** The dimension d. */
  public int dim() {
    return dim;
  }

  /** A copy of L as {@code [d][d]}. */
  public double[][] lower() {
    double[][] out = new double[dim][dim];
    for (int i = 0; i < dim; i++) {
      System.arraycopy(lower, i * dim, out[i], 0, i + 1);
    }
    return out;
  }

  /** log|A| = 2 Σᵢ log Lᵢᵢ. */
  public double logDeterminant() {
    double s = 0;
    for (int i = 0; i < dim; i++) {
      s += StrictMath.log(lower[i * dim + i]);
    }
    return 2 * s;
  }

  /**
   * Solves L y = b by forward substitution.
   *
   * @param b right-hand side {@code [d]}; not modified
   * @return y {@code [d]}
   */
  public double[] solveLower(double[] b) {
    checkLength(b);
    double[] y = b.clone();
    for (int i = 0; i < dim; i++) {
      double s = y[i];
      for (int k = 0; k < i; k++) {
        s -= lower[i * dim + k] * y[k];
      }
      y[i] = s / lower[i * dim + i];
    }
    return y;
  }

  /**
   * Solves Lᵀ x = y by back substitution.
   *
   * @param y right-hand side {@code [d]}; not modified
   * @return x {@code [d]}
   */
  public double[] solveLowerTransposed(double[] y) {
    checkLength(y);
    double[] x = y.clone();
    for (int i = dim - 1; i >= 0; i--) {
      double s = x[i];
      for (int k = i + 1; k < dim; k++) {
        s -= lower[k * dim + i] * x[k];
      }
      x[i] = s / lower[i * dim + i];
    }
    return x;
  }

  /**
   * Solves A x = b.
   *
   * @param b right-hand side {@code [d]}; not modified
   * @return x {@code [d]}
   */
  public double[] solve(double[] b) {
    return solveLowerTransposed(solveLower(b));
  }

  /** A⁻¹ as {@code [d][d]}, column by column from {@link #solve(double[])}. */
  public double[][] inverse() {
    double[][] inv = new double[dim][dim];
    for (int j = 0; j < dim; j++) {
      double[] e = new double[dim];
      e[j] = 1;
      double[] col = solve(e);
      for (int i = 0; i < dim; i++) {
        inv[i][j] = col[i];
      }
    }
    return inv;
  }

  /**
   * L⁻¹, lower triangular, row-major {@code [d·d]}. With y = L⁻¹(x − μ), the Mahalanobis form is
   * (x − μ)ᵀ A⁻¹ (x − μ) = ‖y‖², which is how Gaussian densities use it.
   */
  public double[] inverseLowerFlat() {
    double[] inv = new double[dim * dim];
    for (int j = 0; j < dim; j++) {
      // Column j of L⁻¹ solves L c = e_j; entries above j are zero.
      inv[j * dim + j] = 1 / lower[j * dim + j];
      for (int i = j + 1; i < dim; i++) {
        double s = 0;
        for (int k = j; k < i; k++) {
          s -= lower[i * dim + k] * inv[k * dim + j];
        }
        inv[i * dim + j] = s / lower[i * dim + i];
      }
    }
    return inv;
  }

  /** L as a row-major copy {@code [d·d]}. */
  public double[] lowerFlat() {
    return lower.clone();
  }

  private void checkLength(double[] b) {
    if (b.length != dim) {
      throw new IllegalArgumentException("right-hand side has length " + b.length + ", expected " + dim);
    }
  }
}
