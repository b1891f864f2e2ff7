package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
  private static final int SIDE = 28;

  /** {@code n} images, image k a horizontal ramp scaled by its index, so that every tile differs. */
  private static float[][] ramps(int n) {
    float[][] images = new float[n][SIDE * SIDE];
    for (int k = 0; k < n; k++) {
      for (int p = 0; p < SIDE * SIDE; p++) {
        images[k][p] = (p % SIDE) / (SIDE - 1f) * (k + 1) / n;
      }
    }
    return images;
  }

  private static float[][] constant(int n, float value) {
    float[][] images = new float[n][SIDE * SIDE];
    for (float[] image : images) {
      Arrays.fill(image, value);
    }
    return images;
  }

  @Test
  void gridOfSixtyFourHasTheExpectedSizeAndPixels(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("grid.png");
    ImageGrid.of(ramps(64), SIDE, SIDE).withScale(2).writePng(png);
    BufferedImage image = Pictures.read(png);
    // 8 columns of 56 pixels with 2-pixel gaps, 10-pixel margins.
    assertEquals(10 + 8 * 58 - 2 + 10, image.getWidth());
    assertEquals(10 + 8 * 58 - 2 + 10, image.getHeight());
    assertTrue(Pictures.distinctColours(image) > 64);
    int rightmost = image.getRGB(10 + 7 * 58 + 55, 10 + 7 * 58 + 20) & 0xFF;
    assertEquals(255, rightmost, "last image's right column is white");
    int leftmost = image.getRGB(10, 10) & 0xFF;
    assertEquals(0, leftmost, "first image's left column is black");
  }

  @Test
  void reconstructionsSitBelowOriginals(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("recon.png");
    ImageGrid.reconstructions(constant(12, 1f), constant(12, 0f), SIDE, SIDE).withColumns(6)
        .withTitle("reconstructions").writePng(png);
    BufferedImage image = Pictures.read(png);
    int x = image.getWidth() - 10 - 30;
    int top = 10 + 28;
    int[] expected = {255, 0, 255, 0};
    for (int row = 0; row < 4; row++) {
      int y = top + row * 58 + 28;
      assertEquals(expected[row], image.getRGB(x, y) & 0xFF, "row " + row);
    }
  }

  @Test
  void rowLabelsMustMatchRows() {
    ImageGrid grid = ImageGrid.of(ramps(6), SIDE, SIDE).withColumns(3).withRowLabels(List.of("a"));
    assertThrows(IllegalArgumentException.class, () -> grid.writePng(Path.of("unused.png")));
  }

  @Test
  void wrongPixelCountIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(new float[][] {new float[10]}, SIDE, SIDE));
    assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.reconstructions(constant(2, 0f), constant(3, 0f), SIDE, SIDE));
  }
}
