package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Reading back and measuring written PNGs in tests. */
final class Pictures {
  private Pictures() {}

  /** Reads a PNG, failing the test if it is not one. */
  static BufferedImage read(Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "not a readable image: " + png);
    return image;
  }

  /** Number of distinct RGB values. */
  static int distinctColours(BufferedImage image) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        seen.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return seen.size();
  }

  /** Pixels within {@code tolerance} per channel of {@code colour}. */
  static int countNear(BufferedImage image, Color colour, int tolerance) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        Color c = new Color(image.getRGB(x, y));
        if (Math.abs(c.getRed() - colour.getRed()) <= tolerance
            && Math.abs(c.getGreen() - colour.getGreen()) <= tolerance
            && Math.abs(c.getBlue() - colour.getBlue()) <= tolerance) {
          n++;
        }
      }
    }
    return n;
  }

  /** Relative luminance (0 to 255) of one pixel. */
  static double luma(BufferedImage image, double x, double y) {
    Color c = new Color(image.getRGB((int) Math.round(x), (int) Math.round(y)));
    return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
  }

  /** Every file in {@code dir}, hidden temporary files included. */
  static List<Path> filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
