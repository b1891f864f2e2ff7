package dev.marginal.plot;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A grid of small grayscale images, such as 64 Fashion-MNIST samples, with optional row labels; and, through
 * {@link #reconstructions}, originals shown above their reconstructions. Pixel values are intensities in [0, 1]
 * (0 black, 1 white; values outside are clamped, NaN is drawn red). Immutable.
 *
 * <pre>{@code
 * ImageGrid.of(samples, 28, 28).withColumns(8).withTitle("samples").writePng(dir.resolve("samples.png"));
 * }</pre>
 */
public final class ImageGrid {
  static {
    Png.init();
  }

  /** Screen pixels per image pixel unless chosen. */
  public static final int DEFAULT_SCALE = 2;
  /** Images per row of a reconstruction grid before it wraps. */
  public static final int DEFAULT_RECONSTRUCTION_COLUMNS = 10;
  private static final int GAP = 2;
  private static final int MARGIN = 10;
  private static final int TITLE_HEIGHT = 28;
  private static final int NAN_RGB = 0xE0_20_20;

  private final List<float[]> images;
  private final List<float[]> reconstructions;
  private final int imageHeight;
  private final int imageWidth;
  private final int columns;
  private final List<String> rowLabels;
  private final String title;
  private final int scale;

  private ImageGrid(List<float[]> images, List<float[]> reconstructions, int imageHeight, int imageWidth,
      int columns, List<String> rowLabels, String title, int scale) {
    this.images = images;
    this.reconstructions = reconstructions;
    this.imageHeight = imageHeight;
    this.imageWidth = imageWidth;
    this.columns = columns;
    this.rowLabels = List.copyOf(rowLabels);
    this.title = title;
    this.scale = scale;
  }

  /**
   * A grid of {@code images}, about square unless {@link #withColumns} says otherwise.
   *
   * @param images {@code [n][height * width]}, each row-major, intensities in [0, 1]; copied
   * @param height rows of each image
   * @param width columns of each image
   */
  public static ImageGrid of(float[][] images, int height, int width) {
    List<float[]> copy = copyImages(images, height, width, "images");
    int columns = (int) Math.ceil(Math.sqrt(copy.size()));
    return new ImageGrid(copy, null, height, width, columns, List.of(), "", DEFAULT_SCALE);
  }

  /**
   * Originals in one row with their reconstructions in the row below, labelled "original" and
   * "reconstruction"; wraps into further pairs of rows after {@link #DEFAULT_RECONSTRUCTION_COLUMNS} images.
   *
   * @param originals {@code [n][height * width]}
   * @param reconstructions {@code [n][height * width]}, same order as {@code originals}
   */
  public static ImageGrid reconstructions(float[][] originals, float[][] reconstructions, int height, int width) {
    if (originals.length != reconstructions.length) {
      throw new IllegalArgumentException("originals and reconstructions differ in number: " + originals.length
          + " vs " + reconstructions.length);
    }
    List<float[]> a = copyImages(originals, height, width, "originals");
    List<float[]> b = copyImages(reconstructions, height, width, "reconstructions");
    return new ImageGrid(a, b, height, width, Math.min(a.size(), DEFAULT_RECONSTRUCTION_COLUMNS),
        List.of("original", "reconstruction"), "", DEFAULT_SCALE);
  }

  /** Sets the number of images per row. */
  public ImageGrid withColumns(int columns) {
    if (columns < 1) {
      throw new IllegalArgumentException("columns must be positive, got " + columns);
    }
    return new ImageGrid(images, reconstructions, imageHeight, imageWidth, columns, rowLabels, title, scale);
  }

  /**
   * Labels the rows, top to bottom: one label per row, or for a reconstruction grid one label for the originals
   * and one for the reconstructions.
   */
  public ImageGrid withRowLabels(List<String> labels) {
    return new ImageGrid(images, reconstructions, imageHeight, imageWidth, columns, labels, title, scale);
  }

  /** Sets the title drawn above the grid. */
  public ImageGrid withTitle(String title) {
    return new ImageGrid(images, reconstructions, imageHeight, imageWidth, columns, rowLabels,
        Objects.requireNonNull(title), scale);
  }

  /** Draws each image pixel as a {@code scale × scale} block (default {@link #DEFAULT_SCALE}). */
  public ImageGrid withScale(int scale) {
    if (scale < 1 || scale > 32) {
      throw new IllegalArgumentException("scale must be in [1, 32], got " + scale);
    }
    return new ImageGrid(images, reconstructions, imageHeight, imageWidth, columns, rowLabels, title, scale);
  }

  /** Writes the grid as a PNG sized to fit it, atomically. */
  public void writePng(Path target) throws IOException {
    List<float[]> cells = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    layoutRows(cells, labels);
    int rows = (cells.size() + columns - 1) / columns;
    int labelWidth = labelWidth(labels);
    int cellW = imageWidth * scale + GAP;
    int cellH = imageHeight * scale + GAP;
    int top = MARGIN + (title.isEmpty() ? 0 : TITLE_HEIGHT);
    int width = Math.max(labelWidth + MARGIN + columns * cellW - GAP + MARGIN, 16);
    int height = Math.max(top + rows * cellH - GAP + MARGIN, 16);
    BufferedImage image = Png.newCanvas(width, height);
    for (int k = 0; k < cells.size(); k++) {
      drawTile(image, cells.get(k), labelWidth + MARGIN + (k % columns) * cellW, top + (k / columns) * cellH);
    }
    Graphics2D g = Png.graphics(image);
    try {
      Axes.drawTitle(g, new java.awt.Rectangle(0, MARGIN - 8, width, TITLE_HEIGHT), title);
      g.setFont(Png.LABEL_FONT);
      g.setColor(Axes.TEXT_COLOR);
      FontMetrics fm = g.getFontMetrics();
      for (int r = 0; r < labels.size() && r < rows; r++) {
        String s = labels.get(r);
        int baseline = top + r * cellH + (imageHeight * scale + fm.getAscent()) / 2 - 1;
        g.drawString(s, labelWidth + MARGIN - 8 - fm.stringWidth(s), baseline);
      }
    } finally {
      g.dispose();
    }
    Png.write(image, target);
  }

  /** Fills {@code cells} in reading order (null for an empty slot) and {@code labels} with one label a row. */
  private void layoutRows(List<float[]> cells, List<String> labels) {
    if (reconstructions == null) {
      cells.addAll(images);
      int rows = (images.size() + columns - 1) / columns;
      if (!rowLabels.isEmpty() && rowLabels.size() != rows) {
        throw new IllegalArgumentException(rowLabels.size() + " row labels for " + rows + " rows");
      }
      labels.addAll(rowLabels);
      return;
    }
    if (!rowLabels.isEmpty() && rowLabels.size() != 2) {
      throw new IllegalArgumentException("a reconstruction grid takes 2 row labels, got " + rowLabels.size());
    }
    for (int start = 0; start < images.size(); start += columns) {
      int end = Math.min(start + columns, images.size());
      for (List<float[]> source : List.of(images, reconstructions)) {
        cells.addAll(source.subList(start, end));
        for (int pad = end - start; pad < columns; pad++) {
          cells.add(null);
        }
      }
      labels.addAll(rowLabels);
    }
  }

  private void drawTile(BufferedImage image, float[] pixels, int x0, int y0) {
    if (pixels == null) {
      return;
    }
    for (int r = 0; r < imageHeight; r++) {
      for (int c = 0; c < imageWidth; c++) {
        int rgb = grey(pixels[r * imageWidth + c]);
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            image.setRGB(x0 + c * scale + dx, y0 + r * scale + dy, rgb);
          }
        }
      }
    }
  }

  private static int grey(float v) {
    if (Float.isNaN(v)) {
      return NAN_RGB;
    }
    int level = Math.round(Math.max(0f, Math.min(1f, v)) * 255);
    return (level << 16) | (level << 8) | level;
  }

  private static int labelWidth(List<String> labels) {
    if (labels.isEmpty()) {
      return 0;
    }
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scratch.createGraphics();
    try {
      FontMetrics fm = g.getFontMetrics(Png.LABEL_FONT);
      return labels.stream().mapToInt(fm::stringWidth).max().orElse(0) + 8;
    } finally {
      g.dispose();
    }
  }

  private static List<float[]> copyImages(float[][] images, int height, int width, String what) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
    }
    if (images.length == 0) {
      throw new IllegalArgumentException("no " + what + " to show");
    }
    List<float[]> copy = new ArrayList<>(images.length);
    for (int i = 0; i < images.length; i++) {
      if (images[i].length != height * width) {
        throw new IllegalArgumentException(what + "[" + i + "] has " + images[i].length + " pixels, expected "
            + height + "x" + width + " = " + height * width);
      }
      copy.add(images[i].clone());
    }
    return List.copyOf(copy);
  }
}
