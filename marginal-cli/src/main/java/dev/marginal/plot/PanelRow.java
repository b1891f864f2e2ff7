package dev.marginal.plot;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Several panels side by side in one PNG, under an optional overall title: for instance "target density" |
 * "surrogate samples" | "surrogate density". Each panel keeps its own title and axes. Immutable.
 *
 * <pre>{@code
 * PanelRow.of(targetDensity, surrogateSamples, surrogateDensity).withTitle("banana, IWAE K=16")
 *     .writePng(dir.resolve("compare.png"));
 * }</pre>
 */
public final class PanelRow {
  static {
    Png.init();
  }

  /** Default size of each panel in pixels. */
  public static final int DEFAULT_PANEL_WIDTH = 520;
  public static final int DEFAULT_PANEL_HEIGHT = 460;
  private static final int TITLE_HEIGHT = 34;

  private final List<Panel> panels;
  private final String title;
  private final int panelWidth;
  private final int panelHeight;

  private PanelRow(List<Panel> panels, String title, int panelWidth, int panelHeight) {
    this.panels = List.copyOf(panels);
    this.title = title;
    this.panelWidth = panelWidth;
    this.panelHeight = panelHeight;
  }

  /** A row of {@code panels}, left to right; at least one. */
  public static PanelRow of(Panel... panels) {
    return of(List.of(panels));
  }

  /** A row of {@code panels}, left to right; at least one. */
  public static PanelRow of(List<? extends Panel> panels) {
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("a panel row needs at least one panel");
    }
    return new PanelRow(List.copyOf(panels), "", DEFAULT_PANEL_WIDTH, DEFAULT_PANEL_HEIGHT);
  }

  /** Sets the title drawn above all panels. */
  public PanelRow withTitle(String title) {
    return new PanelRow(panels, Objects.requireNonNull(title), panelWidth, panelHeight);
  }

  /** Sets the size of each panel, in pixels; the image is {@code n × width} wide. */
  public PanelRow withPanelSize(int width, int height) {
    Png.checkSize(width, height);
    return new PanelRow(panels, title, width, height);
  }

  /** Writes the row as one PNG, atomically. */
  public void writePng(Path target) throws IOException {
    int top = title.isEmpty() ? 0 : TITLE_HEIGHT;
    int width = panelWidth * panels.size();
    BufferedImage image = Png.newCanvas(width, panelHeight + top);
    Graphics2D g = Png.graphics(image);
    try {
      g.setFont(Png.TITLE_FONT.deriveFont(17f));
      g.setColor(Axes.TEXT_COLOR);
      if (!title.isEmpty()) {
        Axes.drawCentred(g, title, width / 2, 24);
      }
      for (int i = 0; i < panels.size(); i++) {
        panels.get(i).renderTo(g, new Rectangle(i * panelWidth, top, panelWidth, panelHeight));
      }
    } finally {
      g.dispose();
    }
    Png.write(image, target);
  }
}
