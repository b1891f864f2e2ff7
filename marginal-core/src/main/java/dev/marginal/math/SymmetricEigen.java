package dev.marginal.math;

/**
 * The eigendecomposition A = V Λ Vᵀ of a real symmetric matrix, eigenvalues in decreasing order.
 *
 * <p>Householder reduction to tridiagonal form followed by the implicit QL algorithm with Wilkinson shifts — the
 * {@code tred2}/{@code tql2} pair of EISPACK as published in JAMA (public domain). O(d³) work; V is orthogonal
 * to rounding. Only the lower triangle of A is read.
 *
 * <p>References: Wilkinson &amp; Reinsch, Handbook for Automatic Computation II (1971); JAMA, NIST (1998).
 */
public final class SymmetricEigen {
  /** Cap on QL sweeps per eigenvalue; convergence normally takes two or three. */
  private static final int MAX_QL_ITERATIONS = 60;

  private final double[] values;
  private final double[][] vectors;

  private SymmetricEigen(double[] values, double[][] vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  /**
   * Decomposes a symmetric matrix.
   *
   * @param a square matrix {@code [d][d]}, finite; only the lower triangle is read
   * @throws IllegalArgumentException if {@code a} is not square or holds a non-finite entry
   */
  public static SymmetricEigen of(double[][] a) {
    int n = a.length;
    if (n == 0) {
      throw new IllegalArgumentException("matrix must have at least one row");
    }
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      if (a[i].length != n) {
        throw new IllegalArgumentException("matrix must be square: row " + i + " has " + a[i].length
            + " entries, expected " + n);
      }
      for (int j = 0; j <= i; j++) {
        if (!Double.isFinite(a[i][j])) {
          throw new IllegalArgumentException("matrix entry (" + i + ", " + j + ") is " + a[i][j]);
        }
        v[i][j] = a[i][j];
        v[j][i] = a[i][j];
      }
    }
    double[] d = new double[n];
    double[] e = new double[n];
    tridiagonalize(v, d, e);
    diagonalize(v, d, e);
    return sortedDecreasing(d, v);
  }

  /** The number of rows d. */
  public int dim() {
    return values.length;
  }

  /** Eigenvalues λ₁ ≥ λ₂ ≥ … ≥ λ_d, a copy. */
  public double[] values() {
    return values.clone();
  }

  /** Eigenvectors as the columns of V {@code [d][d]}; column k belongs to {@code values()[k]}. A copy. */
  public double[][] vectors() {
    double[][] out = new double[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      out[i] = vectors[i].clone();
    }
    return out;
  }

