package dev.marginal.data;

import dev.marginal.io.Untrusted;

/**
 * The check that the numbers handed to a fit, a score or an encoding are finite. NaN or an infinity would otherwise
 * surface far from its cause (a run that "diverges", scores that are NaN); the message names the first point and
 * column that hold one. CSV input never does ({@link CsvReader} refuses such values); data built in code can.
 */
public final class FiniteValues {
  private FiniteValues() {}

  /**
   * Returns {@code data} after checking that every value is finite.
   *
   * @throws DataException naming the source, the point (row, from 0) and the column of the first NaN or infinity
   */
  public static Dataset require(Dataset data) {
    float[] v = data.values();
    int d = data.cols();
    for (int k = 0; k < v.length; k++) {
      if (!Float.isFinite(v[k])) {
        throw new DataException(data.source() + ": "
            + problem(k / d, Untrusted.quoted(data.columns().get(k % d)), v[k]));
      }
    }
    return data;
  }

  /**
   * Returns {@code points} ({@code [n][d]}) after checking that every coordinate is finite.
   *
   * @throws IllegalArgumentException naming the point and the column (both from 0) of the first NaN or infinity
   */
  public static double[][] require(double[][] points) {
    for (int i = 0; i < points.length; i++) {
      for (int j = 0; j < points[i].length; j++) {
        if (!Double.isFinite(points[i][j])) {
          throw new IllegalArgumentException(problem(i, String.valueOf(j), points[i][j]));
        }
      }
    }
    return points;
  }

  private static String problem(int point, String column, double value) {
    return "point " + point + " has a non-finite coordinate " + value + " in column " + column;
  }
}
