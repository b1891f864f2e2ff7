package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PanelRowTest {
  private static double ring(double x, double y) {
    double r = Math.hypot(x, y);
    return -8 * (r - 2) * (r - 2);
  }

  @Test
  void panelsShareOnePicture(@TempDir Path dir) throws Exception {
    Box box = Box.centred(3);
    float[] xs = {0f, 1f, 2f};
    float[] ys = {2f, 1f, 0f};
    Path png = dir.resolve("row.png");
    PanelRow.of(DensityPlot.of(PanelRowTest::ring, box, 80).withTitle("target density"),
        ScatterPlot.of(xs, ys).withBox(box).withEqualAspect(true).withTitle("surrogate samples"),
        DensityPlot.of(PanelRowTest::ring, box, 80).withTitle("surrogate density"))
        .withTitle("ring").withPanelSize(400, 360).writePng(png);
    BufferedImage image = Pictures.read(png);
    assertEquals(1200, image.getWidth());
    assertEquals(360 + 34, image.getHeight());
    assertTrue(Pictures.distinctColours(image) > 50);
  }

  @Test
  void linePlotsArePanelsToo(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("curves.png");
    LinePlot curve = LinePlot.titled("loss").withSeries("a", new double[] {3, 2, 1.5, 1.2});
    PanelRow.of(curve, curve.withLogY(true)).withPanelSize(300, 240).writePng(png);
    BufferedImage image = Pictures.read(png);
    assertEquals(600, image.getWidth());
    assertTrue(Pictures.countNear(image, new java.awt.Color(0x1F77B4), 30) > 50);
  }

  @Test
  void failedRenderLeavesNothingBehindAndKeepsTheOldFile(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("row.png");
    Files.write(png, new byte[] {1, 2, 3});
    Panel broken = (g, area) -> {
      throw new IllegalStateException("broken panel");
    };
    assertThrows(IllegalStateException.class, () -> PanelRow.of(broken).writePng(png));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(png));
    assertEquals(List.of(png), Pictures.filesIn(dir));
  }
}
