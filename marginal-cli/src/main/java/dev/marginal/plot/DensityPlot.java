package dev.marginal.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.DoubleBinaryOperator;

/**
 * A heat map of a 2-D density over a box, coloured with viridis, with an optional overlay of sample points and a
 * colour bar. The density is given in log space, as a grid or as a function evaluated at cell centres. Shown as
 * the density itself ({@link Shading#DENSITY}) or as the log density ({@link Shading#LOG_DENSITY}), which brings
 * out tails; the log scale spans at most {@link #DEFAULT_LOG_RANGE} nats below the maximum. Immutable: every
 * {@code withX} returns a new plot.
 *
 * <pre>{@code
 * DensityPlot.of(target::logProb, Box.centred(4), 200).withTitle("target density")
 *     .withSamples(xs, ys).writePng(dir.resolve("target.png"));
 * }</pre>
 */
public final class DensityPlot implements Panel {
  static {
    Png.init();
  }

  /** What the colours stand for. */
  public enum Shading {
    /** {@code p(x)}: mass shows, tails fade to the low end of the map. */
    DENSITY,
    /** {@code log p(x)}, floored at the maximum minus the log range. */
    LOG_DENSITY
  }

  /** Default image size in pixels. */
  public static final int DEFAULT_WIDTH = 620;
  public static final int DEFAULT_HEIGHT = 520;
  /** Grid cells per side when the density is given as a function and no resolution is chosen. */
  public static final int DEFAULT_RESOLUTION = 200;
  /** How far below its maximum, in nats, a log-density plot reaches before flooring. */
  public static final double DEFAULT_LOG_RANGE = 12.0;
  /** Cells whose log density is NaN: light grey, so that they are not mistaken for low density. */
  private static final Color UNDEFINED = new Color(0xD0, 0xD0, 0xD0);
  /** Sample overlay colour: reads against both the dark and the bright end of viridis. */
  private static final Color SAMPLE_COLOR = new Color(0xF0, 0x3C, 0x5A);

  private final double[][] logDensity;
  private final Box box;
  private final Shading shading;
  private final float[] sampleXs;
  private final float[] sampleYs;
  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final int width;
  private final int height;

  private DensityPlot(double[][] logDensity, Box box, Shading shading, float[] sampleXs, float[] sampleYs,
      String title, String xLabel, String yLabel, int width, int height) {
    this.logDensity = logDensity;
    this.box = box;
    this.shading = shading;
    this.sampleXs = sampleXs;
    this.sampleYs = sampleYs;
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.width = width;
    this.height = height;
  }

