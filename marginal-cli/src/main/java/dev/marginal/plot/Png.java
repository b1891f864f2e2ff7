package dev.marginal.plot;

import dev.marginal.io.AtomicFiles;
import dev.marginal.io.IoErrors;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Off-screen canvases and atomic PNG output, shared by every writer in this package. */
final class Png {
  static {
    // Plots never open a window: run AWT headless unless the application has already chosen otherwise.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** Largest accepted side of an image, in pixels: guards against a typo allocating gigabytes. */
  static final int MAX_SIDE = 8192;
  static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  private Png() {}

  /** Forces the class to load, and so headless mode to be chosen, before any AWT class is touched. */
  static void init() {}

  /** Metrics of {@code font} as drawn on this package's canvases, for laying out text before drawing it. */
  static FontMetrics metrics(Font font) {
    Graphics2D g = graphics(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
    try {
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }

  /** A white RGB canvas of the given size. */
  static BufferedImage newCanvas(int width, int height) {
    checkSize(width, height);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }

  /** Graphics for {@code image} with antialiased shapes and text. The caller disposes it. */
  static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    return g;
  }

  static void checkSize(int width, int height) {
    if (width < 16 || height < 16 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new IllegalArgumentException(
          "image size must be between 16 and " + MAX_SIDE + " pixels a side, got " + width + "x" + height);
    }
  }

  /**
   * Writes {@code image} as PNG to {@code target} atomically: a failure leaves no partial or temporary file and
   * any earlier file untouched. The directory must exist; a missing one is not created.
   *
   * @throws IOException naming {@code target} and the cause if the file cannot be written
   */
  static void write(BufferedImage image, Path target) throws IOException {
    try {
      AtomicFiles.write(target, out -> {
        if (!ImageIO.write(image, "png", out)) {
          throw new IOException("no PNG writer available");
        }
      });
    } catch (IOException e) {
      throw new IOException("cannot write " + target + ": " + IoErrors.reason(e), e);
    }
  }
}
