package dev.marginal.cli;

import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.DensityModel.Estimator;
import dev.marginal.density.DensityModel.ScoreOptions;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.models.DeepLvm;
import dev.marginal.plot.Box;
import dev.marginal.plot.DensityPlot;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Support;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code score --png}: a two-column model's log density as a heat map over the scored rows, which are drawn on top.
 * An exact density (GMM, PPCA) is drawn on a grid of {@value #EXACT_GRID}² cells; a deep LVM's is estimated by IWAE
 * with K = {@value #LVM_K} on {@value #LVM_GRID}² cells, as the demo draws them, whatever estimator scored the rows
 * (K = 5000 on every cell would take minutes); cells outside the support of an LVM fitted on a bounded one have zero
 * density.
 */
final class DensityPicture {
  static final int EXACT_GRID = 150;
  static final int LVM_GRID = 60;
  static final int LVM_K = 200;
  /** The rows drawn over the density, the first ones. */
  static final int MAX_POINTS = 5000;
  /** The margin around the rows, a fraction of their extent on each side. */
  private static final double MARGIN = 0.1;

  private DensityPicture() {}

  /**
   * Why the model's density cannot be drawn, if it cannot: asked before any scoring, so that {@code --png} is
   * refused before anything is written.
   */
  static Optional<String> cannotDraw(DensityModel model) {
    if (model.dim() != 2) {
      return Optional.of("--png draws a density over two columns; the model has " + model.dim());
    }
    if (model instanceof LvmDensityModel lvm && lvm.model().config().decoder() == DeepLvm.Decoder.BERNOULLI) {
      return Optional.of("--png draws a density over the plane; a bernoulli decoder's model is of binary values");
    }
    return Optional.empty();
  }

  /** Draws {@code model}'s log density over the rows of {@code x} (two columns) into {@code png}. */
  static void write(DensityModel model, Dataset x, RngKey key, Path png) throws IOException {
    float[] xs = column(x, 0);
    float[] ys = column(x, 1);
    Box box = frame(xs, ys);
    int beyond = 0;
    for (int i = 0; i < xs.length; i++) {
      if (!(xs[i] >= box.xmin() && xs[i] <= box.xmax() && ys[i] >= box.ymin() && ys[i] <= box.ymax())) {
        beyond++;
      }
    }
    boolean exact = model.defaultScoreOptions().estimator() == Estimator.EXACT;
    int cells = exact ? EXACT_GRID : LVM_GRID;
    ScoreOptions options = exact ? ScoreOptions.exact() : new ScoreOptions(Estimator.IWAE, LVM_K, 1, 1);
    float[] centres = DemoGrid.centres(box, cells);
    double[] logP = new double[cells * cells];
    Support support = model instanceof LvmDensityModel lvm ? lvm.support() : null;
    int[] inside = inside(centres, support);
    float[] scored = new float[2 * inside.length];
    for (int n = 0; n < inside.length; n++) {
      scored[2 * n] = centres[2 * inside[n]];
      scored[2 * n + 1] = centres[2 * inside[n] + 1];
    }
    Arrays.fill(logP, Double.NEGATIVE_INFINITY);
    if (inside.length > 0) {
      double[] values = model.logDensity(Dataset.of("the picture's grid", model.columns(), scored), options, key)
          .value();
      for (int n = 0; n < inside.length; n++) {
        logP[inside[n]] = values[n];
      }
    }
    double[][] grid = new double[cells][cells];
    for (int i = 0; i < cells; i++) {
      System.arraycopy(logP, i * cells, grid[i], 0, cells);
    }
    int shown = Math.min(MAX_POINTS, x.rows());
    String title = "log p(x) of the " + model.kind() + " model" + (exact ? "" : " (IWAE, K = " + LVM_K + ")")
        + " and " + (shown < x.rows() ? "the first " + shown + " of " : "") + CodesPicture.rows(x.rows())
        + (beyond > 0 ? " (" + beyond + " beyond the frame)" : "");
    DensityPlot.ofGrid(grid, box).withShading(DensityPlot.Shading.LOG_DENSITY)
        .withSamples(Arrays.copyOf(xs, shown), Arrays.copyOf(ys, shown)).withTitle(title)
        .withAxisLabels(model.columns().get(0), model.columns().get(1)).writePng(png);
  }

  /**
   * The region drawn: the rows' extent plus a margin, where from {@value #QUANTILE_ROWS} rows on each coordinate's
   * extent runs from its {@value #QUANTILE} to its 1 − {@value #QUANTILE} quantile, rounded inwards (at least the
   * most extreme value at each end is left out), so that a few far outliers do not shrink the data to a dot.
   */
  static Box frame(float[] xs, float[] ys) {
    Box box;
    if (xs.length >= QUANTILE_ROWS) {
      float[] qx = quantiles(xs);
      float[] qy = quantiles(ys);
      box = qx.length == qy.length ? Box.around(qx, qy, MARGIN) : Box.around(xs, ys, MARGIN);
    } else {
      box = Box.around(xs, ys, MARGIN);
    }
    return box == null ? Box.centred(1) : box;
  }

  /** Rows from which the frame drops the extreme quantiles. */
  static final int QUANTILE_ROWS = 100;
  /** The share of rows at each end of a coordinate that may fall beyond the frame. */
  static final double QUANTILE = 0.005;

  /** The {@value #QUANTILE} and 1 − {@value #QUANTILE} quantiles of the finite values, as two points' coordinate. */
  private static float[] quantiles(float[] v) {
    float[] sorted = new float[v.length];
    int n = 0;
    for (float f : v) {
      if (Float.isFinite(f)) {
        sorted[n++] = f;
      }
    }
    if (n == 0) {
      return new float[0];
    }
    Arrays.sort(sorted, 0, n);
    // Rounded inwards, so that from QUANTILE_ROWS rows on at least the most extreme value at each end is left out.
    int lo = (int) Math.ceil(QUANTILE * (n - 1));
    int hi = (int) Math.floor((1 - QUANTILE) * (n - 1));
    return new float[] {sorted[lo], sorted[hi]};
  }

  /** The indices of the points strictly inside {@code support} (all of them without one). */
  private static int[] inside(float[] xy, Support support) {
    int n = xy.length / 2;
    if (support == null || support.isReal()) {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      return all;
    }
    return java.util.stream.IntStream.range(0, n)
        .filter(i -> support.interiorContains(new float[] {xy[2 * i], xy[2 * i + 1]})).toArray();
  }

  private static float[] column(Dataset d, int j) {
    return DemoGrid.column(d.values(), d.cols(), j);
  }
}