  /**
   * A plot of a log density given on a grid of cells covering {@code box}.
   *
   * @param logDensity {@code [ny][nx]}, nats; row {@code i}, column {@code j} is the cell centred at
   *     {@code x = xmin + (j + 0.5) (xmax - xmin) / nx}, {@code y = ymin + (i + 0.5) (ymax - ymin) / ny}, so row 0
   *     is the bottom of the picture. {@code -∞} is zero density; NaN is drawn grey. Copied.
   * @param box the region the grid covers
   */
  public static DensityPlot ofGrid(double[][] logDensity, Box box) {
    int nx = logDensity.length == 0 ? 0 : logDensity[0].length;
    if (nx == 0) {
      throw new IllegalArgumentException("log-density grid is empty");
    }
    double[][] copy = new double[logDensity.length][];
    for (int i = 0; i < logDensity.length; i++) {
      if (logDensity[i].length != nx) {
        throw new IllegalArgumentException("log-density grid is ragged: row " + i + " has "
            + logDensity[i].length + " cells, row 0 has " + nx);
      }
      copy[i] = logDensity[i].clone();
    }
    return new DensityPlot(copy, Objects.requireNonNull(box), Shading.DENSITY, new float[0], new float[0], "", "",
        "", DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  /**
   * A plot of {@code logDensity(x, y)} evaluated at the centres of a {@code resolution × resolution} grid over
   * {@code box}.
   */
  public static DensityPlot of(DoubleBinaryOperator logDensity, Box box, int resolution) {
    if (resolution < 2 || resolution > Png.MAX_SIDE) {
      throw new IllegalArgumentException("resolution must be in [2, " + Png.MAX_SIDE + "], got " + resolution);
    }
    double[][] grid = new double[resolution][resolution];
    for (int i = 0; i < resolution; i++) {
      double y = box.ymin() + (i + 0.5) * box.height() / resolution;
      for (int j = 0; j < resolution; j++) {
        grid[i][j] = logDensity.applyAsDouble(box.xmin() + (j + 0.5) * box.width() / resolution, y);
      }
    }
    return ofGrid(grid, box);
  }

  /** Like {@link #of(DoubleBinaryOperator, Box, int)} at {@link #DEFAULT_RESOLUTION} cells per side. */
  public static DensityPlot of(DoubleBinaryOperator logDensity, Box box) {
    return of(logDensity, box, DEFAULT_RESOLUTION);
  }

  /** Chooses whether colours show the density or the log density (default {@link Shading#DENSITY}). */
  public DensityPlot withShading(Shading shading) {
    return new DensityPlot(logDensity, box, Objects.requireNonNull(shading), sampleXs, sampleYs, title, xLabel,
        yLabel, width, height);
  }

  /** Overlays sample points, {@code [n]} each; points outside the box are clipped. */
  public DensityPlot withSamples(float[] xs, float[] ys) {
    Points.checkSameLength(xs, ys);
    return new DensityPlot(logDensity, box, shading, xs.clone(), ys.clone(), title, xLabel, yLabel, width, height);
  }

  /** Sets the title drawn above the frame. */
  public DensityPlot withTitle(String title) {
    return new DensityPlot(logDensity, box, shading, sampleXs, sampleYs, Objects.requireNonNull(title), xLabel,
        yLabel, width, height);
  }

  /** Sets the axis labels. */
  public DensityPlot withAxisLabels(String xLabel, String yLabel) {
    return new DensityPlot(logDensity, box, shading, sampleXs, sampleYs, title, Objects.requireNonNull(xLabel),
        Objects.requireNonNull(yLabel), width, height);
  }

  /** Sets the size of the PNG written by {@link #writePng}, in pixels. */
  public DensityPlot withSize(int width, int height) {
    Png.checkSize(width, height);
    return new DensityPlot(logDensity, box, shading, sampleXs, sampleYs, title, xLabel, yLabel, width, height);
  }

  /** Writes the plot as a PNG of the configured size, atomically. */
  public void writePng(Path target) throws IOException {
    BufferedImage image = Png.newCanvas(width, height);
    Graphics2D g = Png.graphics(image);
    try {
      renderTo(g, new Rectangle(0, 0, width, height));
    } finally {
      g.dispose();
    }
    Png.write(image, target);
  }

  @Override
  public void renderTo(Graphics2D g, Rectangle area) {
    Axes axes = Axes.layout(area, box, !title.isEmpty(), true, ColorBar.RESERVED_WIDTH);
    Range range = colourRange();
    Object savedInterpolation = g.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    Rectangle p = axes.plot;
    g.drawImage(heatImage(range), p.x, p.y, p.width, p.height, null);
    if (savedInterpolation != null) {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, savedInterpolation);
    }
    Points.draw(g, axes, sampleXs, sampleYs, SAMPLE_COLOR);
    axes.drawFrame(g, xLabel, yLabel);
    Axes.drawTitle(g, area, title);
    ColorBar.draw(g, p, range.barLow(), range.barHigh(), range.label());
  }

  /** The grid as an image, one pixel a cell, top row highest y. */
  private BufferedImage heatImage(Range range) {
    int ny = logDensity.length;
    int nx = logDensity[0].length;
    BufferedImage heat = new BufferedImage(nx, ny, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < ny; i++) {
      for (int j = 0; j < nx; j++) {
        double l = logDensity[i][j];
        heat.setRGB(j, ny - 1 - i, Double.isNaN(l) ? UNDEFINED.getRGB() : Viridis.rgb(range.position(l)));
      }
    }
    return heat;
  }

  /**
   * How log densities map onto the colour map: {@code t = exp(l - max)} for densities (shifting by the maximum
   * keeps {@code exp} from overflowing), {@code t = (l - floor) / (max - floor)} for log densities.
   */
  private record Range(Shading shading, double max, double floor, double barLow, double barHigh, String label) {
    double position(double l) {
      return shading == Shading.DENSITY ? Math.exp(l - max) : (l - floor) / (max - floor);
    }
  }

  /** The colour map's ends; a grid with no finite value, or a flat one, gets a unit-wide range. */
  private Range colourRange() {
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    for (double[] row : logDensity) {
      for (double l : row) {
        if (Double.isFinite(l)) {
          max = Math.max(max, l);
          min = Math.min(min, l);
        }
      }
    }
    if (max == Double.NEGATIVE_INFINITY) {
      max = 0;
      min = 0;
    }
    if (shading == Shading.DENSITY) {
      double top = Math.exp(max);
      return Double.isFinite(top) && top > 0
          ? new Range(shading, max, 0, 0, top, "density")
          : new Range(shading, max, 0, 0, 1, "density / its maximum");
    }
    double floor = Math.max(min, max - DEFAULT_LOG_RANGE);
    if (!(floor < max)) {
      floor = max - 1;
    }
    return new Range(shading, max, floor, floor, max, "log density (nats)");
  }
}
