package dev.marginal.estimators;

/** A Cholesky factor L (A = L Lᵀ) of a small symmetric positive-definite matrix, in double. */
final class Cholesky {
  private final double[][] l;

  Cholesky(double[][] a) {
    int n = a.length;
    l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException("matrix is not positive definite (pivot " + s + " at " + i + ")");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
  }

  /** log det A = 2 Σ log L_ii. */
  double logDet() {
    double s = 0;
    for (int i = 0; i < l.length; i++) {
      s += StrictMath.log(l[i][i]);
    }
    return 2 * s;
  }

  /** L⁻¹ b by forward substitution. */
  double[] solveLower(double[] b) {
    int n = l.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * y[k];
      }
      y[i] = s / l[i][i];
    }
    return y;
  }

  /** A⁻¹ b. */
  double[] solve(double[] b) {
    double[] y = solveLower(b);
    int n = l.length;
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) {
        s -= l[k][i] * x[k];
      }
      x[i] = s / l[i][i];
    }
    return x;
  }

  /** A⁻¹, column by column. */
  double[][] inverse() {
    int n = l.length;
    double[][] inv = new double[n][n];
    for (int j = 0; j < n; j++) {
      double[] e = new double[n];
      e[j] = 1;
      double[] col = solve(e);
      for (int i = 0; i < n; i++) {
        inv[i][j] = col[i];
      }
    }
    return inv;
  }
}
