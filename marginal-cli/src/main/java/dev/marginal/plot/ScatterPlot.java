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
  /** Pixels around a legend within which a point's dot would still be partly hidden by it. */
  private static final int DOT_MARGIN = 3;
  /** Set colours: Tableau's "tab10" palette. */
  private static final Color[] PALETTE = {
      new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728), new Color(0x9467BD),
      new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F), new Color(0xBCBD22), new Color(0x17BECF)};
  /** The most point sets a plot takes, one colour each. */
  public static final int MAX_SETS = PALETTE.length;

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

  /** Adds a further set of points, drawn over the earlier ones in the next colour (at most {@link #MAX_SETS}). */
  public ScatterPlot withPoints(String label, float[] xs, float[] ys) {
    Points.checkSameLength(xs, ys);
    if (sets.size() == PALETTE.length) {
      throw new IllegalArgumentException("at most " + PALETTE.length + " point sets");
    }
    List<PointSet> more = new ArrayList<>(sets);
    more.add(new PointSet(Objects.requireNonNull(label), xs.clone(), ys.clone()));
    return new ScatterPlot(more, box, equalAspect, title, xLabel, yLabel, width, height);
  }

  /**
   * Shows exactly {@code box} instead of fitting the data, for instance to share one region among the panels of a
   * figure. Points outside are clipped, and the legend says how many of each set ("surrogate (37 outside the
   * frame)").
   */
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
    Axes axes = axes(area);
    for (int i = 0; i < sets.size(); i++) {
      Points.draw(g, axes, sets.get(i).xs(), sets.get(i).ys(), PALETTE[i]);
    }
    axes.drawFrame(g, xLabel, yLabel);
    Axes.drawTitle(g, area, title);
    List<String> names = new ArrayList<>();
    List<Color> colors = new ArrayList<>();
    legend(names, colors);
    if (!names.isEmpty()) {
      axes.drawLegend(g, names, colors, Axes.LegendMark.DOT, legendBounds(axes, names));
    }
  }

  private Axes axes(Rectangle area) {
    return Axes.layout(area, shownBox(), !title.isEmpty(), equalAspect, 0);
  }

  /**
   * Fills the legend's entries: each labelled set, and each set with points outside a fixed box, so that clipping
   * shows ("surrogate (37 outside the frame)", or "37 points outside the frame" for an unlabelled set).
   */
  private void legend(List<String> names, List<Color> colors) {
    for (int i = 0; i < sets.size(); i++) {
      PointSet s = sets.get(i);
      int outside = outsideBox(s);
      String name = outside == 0 ? s.label()
          : s.label().isEmpty() ? outside + (outside == 1 ? " point" : " points") + " outside the frame"
          : s.label() + " (" + outside + " outside the frame)";
      if (!name.isEmpty()) {
        names.add(name);
        colors.add(PALETTE[i]);
      }
    }
  }

  /** The legend's entries, top to bottom (see {@link #legend}). */
  List<String> legendNames() {
    List<String> names = new ArrayList<>();
    legend(names, new ArrayList<>());
    return names;
  }

  /** The pixel rectangle the legend takes when the plot is drawn in {@code area}; empty when it has no legend. */
  Rectangle legendBounds(Rectangle area) {
    List<String> names = legendNames();
    return names.isEmpty() ? new Rectangle() : legendBounds(axes(area), names);
  }

  /**
   * Where the legend covers the fewest points, a dot's radius counted (see {@link Axes#placeLegend}), so that it
   * hides as little of the clouds, and of outlines drawn as points, as the frame allows.
   */
  private Rectangle legendBounds(Axes axes, List<String> names) {
    return axes.placeLegend(names, Axes.LegendMark.DOT, r -> {
      Rectangle grown = new Rectangle(r.x - DOT_MARGIN, r.y - DOT_MARGIN, r.width + 2 * DOT_MARGIN,
          r.height + 2 * DOT_MARGIN);
      int covered = 0;
      for (PointSet s : sets) {
        for (int i = 0; i < s.xs().length; i++) {
          covered += grown.contains(axes.px(s.xs()[i]), axes.py(s.ys()[i])) ? 1 : 0;
        }
      }
      return covered;
    });
  }

  /** Finite points of {@code s} outside the fixed box, clipped from the picture; 0 when the box fits the data. */
  private int outsideBox(PointSet s) {
    if (box == null) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < s.xs().length; i++) {
      float x = s.xs()[i];
      float y = s.ys()[i];
      boolean finite = Float.isFinite(x) && Float.isFinite(y);
      n += finite && (x < box.xmin() || x > box.xmax() || y < box.ymin() || y > box.ymax()) ? 1 : 0;
    }
    return n;
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
