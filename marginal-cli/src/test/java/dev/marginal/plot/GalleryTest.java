package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Renders one picture of each kind, and a report linking them, into the directory named by the system property
 * {@code plots.gallery}, for looking at: {@code mvn test -Dtest=GalleryTest -Dplots.gallery=/tmp/plots}.
 */
@EnabledIfSystemProperty(named = "plots.gallery", matches = ".+")
class GalleryTest {
  private static double banana(double x, double y) {
    double u = y - 0.5 * x * x + 1;
    return -0.5 * (x * x / 2 + u * u / 0.25) - Math.log(2 * Math.PI * Math.sqrt(0.5));
  }

  /** Deterministic low-discrepancy draws from the banana (a Halton sequence pushed through its map). */
  private static float[][] bananaDraws(int n) {
    float[][] xy = new float[2][n];
    for (int i = 0; i < n; i++) {
      double u1 = halton(i + 1, 2);
      double u2 = halton(i + 1, 3);
      double r = Math.sqrt(-2 * Math.log(u1));
      double z1 = r * Math.cos(2 * Math.PI * u2);
      double z2 = r * Math.sin(2 * Math.PI * u2);
      double x = Math.sqrt(2) * z1;
      xy[0][i] = (float) x;
      xy[1][i] = (float) (0.5 * x * x - 1 + 0.5 * z2);
    }
    return xy;
  }

  private static double halton(int i, int base) {
    double f = 1;
    double r = 0;
    while (i > 0) {
      f /= base;
      r += f * (i % base);
      i /= base;
    }
    return r;
  }

  @Test
  void renderOneOfEach() throws Exception {
    // Writes create no directories: make the one asked for.
    Path dir = java.nio.file.Files.createDirectories(Path.of(System.getProperty("plots.gallery")));
    Box box = new Box(-4, 4, -2.5, 5.5);
    float[][] s = bananaDraws(2000);
    float[][] t = bananaDraws(6000);
    t = new float[][] {java.util.Arrays.copyOfRange(t[0], 2000, 6000), java.util.Arrays.copyOfRange(t[1], 2000, 6000)};
    double[] elbo = new double[400];
    double[] iwae = new double[400];
    for (int i = 0; i < elbo.length; i++) {
      elbo[i] = 95 + 150 * Math.exp(-i / 50.0) + 2 * Math.sin(i / 3.0);
      iwae[i] = i >= 150 && i < 170 ? Double.NaN : 92 + 150 * Math.exp(-i / 45.0) + 2 * Math.cos(i / 4.0);
    }
    LinePlot.titled("training curves").withAxisLabels("step", "negative bound (nats)").withSeries("ELBO", elbo)
        .withSeries("IWAE K=16", iwae).writePng(dir.resolve("curves.png"));
    double[] gap = new double[400];
    for (int i = 0; i < gap.length; i++) {
      gap[i] = 1000 * Math.exp(-i / 40.0);
    }
    LinePlot.titled("training curves, log scale").withAxisLabels("step", "loss").withSeries("ELBO", elbo)
        .withSeries("gap", gap).withLogY(true).writePng(dir.resolve("curves-log.png"));
    DensityPlot target = DensityPlot.of(GalleryTest::banana, box).withTitle("target density")
        .withAxisLabels("x1", "x2");
    target.writePng(dir.resolve("density.png"));
    target.withShading(DensityPlot.Shading.LOG_DENSITY).withSamples(s[0], s[1]).withTitle("log density, samples")
        .writePng(dir.resolve("density-log.png"));
    ScatterPlot samples = ScatterPlot.of("surrogate", s[0], s[1]).withBox(box).withEqualAspect(true)
        .withTitle("surrogate samples").withAxisLabels("x1", "x2");
    samples.withPoints("target", t[0], t[1]).writePng(dir.resolve("scatter.png"));
    PanelRow.of(target, samples, target.withTitle("surrogate density")).withTitle("banana")
        .writePng(dir.resolve("panels.png"));
    float[][] images = new float[64][28 * 28];
    for (int k = 0; k < 64; k++) {
      for (int p = 0; p < 28 * 28; p++) {
        double dx = p % 28 - 14 + 4 * Math.sin(k);
        double dy = p / 28 - 14 + 4 * Math.cos(k);
        images[k][p] = (float) Math.exp(-(dx * dx + dy * dy) / (10 + k));
      }
    }
    ImageGrid.of(images, 28, 28).withTitle("samples").writePng(dir.resolve("grid.png"));
    float[][] recon = new float[10][];
    for (int k = 0; k < 10; k++) {
      recon[k] = images[k].clone();
      for (int p = 0; p < recon[k].length; p++) {
        recon[k][p] = Math.min(1f, recon[k][p] * 0.8f + 0.05f);
      }
    }
    ImageGrid.reconstructions(java.util.Arrays.copyOf(images, 10), recon, 28, 28).withTitle("reconstructions")
        .writePng(dir.resolve("recon.png"));
    Path page = dir.resolve("index.html");
    HtmlReport.titled("gallery <all kinds>").section("Curves").paragraph("ELBO and IWAE, NaN gap at 150.")
        .image("curves.png", "training curves", "Training curves").image("curves-log.png", "log", "Log scale")
        .section("Densities").image("panels.png", "panels", "target | samples | surrogate")
        .table(List.of("estimator", "log p(x)", "s.e."), List.of(List.of("IWAE", "-92.1", "0.03")))
        .preformatted("seed = 7\nsteps = 400").section("Images").image("grid.png", "grid", "")
        .image("recon.png", "recon", "originals above reconstructions").write(page);
    assertEquals(List.of(), HtmlReport.missingImages(page));
  }
}
