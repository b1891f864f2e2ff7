package dev.marginal.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A pair of axes, linear or with a logarithmic y axis: maps a data {@link Box} onto a pixel rectangle inside a panel
 * and draws the frame, grid, ticks, tick labels, axis labels, legend and title around it. Layout only; what goes
 * inside the frame is the caller's. With a log y axis the box's y edges are base-10 logarithms of the data.
 */
final class Axes {
  private static final int MARGIN_TOP_TITLE = 30;
  private static final int MARGIN_TOP = 12;
  private static final int MARGIN_LEFT = 62;
  private static final int MARGIN_BOTTOM = 46;
  private static final int MARGIN_RIGHT = 16;
  private static final int TICK_LENGTH = 5;
  private static final int TARGET_TICKS = 5;
  /** Room between the y tick labels and the y axis label. */
  private static final int Y_LABEL_GAP = 24;
  static final Color FRAME_COLOR = new Color(0x33, 0x33, 0x33);
  static final Color TEXT_COLOR = new Color(0x22, 0x22, 0x22);
  private static final Color GRID_COLOR = new Color(0xE2, 0xE2, 0xE2);
  /** Gap between a legend in a corner and the frame, in pixels. */
  private static final int LEGEND_INSET = 6;
  /** Spacing of the positions a legend may take away from the corners, in pixels. */
  private static final int LEGEND_STEP = 4;

  final Box box;
  final Rectangle plot;
  private final boolean logY;

  private Axes(Box box, Rectangle plot, boolean logY) {
    this.box = box;
    this.plot = plot;
    this.logY = logY;
  }

  /**
   * Lays out axes for {@code box} in {@code area}, leaving room for a title, tick labels, axis labels and
   * {@code extraRight} pixels on the right (a colour bar). With {@code equalAspect} one unit spans the same
   * number of pixels on both axes and the frame is centred in the space left.
   */
  static Axes layout(Rectangle area, Box box, boolean hasTitle, boolean equalAspect, int extraRight) {
    return layout(area, box, false, hasTitle, equalAspect, extraRight);
  }

  /**
   * Lays out axes with a logarithmic y axis when {@code logY}: {@code box.ymin()} and {@code box.ymax()} are then
   * base-10 logarithms, and {@link #py} takes data values.
   */
  static Axes layout(Rectangle area, Box box, boolean logY, boolean hasTitle, boolean equalAspect, int extraRight) {
    int top = area.y + (hasTitle ? MARGIN_TOP_TITLE : MARGIN_TOP);
    // Wide y tick labels ("0.00125", "-1.5e-4") push the frame right rather than run into the axis label.
    int left = area.x + Math.max(MARGIN_LEFT, widestLabel(yTicks(box, logY)) + TICK_LENGTH + 3 + Y_LABEL_GAP);
    int w = Math.max(8, area.x + area.width - MARGIN_RIGHT - extraRight - left);
    int h = Math.max(8, area.y + area.height - MARGIN_BOTTOM - top);
    if (equalAspect) {
      double scale = Math.min(w / box.width(), h / box.height());
      int fw = Math.max(8, (int) Math.round(scale * box.width()));
      int fh = Math.max(8, (int) Math.round(scale * box.height()));
      left += (w - fw) / 2;
      top += (h - fh) / 2;
      w = fw;
      h = fh;
    }
    return new Axes(box, new Rectangle(left, top, w, h), logY);
  }

  /** The y ticks, as data values. */
  private static List<Double> yTicks(Box box, boolean logY) {
    return logY ? Ticks.logBetween(box.ymin(), box.ymax(), TARGET_TICKS)
        : Ticks.between(box.ymin(), box.ymax(), TARGET_TICKS);
  }

  private static int widestLabel(List<Double> ticks) {
    FontMetrics fm = Png.metrics(Png.TICK_FONT);
    return ticks.stream().mapToInt(t -> fm.stringWidth(Ticks.label(t))).max().orElse(0);
  }

  /** Pixel column of data coordinate {@code x}. */
  double px(double x) {
    return plot.x + (x - box.xmin()) / box.width() * plot.width;
  }

