package dev.marginal.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A scatter plot of one or more sets of 2-D points, each in its own colour, e.g. 2000 samples of a fitted model
 * beside samples of the target. Immutable: every {@code withX} returns a new plot.
 *
 * <pre>{@code
 * ScatterPlot.of("surrogate", xs, ys).withPoints("target", tx, ty).withBox(Box.centred(4))
 *     .withTitle("samples").writePng(dir.resolve("samples.png"));
 * }</pre>
 */
public final class ScatterPlot implements Panel {
  static {
    Png.init();
  }

  /** Default image size in pixels. */
  public static final int DEFAULT_WIDTH = 560;
  public static final int DEFAULT_HEIGHT = 520;
  /** Share of the data's extent added on each side when no box is given. */
  private static final double AUTO_MARGIN = 0.05;
  /** Set colours: the first four of Tableau's "tab10" palette. */
  private static final Color[] PALETTE = {
      new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728)};

  private record PointSet(String label, float[] xs, float[] ys) {}

  private final List<PointSet> sets;
  private final Box box;
  private final boolean equalAspect;
  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final int width;
  private final int height;

  private ScatterPlot(List<PointSet> sets, Box box, boolean equalAspect, String title, String xLabel,
      String yLabel, int width, int height) {
    this.sets = List.copyOf(sets);
    this.box = box;
    this.equalAspect = equalAspect;
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.width = width;
    this.height = height;
  }

  /**
   * A plot of one unlabelled set of points.
   *
   * @param xs first coordinates, {@code [n]}; non-finite points are skipped
   * @param ys second coordinates, {@code [n]}
   */
  public static ScatterPlot of(float[] xs, float[] ys) {
    return of("", xs, ys);
  }

  /** A plot of one set of points named {@code label} in the legend (no legend if every label is empty). */
  public static ScatterPlot of(String label, float[] xs, float[] ys) {
    return new ScatterPlot(List.of(), null, false, "", "", "", DEFAULT_WIDTH, DEFAULT_HEIGHT)
        .withPoints(label, xs, ys);
  }

  /** Adds a further set of points, drawn over the earlier ones in the next colour (at most four sets). */
  public ScatterPlot withPoints(String label, float[] xs, float[] ys) {
    Points.checkSameLength(xs, ys);
    if (sets.size() == PALETTE.length) {
      throw new IllegalArgumentException("at most " + PALETTE.length + " point sets");
    }
    List<PointSet> more = new ArrayList<>(sets);
    more.add(new PointSet(Objects.requireNonNull(label), xs.clone(), ys.clone()));
    return new ScatterPlot(more, box, equalAspect, title, xLabel, yLabel, width, height);
  }

  /** Shows exactly {@code box} (points outside are clipped) instead of fitting the data. */
  public ScatterPlot withBox(Box box) {
    return new ScatterPlot(sets, Objects.requireNonNull(box), equalAspect, title, xLabel, yLabel, width, height);
  }

  /** With {@code true}, one unit spans as many pixels across as up, so shapes are not distorted. */
  public ScatterPlot withEqualAspect(boolean equalAspect) {
    return new ScatterPlot(sets, box, equalAspect, title, xLabel, yLabel, width, height);
  }

  /** Sets the title drawn above the frame. */
  public ScatterPlot withTitle(String title) {
    return new ScatterPlot(sets, box, equalAspect, Objects.requireNonNull(title), xLabel, yLabel, width, height);
  }

  /** Sets the axis labels. */
  public ScatterPlot withAxisLabels(String xLabel, String yLabel) {
    return new ScatterPlot(sets, box, equalAspect, title, Objects.requireNonNull(xLabel),
        Objects.requireNonNull(yLabel), width, height);
  }

  /** Sets the size of the PNG written by {@link #writePng}, in pixels. */
  public ScatterPlot withSize(int width, int height) {
    Png.checkSize(width, height);
    return new ScatterPlot(sets, box, equalAspect, title, xLabel, yLabel, width, height);
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
    Axes axes = Axes.layout(area, shownBox(), !title.isEmpty(), equalAspect, 0);
    List<String> names = new ArrayList<>();
    List<Color> colors = new ArrayList<>();
    for (int i = 0; i < sets.size(); i++) {
      PointSet s = sets.get(i);
      Points.draw(g, axes, s.xs(), s.ys(), PALETTE[i]);
      if (!s.label().isEmpty()) {
        names.add(s.label());
        colors.add(PALETTE[i]);
      }
    }
    axes.drawFrame(g, xLabel, yLabel);
    Axes.drawTitle(g, area, title);
    if (!names.isEmpty()) {
      axes.drawLegend(g, names, colors, Axes.LegendMark.DOT, legendCorner(axes, names));
    }
  }

  /**
   * The corner whose legend would cover the fewest points (top right on a tie, then top left, bottom right, bottom
   * left), so that the legend hides as little of the clouds as the corners allow.
   */
  private Axes.Corner legendCorner(Axes axes, List<String> names) {
    Axes.Corner best = Axes.Corner.TOP_RIGHT;
    int fewest = Integer.MAX_VALUE;
    for (Axes.Corner corner : Axes.Corner.values()) {
      Rectangle r = axes.legendBounds(names, Axes.LegendMark.DOT, corner);
      int covered = 0;
      for (PointSet s : sets) {
        for (int i = 0; i < s.xs().length; i++) {
          covered += r.contains(axes.px(s.xs()[i]), axes.py(s.ys()[i])) ? 1 : 0;
        }
      }
      if (covered < fewest) {
        fewest = covered;
        best = corner;
      }
    }
    return best;
  }

  private Box shownBox() {
    if (box != null) {
      return box;
    }
    Box fitted = null;
    for (PointSet s : sets) {
      Box b = Box.around(s.xs(), s.ys(), AUTO_MARGIN);
      fitted = fitted == null ? b : b == null ? fitted : fitted.union(b);
    }
    return fitted == null ? new Box(0, 1, 0, 1) : fitted;
  }
}
