package dev.marginal.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
  @Test
  void knownTwoByTwo() {
    SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
    assertEquals(3, e.values()[0], 1e-14);
    assertEquals(1, e.values()[1], 1e-14);
    double[][] v = e.vectors();
    assertEquals(1 / Math.sqrt(2), Math.abs(v[0][0]), 1e-14);
    assertEquals(v[0][0], v[1][0], 1e-14);
  }

  @Test
  void decompositionIsOrthogonalAndReconstructs() {
    for (int d : new int[] {1, 3, 8, 20}) {
      double[] b = new double[d * d];
      Samplers.normals(RngKey.of(d), b, 0, d * d);
      double[][] a = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          a[i][j] = b[i * d + j];
          a[j][i] = b[i * d + j];
        }
      }
      SymmetricEigen e = SymmetricEigen.of(a);
      double[] lam = e.values();
      double[][] v = e.vectors();
      for (int k = 1; k < d; k++) {
        assertTrue(lam[k - 1] >= lam[k], "values must decrease");
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double vtv = 0;
          double rec = 0;
          for (int k = 0; k < d; k++) {
            vtv += v[k][i] * v[k][j];
            rec += v[i][k] * lam[k] * v[j][k];
          }
          assertEquals(i == j ? 1 : 0, vtv, 1e-12, "VᵀV, d=" + d);
          assertEquals(a[i][j], rec, 1e-11, "VΛVᵀ, d=" + d);
        }
      }
    }
  }

  @Test
  void repeatedEigenvaluesOfDiagonalMatrix() {
    SymmetricEigen e = SymmetricEigen.of(new double[][] {{1, 0, 0}, {0, 5, 0}, {0, 0, 1}});
    assertEquals(5, e.values()[0], 0);
    assertEquals(1, e.values()[1], 0);
    assertEquals(1, e.values()[2], 0);
  }
}