  /**
   * Pixel row of data coordinate {@code y} (y grows upward in data, downward on screen); on a log axis, of
   * {@code log10(y)}, so {@code y} must be positive.
   */
  double py(double y) {
    double v = logY ? Math.log10(y) : y;
    return plot.y + (box.ymax() - v) / box.height() * plot.height;
  }

  /** Draws light grid lines at the ticks; call before drawing the data so that it lies on top. */
  void drawGrid(Graphics2D g) {
    g.setStroke(new BasicStroke(1f));
    g.setColor(GRID_COLOR);
    for (double t : Ticks.between(box.xmin(), box.xmax(), TARGET_TICKS)) {
      int x = (int) Math.round(px(t));
      g.drawLine(x, plot.y, x, plot.y + plot.height);
    }
    for (double t : yTicks(box, logY)) {
      int y = (int) Math.round(py(t));
      g.drawLine(plot.x, y, plot.x + plot.width, y);
    }
  }

  /** Draws the frame, ticks with labels, and the axis labels (either may be empty). */
  void drawFrame(Graphics2D g, String xLabel, String yLabel) {
    g.setStroke(new BasicStroke(1f));
    g.setColor(FRAME_COLOR);
    g.drawRect(plot.x, plot.y, plot.width, plot.height);
    g.setFont(Png.TICK_FONT);
    FontMetrics fm = g.getFontMetrics();
    int bottom = plot.y + plot.height;
    for (double t : Ticks.between(box.xmin(), box.xmax(), TARGET_TICKS)) {
      int x = (int) Math.round(px(t));
      g.setColor(FRAME_COLOR);
      g.drawLine(x, bottom, x, bottom + TICK_LENGTH);
      g.setColor(TEXT_COLOR);
      drawCentred(g, Ticks.label(t), x, bottom + TICK_LENGTH + fm.getAscent() + 1);
    }
    for (double t : yTicks(box, logY)) {
      int y = (int) Math.round(py(t));
      g.setColor(FRAME_COLOR);
      g.drawLine(plot.x - TICK_LENGTH, y, plot.x, y);
      g.setColor(TEXT_COLOR);
      String s = Ticks.label(t);
      g.drawString(s, plot.x - TICK_LENGTH - 3 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
    }
    g.setFont(Png.LABEL_FONT);
    g.setColor(TEXT_COLOR);
    if (!xLabel.isEmpty()) {
      drawCentred(g, xLabel, plot.x + plot.width / 2, bottom + MARGIN_BOTTOM - 8);
    }
    if (!yLabel.isEmpty()) {
      int labelsWidth = widestLabel(yTicks(box, logY));
      int x = Math.min(plot.x - MARGIN_LEFT + 16, plot.x - TICK_LENGTH - 3 - labelsWidth - Y_LABEL_GAP + 16);
      drawVertical(g, yLabel, x, plot.y + plot.height / 2);
    }
  }

  /** Draws {@code title} centred over {@code area}, if not empty. */
  static void drawTitle(Graphics2D g, Rectangle area, String title) {
    if (title.isEmpty()) {
      return;
    }
    g.setFont(Png.TITLE_FONT);
    g.setColor(TEXT_COLOR);
    drawCentred(g, title, area.x + area.width / 2, area.y + 20);
  }

  /** How a legend marks each entry: a dot (point sets) or a short line (curves). */
  enum LegendMark { DOT, LINE }

  /** A corner of the frame, where a legend sits. */
  enum Corner { TOP_RIGHT, TOP_LEFT, BOTTOM_RIGHT, BOTTOM_LEFT }

  /** The pixel rectangle a legend of {@code names} takes in {@code corner} of the frame. */
  Rectangle legendBounds(List<String> names, LegendMark mark, Corner corner) {
    Dimension size = legendSize(names, mark);
    boolean right = corner == Corner.TOP_RIGHT || corner == Corner.BOTTOM_RIGHT;
    boolean top = corner == Corner.TOP_RIGHT || corner == Corner.TOP_LEFT;
    int x = right ? plot.x + plot.width - size.width - LEGEND_INSET : plot.x + LEGEND_INSET;
    int y = top ? plot.y + LEGEND_INSET : plot.y + plot.height - size.height - LEGEND_INSET;
    return new Rectangle(x, y, size.width, size.height);
  }

  /**
   * Where a legend of {@code names} hides the least of what is drawn, as {@code covered} counts it (points under
   * it, segments crossing it): the four corners first (top right, top left, bottom right, bottom left, the first
   * of them on a tie), then, when each of them covers something, every position inside the frame on a grid of
   * {@value #LEGEND_STEP} pixels, nearest a corner first. So a legend leaves a corner only for a place where it hides
   * less, for instance inside a drawn outline that runs past all four corners.
   */
  Rectangle placeLegend(List<String> names, LegendMark mark, ToIntFunction<Rectangle> covered) {
    Rectangle best = null;
    int fewest = Integer.MAX_VALUE;
    for (Corner corner : Corner.values()) {
      Rectangle r = legendBounds(names, mark, corner);
      int n = covered.applyAsInt(r);
      if (n < fewest) {
        fewest = n;
        best = r;
      }
    }
    for (Rectangle r : legendPositions(legendSize(names, mark))) {
      if (fewest == 0) {
        break;
      }
      int n = covered.applyAsInt(r);
      if (n < fewest) {
        fewest = n;
        best = r;
      }
    }
    return best;
  }

  /** Every legend position inside the frame on the {@value #LEGEND_STEP}-pixel grid, nearest a corner first. */
  private List<Rectangle> legendPositions(Dimension size) {
    int x0 = plot.x + LEGEND_INSET;
    int x1 = plot.x + plot.width - size.width - LEGEND_INSET;
    int y0 = plot.y + LEGEND_INSET;
    int y1 = plot.y + plot.height - size.height - LEGEND_INSET;
    List<Rectangle> out = new ArrayList<>();
    for (int y = y0; y <= y1; y += LEGEND_STEP) {
      for (int x = x0; x <= x1; x += LEGEND_STEP) {
        out.add(new Rectangle(x, y, size.width, size.height));
      }
    }
    out.sort(Comparator.comparingInt(r -> Math.min(r.x - x0, x1 - r.x) + Math.min(r.y - y0, y1 - r.y)));
    return out;
  }

  private static Dimension legendSize(List<String> names, LegendMark mark) {
    FontMetrics fm = Png.metrics(Png.TICK_FONT);
    int textWidth = names.stream().mapToInt(fm::stringWidth).max().orElse(0);
    return new Dimension(textWidth + markWidth(mark) + 19, names.size() * legendLineHeight(fm) + 8);
  }

  /** Draws a legend of coloured marks and names in {@code r}, a rectangle from {@link #placeLegend}. */
  void drawLegend(Graphics2D g, List<String> names, List<Color> colors, LegendMark mark, Rectangle r) {
    g.setFont(Png.TICK_FONT);
    FontMetrics fm = g.getFontMetrics();
    int lineHeight = legendLineHeight(fm);
    int markWidth = markWidth(mark);
    g.setColor(new Color(255, 255, 255, 220));
    g.fillRect(r.x, r.y, r.width, r.height);
    g.setColor(new Color(0xBB, 0xBB, 0xBB));
    g.drawRect(r.x, r.y, r.width, r.height);
    for (int i = 0; i < names.size(); i++) {
      int cy = r.y + 4 + i * lineHeight + lineHeight / 2;
      g.setColor(colors.get(i));
      if (mark == LegendMark.LINE) {
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(r.x + 8, cy, r.x + 8 + markWidth, cy);
        g.setStroke(new BasicStroke(1f));
      } else {
        g.fillOval(r.x + 8, cy - 4, 9, 9);
      }
      g.setColor(TEXT_COLOR);
      g.drawString(names.get(i), r.x + 13 + markWidth, cy + fm.getAscent() / 2 - 1);
    }
  }

  private static int markWidth(LegendMark mark) {
    return mark == LegendMark.LINE ? 22 : 9;
  }

  private static int legendLineHeight(FontMetrics fm) {
    return fm.getHeight() + 2;
  }

  static void drawCentred(Graphics2D g, String s, int cx, int baseline) {
    g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
  }

  /** Draws {@code s} rotated a quarter turn anticlockwise, centred on {@code cy}, baseline at {@code x}. */
  static void drawVertical(Graphics2D g, String s, int x, int cy) {
    AffineTransform saved = g.getTransform();
    g.translate(x, cy);
    g.rotate(-Math.PI / 2);
    drawCentred(g, s, 0, 0);
    g.setTransform(saved);
  }
}
