package dev.marginal.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import org.junit.jupiter.api.Test;

class CholeskyTest {
  /** A random SPD matrix B Bᵀ + d·I. */
  static double[][] randomSpd(RngKey key, int d) {
    double[] b = new double[d * d];
    Samplers.normals(key, b, 0, d * d);
    double[][] a = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = i == j ? d : 0;
        for (int k = 0; k < d; k++) {
          s += b[i * d + k] * b[j * d + k];
        }
        a[i][j] = s;
      }
    }
    return a;
  }

  @Test
  void factorReconstructsMatrix() {
    double[][] a = randomSpd(RngKey.of(1), 6);
    double[][] l = Cholesky.of(a).lower();
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        double s = 0;
        for (int k = 0; k < 6; k++) {
          s += l[i][k] * l[j][k];
        }
        assertEquals(a[i][j], s, 1e-12 * Math.abs(a[i][i]));
      }
    }
  }

  @Test
  void solveHasSmallResidualAndInverseLowerWhitens() {
    double[][] a = randomSpd(RngKey.of(2), 5);
    Cholesky c = Cholesky.of(a);
    double[] b = {1, -2, 0.5, 3, 0};
    double[] x = c.solve(b);
    for (int i = 0; i < 5; i++) {
      double s = 0;
      for (int j = 0; j < 5; j++) {
        s += a[i][j] * x[j];
      }
      assertEquals(b[i], s, 1e-12);
    }
    // bᵀ A⁻¹ b = ‖L⁻¹ b‖².
    double[] inv = c.inverseLowerFlat();
    double quad = 0;
    double viaSolve = 0;
    for (int i = 0; i < 5; i++) {
      double y = 0;
      for (int j = 0; j <= i; j++) {
        y += inv[i * 5 + j] * b[j];
      }
      quad += y * y;
      viaSolve += b[i] * x[i];
    }
    assertEquals(viaSolve, quad, 1e-12 * viaSolve);
  }

  @Test
  void logDeterminantMatchesEigenvalues() {
    double[][] a = randomSpd(RngKey.of(3), 7);
    double expected = 0;
    for (double v : SymmetricEigen.of(a).values()) {
      expected += Math.log(v);
    }
    assertEquals(expected, Cholesky.of(a).logDeterminant(), 1e-10);
  }

  @Test
  void indefiniteMatrixIsRejectedWithPivot() {
    double[][] a = {{1, 2}, {2, 1}};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cholesky.of(a));
    assertTrue(e.getMessage().contains("not positive definite: pivot 1"), e.getMessage());
  }
}
