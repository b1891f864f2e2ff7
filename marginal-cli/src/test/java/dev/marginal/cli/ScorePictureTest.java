package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.plot.DensityPlot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score --png}: the log density of a two-column model over the scored rows, for exact models, deep LVMs and
 * an LVM on a bounded support (whose cells outside it have zero density); models it cannot draw are refused before
 * anything is scored or written.
 */
class ScorePictureTest {
  @TempDir Path dir;

  private Path fit(String name, String... args) {
    Path out = dir.resolve(name);
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--out", out.toString()));
    CliRun r = CliRun.of(all.toArray(new String[0]));
    assertEquals(0, r.code(), r.toString());
    return out;
  }

  private void drawn(Path model, String data) throws IOException {
    Path png = dir.resolve(model.getFileName() + ".png");
    CliRun r = CliRun.of("score", "--model", model.toString(), "--data", data, "--out",
        dir.resolve(model.getFileName() + ".csv").toString(), "--png", png.toString(), "--json");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("\"png\":\"" + png + "\""), r.out());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(DensityPlot.DEFAULT_WIDTH, image.getWidth());
    assertEquals(DensityPlot.DEFAULT_HEIGHT, image.getHeight());
  }

  @Test
  void exactModelsAndDeepLvmsAreDrawn() throws IOException {
    drawn(fit("g.marginal", "fit", "--data", "toy:moons?n=200", "--model", "gmm", "--components", "3"),
        "toy:moons?n=50&seed=3");
    drawn(fit("p.marginal", "fit", "--data", "toy:moons?n=200", "--model", "ppca", "--latent", "1", "--standardize"),
        "toy:moons?n=50&seed=3");
    drawn(fit("l.marginal", "fit", "--data", "toy:moons?n=200", "--model", "lvm", "--hidden", "8", "--epochs", "1"),
        "toy:moons?n=50&seed=3");
  }

  /**
   * U2 lives on the open box (−4, 4)²: rows near two corners widen the picture beyond it, where the model refuses
   * to score points; those cells are drawn with zero density instead.
   */
  @Test
  void anLvmOnABoundedSupportIsDrawnWithZeroDensityOutside() throws IOException {
    Path u2 = fit("u2.marginal", "target", "--target", "u2", "--iters", "20", "--eval-samples", "20", "--eval-k", "10");
    Path rows = Files.writeString(dir.resolve("corners.csv"), "x0,x1\n-3.9,-3.9\n3.9,3.9\n0,0.5\n");
    drawn(u2, rows.toString());
  }

  /** From 100 rows on, a far outlier falls beyond the frame instead of shrinking the rest to a dot. */
  @Test
  void theFrameLeavesFarOutliersOut() {
    float[] xs = new float[200];
    float[] ys = new float[200];
    for (int i = 0; i < 200; i++) {
      xs[i] = (float) Math.cos(i);
      ys[i] = (float) Math.sin(i);
    }
    xs[7] = 1e6f;
    ys[7] = -1e6f;
    dev.marginal.plot.Box box = DensityPicture.frame(xs, ys);
    assertTrue(box.width() < 3 && box.height() < 3, box.toString());
    dev.marginal.plot.Box few = DensityPicture.frame(java.util.Arrays.copyOf(xs, 50), java.util.Arrays.copyOf(ys, 50));
    assertTrue(few.xmax() > 1e6, "below 100 rows every row is in the frame: " + few);
  }

  @Test
  void modelsItCannotDrawAreRefusedBeforeScoring() throws IOException {
    StringBuilder csv = new StringBuilder("a,b,c\n");
    for (int i = 0; i < 30; i++) {
      csv.append(i % 3).append(',').append(i % 5).append(',').append(i % 7).append('\n');
    }
    Path data = Files.writeString(dir.resolve("three.csv"), csv);
    Path three = fit("three.marginal", "fit", "--data", data.toString(), "--model", "gmm");
    Path out = dir.resolve("refused.csv");
    CliRun r = CliRun.of("score", "--model", three.toString(), "--data", data.toString(), "--out", out.toString(),
        "--png", dir.resolve("refused.png").toString());
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(List.of("marginal: --png draws a density over two columns; the model has 3"), r.errLines());
    Path bits = Files.writeString(dir.resolve("bits.csv"), "a,b\n0,1\n1,0\n1,1\n0,0\n1,1\n0,1\n");
    Path bernoulli = fit("bits.marginal", "fit", "--data", bits.toString(), "--model", "lvm", "--hidden", "4",
        "--epochs", "1");
    CliRun b = CliRun.of("score", "--model", bernoulli.toString(), "--data", bits.toString(), "--out", out.toString(),
        "--png", dir.resolve("refused.png").toString());
    assertEquals(Cli.EXIT_USAGE, b.code(), b.toString());
    assertEquals(List.of("marginal: --png draws a density over the plane; a bernoulli decoder's model is of binary"
        + " values"), b.errLines());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(dir.resolve("refused.png")));
  }
}
