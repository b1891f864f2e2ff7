package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DensityPlotTest {
  private static final Box BOX = Box.centred(3);

  /** Log density of a unit-variance normal centred at (1, 1). */
  private static double bump(double x, double y) {
    return -0.5 * ((x - 1) * (x - 1) + (y - 1) * (y - 1)) - Math.log(2 * Math.PI);
  }

  private static Axes axesOf(int width, int height, boolean hasTitle) {
    return Axes.layout(new Rectangle(0, 0, width, height), BOX, hasTitle, true, ColorBar.RESERVED_WIDTH);
  }

  @Test
  void denseRegionIsBrighterThanEmptyRegion(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("bump.png");
    DensityPlot.of(DensityPlotTest::bump, BOX, 120).withTitle("bump").withAxisLabels("x1", "x2").writePng(png);
    BufferedImage image = Pictures.read(png);
    assertEquals(DensityPlot.DEFAULT_WIDTH, image.getWidth());
    assertEquals(DensityPlot.DEFAULT_HEIGHT, image.getHeight());
    Axes axes = axesOf(image.getWidth(), image.getHeight(), true);
    double dense = Pictures.luma(image, axes.px(1), axes.py(1));
    double empty = Pictures.luma(image, axes.px(-2.5), axes.py(-2.5));
    assertTrue(dense > empty + 100, "dense " + dense + " vs empty " + empty);
    assertTrue(Pictures.distinctColours(image) > 50, "a heat map has many colours");
  }

  @Test
  void gridRowZeroIsTheBottomOfThePicture(@TempDir Path dir) throws Exception {
    double[][] grid = new double[10][10];
    for (int i = 0; i < 10; i++) {
      java.util.Arrays.fill(grid[i], i == 0 ? 0.0 : Double.NEGATIVE_INFINITY);
    }
    Path png = dir.resolve("grid.png");
    DensityPlot.ofGrid(grid, BOX).withSize(400, 360).writePng(png);
    BufferedImage image = Pictures.read(png);
    Axes axes = axesOf(400, 360, false);
    double bottom = Pictures.luma(image, axes.px(0), axes.py(-2.85));
    double top = Pictures.luma(image, axes.px(0), axes.py(2.85));
    assertTrue(bottom > top + 100, "bottom " + bottom + " vs top " + top);
  }

  @Test
  void logShadingLiftsTheTails(@TempDir Path dir) throws Exception {
    Path lin = dir.resolve("density.png");
    Path log = dir.resolve("log.png");
    DensityPlot plot = DensityPlot.of(DensityPlotTest::bump, BOX, 80);
    plot.writePng(lin);
    plot.withShading(DensityPlot.Shading.LOG_DENSITY).writePng(log);
    Axes axes = axesOf(DensityPlot.DEFAULT_WIDTH, DensityPlot.DEFAULT_HEIGHT, false);
    double x = axes.px(-1.5);
    double y = axes.py(-1.5);
    assertTrue(Pictures.luma(Pictures.read(log), x, y) > Pictures.luma(Pictures.read(lin), x, y) + 30);
  }

  @Test
  void samplesAreDrawnOverTheHeatMap(@TempDir Path dir) throws Exception {
    float[] xs = new float[200];
    float[] ys = new float[200];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = -2f + 0.002f * i;
      ys[i] = 2f;
    }
    Path png = dir.resolve("samples.png");
    DensityPlot.of(DensityPlotTest::bump, BOX, 60).withSamples(xs, ys).writePng(png);
    assertTrue(Pictures.countNear(Pictures.read(png), new Color(0xF0, 0x3C, 0x5A), 60) > 10);
  }

  @Test
  void nonFiniteGridsStillRender(@TempDir Path dir) throws Exception {
    double[][] grid = {{Double.NaN, Double.NEGATIVE_INFINITY}, {Double.NEGATIVE_INFINITY, 800.0}};
    DensityPlot.ofGrid(grid, BOX).writePng(dir.resolve("odd.png"));
    DensityPlot.ofGrid(grid, BOX).withShading(DensityPlot.Shading.LOG_DENSITY).writePng(dir.resolve("odd2.png"));
    assertTrue(Pictures.distinctColours(Pictures.read(dir.resolve("odd.png"))) > 5);
  }

  @Test
  void raggedGridIsRejected() {
    double[][] ragged = {{0, 0}, {0}};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DensityPlot.ofGrid(ragged, BOX));
    assertTrue(e.getMessage().contains("ragged"), e.getMessage());
  }
}
