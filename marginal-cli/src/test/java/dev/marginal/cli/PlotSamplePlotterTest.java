package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.models.GmmOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code marginal sample --png}: the registered plotter draws points as a scatter plot and images as a grid. */
class PlotSamplePlotterTest {
  @TempDir Path dir;

  @Test
  void serviceLoaderFindsThePlotPackagePlotter() {
    assertTrue(SamplePlotter.find().orElseThrow() instanceof PlotSamplePlotter);
  }

  @Test
  void sampleWritesAScatterPlotOfTwoDimensionalSamples() throws IOException {
    Path model = dir.resolve("moons.marginal");
    assertEquals(0, CliRun.of("fit", "--data", "toy:moons?n=200", "--model", "gmm", "--components", "3", "--out",
        model.toString()).code());
    Path png = dir.resolve("samples.png");
    CliRun r = CliRun.of("sample", "--model", model.toString(), "--n", "300", "--out",
        dir.resolve("samples.csv").toString(), "--png", png.toString());
    assertEquals(0, r.code(), r.toString());
    BufferedImage image = read(png);
    assertEquals(dev.marginal.plot.ScatterPlot.DEFAULT_WIDTH, image.getWidth());
    assertEquals(dev.marginal.plot.ScatterPlot.DEFAULT_HEIGHT, image.getHeight());
  }

  @Test
  void imageSamplesBecomeAGridOfAtMost64() throws IOException {
    Dataset images = pixels(100, 784);
    Path all = dir.resolve("grid.png");
    new PlotSamplePlotter().plot(images, gmm(), all);
    Path few = dir.resolve("few.png");
    new PlotSamplePlotter().plot(images.head(PlotSamplePlotter.MAX_IMAGES), gmm(), few);
    BufferedImage a = read(all);
    BufferedImage b = read(few);
    // 100 samples draw the same 8×8 grid as their first 64.
    assertEquals(b.getWidth(), a.getWidth());
    assertEquals(b.getHeight(), a.getHeight());
    assertTrue(a.getWidth() > 8 * 28 && a.getHeight() > 8 * 28, a.getWidth() + "x" + a.getHeight());
  }

  @Test
  void declaredImageShapeIsUsed() throws IOException {
    Path png = dir.resolve("small.png");
    new PlotSamplePlotter().plot(pixels(4, 12).withImageShape(3, 4), gmm(), png);
    BufferedImage image = read(png);
    assertTrue(image.getWidth() < 100, "a 2x2 grid of 3x4 images is small, got " + image.getWidth());
  }

  /** The title reads right for every kind: "of the lvm model", not "of a lvm model". */
  @Test
  void theTitleNamesTheModelsKind() {
    assertEquals("64 samples of the lvm model", PlotSamplePlotter.title(64, "lvm"));
    assertEquals("300 samples of the gmm model", PlotSamplePlotter.title(300, "gmm"));
  }

  @Test
  void oneColumnIsRefused() {
    Dataset one = Dataset.of("one", List.of("x"), new float[] {1, 2, 3});
    assertThrows(IllegalArgumentException.class,
        () -> new PlotSamplePlotter().plot(one, gmm(), dir.resolve("one.png")));
    assertTrue(!Files.exists(dir.resolve("one.png")));
  }

  private static Dataset pixels(int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 7) / 6f;
    }
    List<String> names = new ArrayList<>();
    for (int j = 0; j < cols; j++) {
      names.add("p" + j);
    }
    return Dataset.of("pixels", names, v);
  }

  private static GmmDensityModel gmm() {
    return GmmDensityModel.fit(DataSources.load("toy:moons?n=50"), GmmOptions.of(1), false).model();
  }

  private static BufferedImage read(Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, png + " is not a readable PNG");
    return image;
  }
}
