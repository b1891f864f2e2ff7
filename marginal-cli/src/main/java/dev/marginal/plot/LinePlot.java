package dev.marginal.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line plots of named series against a shared x axis, such as training curves (objective against step or
 * epoch), drawn with XChart. Non-finite values leave gaps in a line; with a log-scale y axis, values that are not
 * positive do too (plot a negated objective, such as the negative ELBO, to use one). Immutable: every
 * {@code withX} returns a new plot.
 *
 * <pre>{@code
 * LinePlot.titled("training").withAxisLabels("step", "-ELBO (nats)").withSeries("train", trainLoss)
 *     .withSeries("test", testSteps, testLoss).withLogY(true).writePng(dir.resolve("curves.png"));
 * }</pre>
 */
public final class LinePlot {
  static {
    Png.init();
  }

  /** Default image size in pixels. */
  public static final int DEFAULT_WIDTH = 720;
  public static final int DEFAULT_HEIGHT = 440;
  private static final float LINE_WIDTH = 1.6f;
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
   * Writes the plot as a PNG, atomically.
   *
   * @throws IllegalArgumentException if no series has a point that can be shown
   */
  public void writePng(Path target) throws IOException {
    Png.write(render(), target);
  }

  private BufferedImage render() {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel)
        .yAxisTitle(yLabel).build();
    style(chart.getStyler());
    int shown = 0;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double[] ys = shownValues(s.ys());
      // XChart cannot scale an axis to a series with no finite point: such a series is named but not drawn.
      boolean empty = !hasFinite(ys);
      XYSeries line = empty
          ? chart.addSeries(s.name() + " (nothing to show)", new double[] {Double.NaN}, new double[] {Double.NaN})
          : chart.addSeries(s.name(), s.xs(), ys);
      line.setMarker(SeriesMarkers.NONE);
      line.setLineColor(PALETTE[i % PALETTE.length]);
      line.setLineStyle(new BasicStroke(LINE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      shown += empty ? 0 : 1;
    }
    if (shown == 0) {
      throw new IllegalArgumentException("line plot '" + title + "' has no finite point to show");
    }
    return BitmapEncoder.getBufferedImage(chart);
  }

  private void style(org.knowm.xchart.style.XYStyler styler) {
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotBorderColor(Axes.FRAME_COLOR);
    styler.setPlotGridLinesColor(new Color(0xE4, 0xE4, 0xE4));
    styler.setChartFontColor(Axes.TEXT_COLOR);
    styler.setChartTitleFont(Png.TITLE_FONT);
    styler.setChartTitleBoxVisible(false);
    styler.setAxisTitleFont(Png.LABEL_FONT);
    styler.setAxisTickLabelsFont(Png.TICK_FONT);
    styler.setLegendFont(Png.TICK_FONT);
    styler.setLegendPosition(Styler.LegendPosition.InsideNE);
    styler.setLegendBorderColor(new Color(0xBB, 0xBB, 0xBB));
    styler.setLegendVisible(series.size() > 1);
    styler.setYAxisLogarithmic(logY);
    styler.setChartPadding(12);
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
