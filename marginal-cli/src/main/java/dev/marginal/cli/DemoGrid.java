package dev.marginal.cli;

import dev.marginal.plot.Box;

/** Grids of points for the demo's heat maps, in the layout {@link dev.marginal.plot.DensityPlot#ofGrid} reads. */
final class DemoGrid {
  private DemoGrid() {}

  /**
   * The centres of a {@code cells × cells} grid over {@code box}, row-major {@code [cells², 2]}: point
   * {@code i·cells + j} is the centre of row {@code i} (y, bottom first) and column {@code j} (x).
   */
  static float[] centres(Box box, int cells) {
    float[] xy = new float[2 * cells * cells];
    for (int i = 0; i < cells; i++) {
      double y = box.ymin() + (i + 0.5) * box.height() / cells;
      for (int j = 0; j < cells; j++) {
        int p = i * cells + j;
        xy[2 * p] = (float) (box.xmin() + (j + 0.5) * box.width() / cells);
        xy[2 * p + 1] = (float) y;
      }
    }
    return xy;
  }

  /** Values at the points of {@link #centres} as the {@code [cells][cells]} grid of a heat map. */
  static double[][] toGrid(double[] values, int cells) {
    if (values.length != cells * cells) {
      throw new IllegalArgumentException(values.length + " values for a " + cells + "x" + cells + " grid");
    }
    double[][] grid = new double[cells][cells];
    for (int i = 0; i < cells; i++) {
      System.arraycopy(values, i * cells, grid[i], 0, cells);
    }
    return grid;
  }

  /** Column {@code j} of row-major {@code [n, cols]} values. */
  static float[] column(float[] values, int cols, int j) {
    float[] c = new float[values.length / cols];
    for (int i = 0; i < c.length; i++) {
      c[i] = values[i * cols + j];
    }
    return c;
  }
}
