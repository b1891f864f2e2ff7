package dev.marginal.gradients;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-component statistics of repeated gradient estimates {@code g[m][j]} (repeat m, component j). */
final class GradStats {
  private GradStats() {}

  static double[] mean(double[][] g) {
    double[] m = new double[g[0].length];
    for (double[] row : g) {
      for (int j = 0; j < m.length; j++) {
        m[j] += row[j] / g.length;
      }
    }
    return m;
  }

  static double[] variance(double[][] g) {
    double[] m = mean(g);
    double[] v = new double[m.length];
    for (double[] row : g) {
      for (int j = 0; j < m.length; j++) {
        v[j] += (row[j] - m[j]) * (row[j] - m[j]) / (g.length - 1);
      }
    }
    return v;
  }

  static double totalVariance(double[][] g) {
    double s = 0;
    for (double v : variance(g)) {
      s += v;
    }
    return s;
  }

  /** Asserts every component's mean lies within 4 standard errors of {@code target}; prints the z-scores. */
  static void assertMeanWithinFourSe(String what, double[][] g, double[] target) {
    double[] m = mean(g);
    double[] v = variance(g);
    StringBuilder zs = new StringBuilder();
    double worst = 0;
    for (int j = 0; j < m.length; j++) {
      double z = (m[j] - target[j]) / Math.sqrt(v[j] / g.length);
      zs.append(String.format(" %.2f", z));
      worst = Math.max(worst, Math.abs(z));
    }
    System.out.println(what + ": z-scores" + zs);
    double w = worst;
    assertTrue(w <= 4, () -> what + ": worst |z| = " + w + " (z-scores" + zs + ")");
  }

  /** Rows of a flat {@code [M, n]} gradient, each multiplied by {@code scale}. */
  static double[][] rows(float[] flat, int m, double scale) {
    int n = flat.length / m;
    double[][] out = new double[m][n];
    for (int r = 0; r < m; r++) {
      for (int j = 0; j < n; j++) {
        out[r][j] = flat[r * n + j] * scale;
      }
    }
    return out;
  }
}
