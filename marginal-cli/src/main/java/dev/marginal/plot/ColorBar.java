package dev.marginal.plot;

import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;

/** A vertical viridis colour bar beside a frame, labelled with the values its ends stand for. */
final class ColorBar {
  /** Pixels a colour bar needs to the right of the frame, its labels included. */
  static final int RESERVED_WIDTH = 84;
  private static final int GAP = 12;
  private static final int BAR_WIDTH = 14;
  private static final int TARGET_TICKS = 5;

  private ColorBar() {}

  /**
   * Draws the bar to the right of {@code frame}: colour {@code t ∈ [0, 1]} stands for {@code lo + t (hi - lo)}.
   */
  static void draw(Graphics2D g, Rectangle frame, double lo, double hi, String label) {
    int x = frame.x + frame.width + GAP;
    int top = frame.y;
    int h = frame.height;
    for (int row = 0; row < h; row++) {
      g.setColor(new java.awt.Color(Viridis.rgb(1 - (row + 0.5) / h)));
      g.fillRect(x, top + row, BAR_WIDTH, 1);
    }
    g.setColor(Axes.FRAME_COLOR);
    g.drawRect(x, top, BAR_WIDTH, h);
    g.setFont(Png.TICK_FONT);
    FontMetrics fm = g.getFontMetrics();
    for (double v : Ticks.between(lo, hi, TARGET_TICKS)) {
      int y = (int) Math.round(top + (hi - v) / (hi - lo) * h);
      g.setColor(Axes.FRAME_COLOR);
      g.drawLine(x + BAR_WIDTH, y, x + BAR_WIDTH + 4, y);
      g.setColor(Axes.TEXT_COLOR);
      g.drawString(Ticks.label(v), x + BAR_WIDTH + 7, y + fm.getAscent() / 2 - 1);
    }
    g.setFont(Png.LABEL_FONT);
    Axes.drawVertical(g, label, x + RESERVED_WIDTH - GAP - 2, top + h / 2);
  }
}