  private static SymmetricEigen sortedDecreasing(double[] d, double[][] v) {
    int n = d.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (p, q) -> Double.compare(d[q], d[p]));
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int k = 0; k < n; k++) {
      values[k] = d[order[k]];
      for (int i = 0; i < n; i++) {
        vectors[i][k] = v[i][order[k]];
      }
    }
    return new SymmetricEigen(values, vectors);
  }

  /**
   * Householder reduction to tridiagonal form (EISPACK {@code tred2}). On return {@code d} holds the diagonal,
   * {@code e[1..n)} the sub-diagonal, and {@code v} the accumulated orthogonal transformation.
   */
  private static void tridiagonalize(double[][] v, double[] d, double[] e) {
    int n = d.length;
    for (int j = 0; j < n; j++) {
      d[j] = v[n - 1][j];
    }
    for (int i = n - 1; i > 0; i--) {
      // Scale the row to avoid under/overflow in the Householder vector.
      double scale = 0;
      double h = 0;
      for (int k = 0; k < i; k++) {
        scale += Math.abs(d[k]);
      }
      if (scale == 0) {
        e[i] = d[i - 1];
        for (int j = 0; j < i; j++) {
          d[j] = v[i - 1][j];
          v[i][j] = 0;
          v[j][i] = 0;
        }
      } else {
        for (int k = 0; k < i; k++) {
          d[k] /= scale;
          h += d[k] * d[k];
        }
        double f = d[i - 1];
        double g = Math.sqrt(h);
        if (f > 0) {
          g = -g;
        }
        e[i] = scale * g;
        h -= f * g;
        d[i - 1] = f - g;
        for (int j = 0; j < i; j++) {
          e[j] = 0;
        }
        for (int j = 0; j < i; j++) {
          f = d[j];
          v[j][i] = f;
          g = e[j] + v[j][j] * f;
          for (int k = j + 1; k <= i - 1; k++) {
            g += v[k][j] * d[k];
            e[k] += v[k][j] * f;
          }
          e[j] = g;
        }
        f = 0;
        for (int j = 0; j < i; j++) {
          e[j] /= h;
          f += e[j] * d[j];
        }
        double hh = f / (h + h);
        for (int j = 0; j < i; j++) {
          e[j] -= hh * d[j];
        }
        for (int j = 0; j < i; j++) {
          f = d[j];
          g = e[j];
          for (int k = j; k <= i - 1; k++) {
            v[k][j] -= f * e[k] + g * d[k];
          }
          d[j] = v[i - 1][j];
          v[i][j] = 0;
        }
      }
      d[i] = h;
    }
    accumulateTransformations(v, d);
    e[0] = 0;
  }

  private static void accumulateTransformations(double[][] v, double[] d) {
    int n = d.length;
    for (int i = 0; i < n - 1; i++) {
      v[n - 1][i] = v[i][i];
      v[i][i] = 1;
      double h = d[i + 1];
      if (h != 0) {
        for (int k = 0; k <= i; k++) {
          d[k] = v[k][i + 1] / h;
        }
        for (int j = 0; j <= i; j++) {
          double g = 0;
          for (int k = 0; k <= i; k++) {
            g += v[k][i + 1] * v[k][j];
          }
          for (int k = 0; k <= i; k++) {
            v[k][j] -= g * d[k];
          }
        }
      }
      for (int k = 0; k <= i; k++) {
        v[k][i + 1] = 0;
      }
    }
    for (int j = 0; j < n; j++) {
      d[j] = v[n - 1][j];
      v[n - 1][j] = 0;
    }
    v[n - 1][n - 1] = 1;
  }

  /** Implicit QL iterations on the tridiagonal matrix (EISPACK {@code tql2}), rotating {@code v} along. */
  private static void diagonalize(double[][] v, double[] d, double[] e) {
    int n = d.length;
    for (int i = 1; i < n; i++) {
      e[i - 1] = e[i];
    }
    e[n - 1] = 0;
    double f = 0;
    double tst1 = 0;
    double eps = Math.ulp(1.0);
    for (int l = 0; l < n; l++) {
      // Find a small sub-diagonal element that splits the matrix.
      tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
      int m = l;
      while (m < n - 1 && Math.abs(e[m]) > eps * tst1) {
        m++;
      }
      if (m > l) {
        int iter = 0;
        do {
          if (++iter > MAX_QL_ITERATIONS) {
            throw new ArithmeticException("symmetric eigendecomposition did not converge");
          }
          // Wilkinson shift from the leading 2 × 2 block.
          double g = d[l];
          double p = (d[l + 1] - g) / (2 * e[l]);
          double r = StrictMath.hypot(p, 1);
          if (p < 0) {
            r = -r;
          }
          d[l] = e[l] / (p + r);
          d[l + 1] = e[l] * (p + r);
          double dl1 = d[l + 1];
          double h = g - d[l];
          for (int i = l + 2; i < n; i++) {
            d[i] -= h;
          }
          f += h;
          // Chase the bulge with Givens rotations.
          p = d[m];
          double c = 1;
          double c2 = c;
          double c3 = c;
          double el1 = e[l + 1];
          double s = 0;
          double s2 = 0;
          for (int i = m - 1; i >= l; i--) {
            c3 = c2;
            c2 = c;
            s2 = s;
            g = c * e[i];
            h = c * p;
            r = StrictMath.hypot(p, e[i]);
            e[i + 1] = s * r;
            s = e[i] / r;
            c = p / r;
            p = c * d[i] - s * g;
            d[i + 1] = h + s * (c * g + s * d[i]);
            for (int k = 0; k < n; k++) {
              h = v[k][i + 1];
              v[k][i + 1] = s * v[k][i] + c * h;
              v[k][i] = c * v[k][i] - s * h;
            }
          }
          p = -s * s2 * c3 * el1 * e[l] / dl1;
          e[l] = s * p;
          d[l] = c * p;
        } while (Math.abs(e[l]) > eps * tst1);
      }
      d[l] += f;
      e[l] = 0;
    }
  }
}
