package dev.marginal.cli;

import dev.marginal.io.IoErrors;
import dev.marginal.models.DeepLvm;
import dev.marginal.plot.Box;
import dev.marginal.plot.DensityPlot;
import dev.marginal.plot.Panel;
import dev.marginal.plot.PanelRow;
import dev.marginal.plot.ScatterPlot;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.tensor.Tensor;
import dev.marginal.train.Surrogates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The picture of a reverse-KL fit: the target (its log density on a grid for 2-D targets, normalized where its log Z
 * is known, else exact samples of the first two coordinates) beside samples from the surrogate, on the target's
 * plotting box.
 */
final class TargetPictures {
  /** Grid cells per side of the target density. */
  static final int GRID = 160;
  /** Points drawn per scatter panel. */
  static final int POINTS = 3000;

  private TargetPictures() {}

  /** As {@link #write(Path, Target, DeepLvm, long, String)} for a reverse-KL fit. */
  static void write(Path png, Target target, DeepLvm surrogate, long seed) {
    write(png, target, surrogate, seed, "reverse-KL");
  }

  /** The picture, titled "{@code how} fit to" the target ("reverse-KL", "forward-KL"). */
  static void write(Path png, Target target, DeepLvm surrogate, long seed, String how) {
    double[] b = target.box();
    Box box = new Box(b[0], b[1], b[2], b[3]);
    List<Panel> panels = new ArrayList<>();
    if (target.dim() == 2) {
      panels.add(DensityPlot.ofGrid(logDensityGrid(target, box), box).withShading(DensityPlot.Shading.LOG_DENSITY)
          .withTitle("target " + target.name() + ", log density").withAxisLabels("x0", "x1"));
    } else if (target.hasSampler()) {
      Tensor exact = target.sample(RngKey.of(seed).foldIn(2), POINTS);
      panels.add(ScatterPlot.of("exact samples", column(exact, 0), column(exact, 1)).withBox(box)
          .withTitle("target " + target.name() + " (first two coordinates)").withAxisLabels("x0", "x1"));
    }
    Tensor x = Surrogates.sample(surrogate, target, RngKey.of(seed).foldIn(1), POINTS);
    panels.add(ScatterPlot.of("surrogate samples", column(x, 0), column(x, 1)).withBox(box)
        .withEqualAspect(true).withTitle("surrogate samples").withAxisLabels("x0", "x1"));
    try {
      PanelRow.of(panels).withTitle(how + " fit to " + target.name()).writePng(png);
    } catch (IOException e) {
      throw new UncheckedIOException(png + ": cannot write (" + IoErrors.reason(e) + ")", e);
    }
  }

  /**
   * log p on a GRID×GRID grid of cell centres, row 0 at the bottom, in one batch: log p̃ − log Z where the target
   * knows its log Z, else log p̃.
   */
  static double[][] logDensityGrid(Target target, Box box) {
    float[] pts = new float[GRID * GRID * 2];
    for (int r = 0; r < GRID; r++) {
      for (int c = 0; c < GRID; c++) {
        int i = (r * GRID + c) * 2;
        pts[i] = (float) (box.xmin() + (c + 0.5) * (box.xmax() - box.xmin()) / GRID);
        pts[i + 1] = (float) (box.ymin() + (r + 0.5) * (box.ymax() - box.ymin()) / GRID);
      }
    }
    float[] lp = target.logDensity(Tensor.wrap(pts, GRID * GRID, 2)).buffer();
    double logZ = target.logZ().orElse(0);
    double[][] grid = new double[GRID][GRID];
    for (int r = 0; r < GRID; r++) {
      for (int c = 0; c < GRID; c++) {
        grid[r][c] = lp[r * GRID + c] - logZ;
      }
    }
    return grid;
  }

  static float[] column(Tensor t, int j) {
    int n = t.dim(0);
    int d = t.dim(1);
    float[] v = t.buffer();
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = v[i * d + j];
    }
    return out;
  }
}
