package dev.marginal.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line plots of named series against a shared x axis, such as training curves (objective against step or
 * epoch), drawn with JFreeChart. Non-finite values leave gaps in a line; with a log-scale y axis, values that are not
 * positive do too (plot a negated objective, such as the negative ELBO, to use one). Immutable: every
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
    JFreeChart chart = chart();
    BufferedImage image = Png.newCanvas(width, height);
    Graphics2D g = Png.graphics(image);
    try {
      chart.draw(g, new Rectangle(0, 0, width, height));
    } finally {
      g.dispose();
    }
    Png.write(image, target);
  }

  @Override
  public void renderTo(Graphics2D g, Rectangle area) {
    chart().draw(g, area);
  }

  private JFreeChart chart() {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    int shown = 0;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double[] ys = shownValues(s.ys());
      boolean empty = !hasFinite(ys);
      // NaN breaks the line: the renderer draws no segment with a NaN end.
      XYSeries line = new XYSeries(empty ? s.name() + " (nothing to show)" : s.name(), false, true);
      for (int k = 0; k < ys.length; k++) {
        line.add(s.xs()[k], ys[k]);
      }
      data.addSeries(line);
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(LINE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      shown += empty ? 0 : 1;
    }
    if (shown == 0) {
      throw new IllegalArgumentException("line plot '" + title + "' has no finite point to show");
    }
    XYPlot plot = new XYPlot(data, axis(xLabel, false), axis(yLabel, logY), renderer);
    stylePlot(plot);
    JFreeChart chart = new JFreeChart(plot);
    chart.removeLegend();
    chart.setBackgroundPaint(Color.WHITE);
    chart.setPadding(new RectangleInsets(6, 6, 6, 12));
    if (!title.isEmpty()) {
      chart.setTitle(new TextTitle(title, Png.TITLE_FONT));
      chart.getTitle().setPaint(Axes.TEXT_COLOR);
    }
    if (series.size() > 1) {
      plot.addAnnotation(legend(plot));
    }
    return chart;
  }

  private static ValueAxis axis(String label, boolean log) {
    ValueAxis axis;
    if (log) {
      LogAxis logAxis = new LogAxis(label);
      logAxis.setSmallestValue(Double.MIN_NORMAL);
      // Plain values ("112", "0.05") read more easily than JFreeChart's default powers of ten ("10^2.05").
      logAxis.setNumberFormatOverride(new SignificantFormat());
      axis = logAxis;
    } else {
      NumberAxis numberAxis = new NumberAxis(label);
      numberAxis.setAutoRangeIncludesZero(false);
      axis = numberAxis;
    }
    axis.setLabelFont(Png.LABEL_FONT);
    axis.setTickLabelFont(Png.TICK_FONT);
    axis.setLabelPaint(Axes.TEXT_COLOR);
    axis.setTickLabelPaint(Axes.TEXT_COLOR);
    axis.setAxisLinePaint(Axes.FRAME_COLOR);
    axis.setTickMarkPaint(Axes.FRAME_COLOR);
    return axis;
  }

  private static void stylePlot(XYPlot plot) {
    Color grid = new Color(0xE2, 0xE2, 0xE2);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlinePaint(Axes.FRAME_COLOR);
    plot.setDomainGridlinePaint(grid);
    plot.setRangeGridlinePaint(grid);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
  }

  /** The legend, drawn inside the plot's top-right corner so that it takes no room from the lines' area. */
  private static XYTitleAnnotation legend(XYPlot plot) {
    LegendTitle legend = new LegendTitle(plot);
    legend.setItemFont(Png.TICK_FONT);
    legend.setItemPaint(Axes.TEXT_COLOR);
    legend.setBackgroundPaint(new Color(255, 255, 255, 225));
    legend.setFrame(new BlockBorder(new Color(0xBB, 0xBB, 0xBB)));
    legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 6));
    legend.setPosition(RectangleEdge.RIGHT);
    XYTitleAnnotation annotation = new XYTitleAnnotation(0.99, 0.98, legend, RectangleAnchor.TOP_RIGHT);
    annotation.setMaxWidth(0.5);
    return annotation;
  }

  /** Formats a tick value to {@link #DIGITS} significant digits, as {@link Ticks#label} writes it. */
  private static final class SignificantFormat extends NumberFormat {
    private static final long serialVersionUID = 1L;
    private static final int DIGITS = 3;

    @Override
    public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
      double rounded = number == 0 || !Double.isFinite(number) ? number
          : new BigDecimal(number).round(new MathContext(DIGITS)).doubleValue();
      return to.append(Ticks.label(rounded));
    }

    @Override
    public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
      return format((double) number, to, pos);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      throw new UnsupportedOperationException("formatting only");
    }
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
