package dev.marginal.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Line plots of named series against a shared x axis, such as training curves (objective against step or
 * epoch), drawn on the same {@link Axes} as the package's other pictures. Non-finite values leave gaps in a line (a
 * point with a gap on both sides is drawn as a dot); with a log-scale y axis, values that are not positive do too
 * (plot a negated objective, such as the negative ELBO, to use one). The x axis spans the data exactly; the y axis
 * adds 5% of the data's range (of its decades, on a log axis) above and below. Immutable: every
 * {@code withX} returns a new plot.
 *
 * <pre>{@code
 * LinePlot.titled("training").withAxisLabels("step", "-ELBO (nats)").withSeries("train", trainLoss)
 *     .withSeries("test", testSteps, testLoss).withLogY(true).writePng(dir.resolve("curves.png"));
 * }</pre>
 */
public final class LinePlot implements Panel {
  static {
    Png.init();
  }

  /** Default image size in pixels. */
  public static final int DEFAULT_WIDTH = 720;
  public static final int DEFAULT_HEIGHT = 440;
  private static final float LINE_WIDTH = 1.6f;
  /** Share of the y range added above and below the data. */
  private static final double Y_MARGIN = 0.05;
  /** Diameter in pixels of a point drawn alone (both neighbours are gaps). */
  private static final double DOT_DIAMETER = 4.0;
  /** Series colours: Tableau's "tab10" palette, cycled. */
  private static final Color[] PALETTE = {
      new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728), new Color(0x9467BD),
      new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F), new Color(0xBCBD22), new Color(0x17BECF)};

  private record Series(String name, double[] xs, double[] ys) {}

  private final String title;
  private final List<Series> series;
  private final String xLabel;
  private final String yLabel;
  private final boolean logY;
  private final int width;
  private final int height;

  private LinePlot(String title, List<Series> series, String xLabel, String yLabel, boolean logY, int width,
      int height) {
    this.title = title;
    this.series = List.copyOf(series);
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.logY = logY;
    this.width = width;
    this.height = height;
  }

  /** An empty plot with a title; add at least one series before writing. */
  public static LinePlot titled(String title) {
    return new LinePlot(Objects.requireNonNull(title), List.of(), "step", "", false, DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  /** Adds a series whose i-th value is plotted at {@code x = i + 1} (step or epoch counted from 1). */
  public LinePlot withSeries(String name, double[] ys) {
    double[] xs = new double[ys.length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i + 1;
    }
    return withSeries(name, xs, ys);
  }

  /**
   * Adds a series.
   *
   * @param name legend entry, unique within the plot
   * @param xs x values, {@code [n]}, finite (ascending for a sensible line)
   * @param ys y values, {@code [n]}; NaN or infinite values leave a gap
   */
  public LinePlot withSeries(String name, double[] xs, double[] ys) {
    Objects.requireNonNull(name);
    if (xs.length != ys.length) {
      throw new IllegalArgumentException("series '" + name + "': xs and ys differ in length: " + xs.length
          + " vs " + ys.length);
    }
    for (double x : xs) {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("series '" + name + "': x values must be finite, got " + x);
      }
    }
    if (series.stream().anyMatch(s -> s.name().equals(name))) {
      throw new IllegalArgumentException("duplicate series name '" + name + "'");
    }
    List<Series> more = new ArrayList<>(series);
    more.add(new Series(name, xs.clone(), ys.clone()));
    return new LinePlot(title, more, xLabel, yLabel, logY, width, height);
  }

  /** Sets the axis labels (the x label defaults to "step"). */
  public LinePlot withAxisLabels(String xLabel, String yLabel) {
    return new LinePlot(title, series, Objects.requireNonNull(xLabel), Objects.requireNonNull(yLabel), logY, width,
        height);
  }

  /** With {@code true}, the y axis is logarithmic; values that are not positive are then left out. */
  public LinePlot withLogY(boolean logY) {
    return new LinePlot(title, series, xLabel, yLabel, logY, width, height);
  }

  /** Sets the image size in pixels. */
  public LinePlot withSize(int width, int height) {
    Png.checkSize(width, height);
    return new LinePlot(title, series, xLabel, yLabel, logY, width, height);
  }

  /**
   * Writes the plot as a PNG of the configured size, atomically.
   *
   * @throws IllegalArgumentException if no series has a point that can be shown
   */
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

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if no series has a point that can be shown
   */
  @Override
  public void renderTo(Graphics2D g, Rectangle area) {
    List<double[]> shown = shown();
    Axes axes = Axes.layout(area, range(shown), logY, !title.isEmpty(), false, 0);
    axes.drawGrid(g);
    List<Color> colors = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      Color colour = PALETTE[i % PALETTE.length];
      if (hasFinite(shown.get(i))) {
        drawLine(g, axes, series.get(i).xs(), shown.get(i), colour);
      }
      colors.add(colour);
    }
    axes.drawFrame(g, xLabel, yLabel);
    Axes.drawTitle(g, area, title);
    if (series.size() > 1) {
      List<String> names = legendNames(shown);
      axes.drawLegend(g, names, colors, Axes.LegendMark.LINE, legendBounds(axes, names, shown));
    }
  }

  /** The pixel rectangle the legend takes when the plot is drawn in {@code area}; empty when it has no legend. */
  Rectangle legendBounds(Rectangle area) {
    List<double[]> shown = shown();
    Axes axes = Axes.layout(area, range(shown), logY, !title.isEmpty(), false, 0);
    return series.size() > 1 ? legendBounds(axes, legendNames(shown), shown) : new Rectangle();
  }

  /** Each series' values as drawn (see {@link #shownValues}). */
  private List<double[]> shown() {
    List<double[]> shown = new ArrayList<>();
    for (Series s : series) {
      shown.add(shownValues(s.ys()));
    }
    return shown;
  }

  private List<String> legendNames(List<double[]> shown) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      names.add(hasFinite(shown.get(i)) ? series.get(i).name() : series.get(i).name() + " (nothing to show)");
    }
    return names;
  }

  /** Where the legend crosses the fewest line segments (see {@link Axes#placeLegend}). */
  private Rectangle legendBounds(Axes axes, List<String> names, List<double[]> shown) {
    return axes.placeLegend(names, Axes.LegendMark.LINE, r -> {
      int covered = 0;
      for (int i = 0; i < series.size(); i++) {
        covered += segmentsCrossing(r, axes, series.get(i).xs(), shown.get(i));
      }
      return covered;
    });
  }

  /** Number of the drawn segments (and lone dots) of one series that touch {@code r}. */
  private static int segmentsCrossing(Rectangle r, Axes axes, double[] xs, double[] ys) {
    int n = 0;
    for (int k = 0; k < ys.length; k++) {
      if (Double.isNaN(ys[k])) {
        continue;
      }
      double x0 = axes.px(xs[k]);
      double y0 = axes.py(ys[k]);
      if (k + 1 < ys.length && !Double.isNaN(ys[k + 1])) {
        n += r.intersectsLine(x0, y0, axes.px(xs[k + 1]), axes.py(ys[k + 1])) ? 1 : 0;
      } else if (r.contains(x0, y0)) {
        n++;
      }
    }
    return n;
  }

  /**
   * The region shown: x from the smallest to the largest x of a shown point, y over the shown values plus a margin
   * (in log10 units on a log axis); a unit wide where all points share a coordinate.
   */
  private Box range(List<double[]> shown) {
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < series.size(); i++) {
      double[] xs = series.get(i).xs();
      double[] ys = shown.get(i);
      for (int k = 0; k < ys.length; k++) {
        if (!Double.isNaN(ys[k])) {
          double y = logY ? Math.log10(ys[k]) : ys[k];
          x0 = Math.min(x0, xs[k]);
          x1 = Math.max(x1, xs[k]);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
    }
    if (x0 > x1) {
      throw new IllegalArgumentException("line plot '" + title + "' has no finite point to show");
    }
    double my = y1 > y0 ? Y_MARGIN * (y1 - y0) : 0.5;
    return new Box(x1 > x0 ? x0 : x0 - 0.5, x1 > x0 ? x1 : x1 + 0.5, y0 - my, y1 + my);
  }

  /** Draws one series as a polyline broken at NaN values, clipped to the frame. */
  private static void drawLine(Graphics2D g, Axes axes, double[] xs, double[] ys, Color colour) {
    Shape savedClip = g.getClip();
    g.clip(axes.plot);
    g.setColor(colour);
    g.setStroke(new BasicStroke(LINE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Path2D.Double path = new Path2D.Double();
    for (int k = 0; k < ys.length; k++) {
      if (Double.isNaN(ys[k])) {
        continue;
      }
      double px = axes.px(xs[k]);
      double py = axes.py(ys[k]);
      boolean joinsPrevious = k > 0 && !Double.isNaN(ys[k - 1]);
      boolean joinsNext = k + 1 < ys.length && !Double.isNaN(ys[k + 1]);
      if (joinsPrevious) {
        path.lineTo(px, py);
      } else if (joinsNext) {
        path.moveTo(px, py);
      } else {
        g.fill(new Ellipse2D.Double(px - DOT_DIAMETER / 2, py - DOT_DIAMETER / 2, DOT_DIAMETER, DOT_DIAMETER));
      }
    }
    g.draw(path);
    g.setStroke(new BasicStroke(1f));
    g.setClip(savedClip);
  }

  /** {@code ys} with every value that cannot be drawn on this y axis replaced by NaN (a gap). */
  private double[] shownValues(double[] ys) {
    double[] out = ys.clone();
    for (int i = 0; i < out.length; i++) {
      if (!Double.isFinite(out[i]) || (logY && out[i] <= 0)) {
        out[i] = Double.NaN;
      }
    }
    return out;
  }

  private static boolean hasFinite(double[] ys) {
    for (double y : ys) {
      if (Double.isFinite(y)) {
        return true;
      }
    }
    return false;
  }
}
