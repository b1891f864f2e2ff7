package dev.marginal.plot;

import java.awt.Graphics2D;
import java.awt.Rectangle;

/**
 * Something that draws itself into a rectangle of a larger picture, so that several plots can share one PNG
 * (see {@link PanelRow}).
 */
public interface Panel {
  /**
   * Draws this panel, title and axes included, inside {@code area} of {@code g}.
   *
   * @param g graphics of the whole picture; implementations restore any clip or transform they change
   * @param area the panel's rectangle, in pixels
   */
  void renderTo(Graphics2D g, Rectangle area);
}
