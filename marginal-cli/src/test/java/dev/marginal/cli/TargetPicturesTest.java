package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.plot.Box;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import dev.marginal.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The picture of {@code marginal target --png}, drawn beside an untrained surrogate (no training needed). */
class TargetPicturesTest {
  /** U2's exact log Z is about 2.08: its heat map shows log p = log p̃ − log Z, as the colour bar's label says. */
  @Test
  void logDensityGridIsNormalizedByTheTargetsLogZ() {
    Target u2 = Targets.of("u2");
    double[] b = u2.box();
    Box box = new Box(b[0], b[1], b[2], b[3]);
    double[][] grid = TargetPictures.logDensityGrid(u2, box);
    int r = 70;
    int c = 90;
    float x = (float) (box.xmin() + (c + 0.5) * box.width() / TargetPictures.GRID);
    float y = (float) (box.ymin() + (r + 0.5) * box.height() / TargetPictures.GRID);
    double logPTilde = u2.logDensity(Tensor.wrap(new float[] {x, y}, 1, 2)).buffer()[0];
    double logZ = u2.logZ().orElseThrow();
    assertTrue(logZ > 2, "U2's log Z " + logZ);
    assertEquals(logPTilde - logZ, grid[r][c], 1e-5);
  }

  /**
   * The 40-mode mixture's unit-variance modes cover a small share of its box: drawn as a density, nearly all of the
   * heat map is the colour map's dark end (88% of it); drawn as a log density over 12 nats, each mode shows a wide
   * halo (71% dark).
   */
  @Test
  void twoDimensionalTargetIsDrawnAsItsLogDensity(@TempDir Path dir) throws Exception {
    DeepLvm surrogate = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN), RngKey.of(1), null);
    Path png = dir.resolve("gmm40.png");
    TargetPictures.write(png, Targets.of("gmm40"), surrogate, 0);
    BufferedImage image = ImageIO.read(png.toFile());
    int darkest = 0;
    int coloured = 0;
    for (int yy = 0; yy < image.getHeight(); yy++) {
      for (int xx = 0; xx < image.getWidth() / 2; xx++) {
        int rgb = image.getRGB(xx, yy);
        int red = (rgb >> 16) & 0xFF;
        int green = (rgb >> 8) & 0xFF;
        int blue = rgb & 0xFF;
        coloured += Math.max(red, Math.max(green, blue)) - Math.min(red, Math.min(green, blue)) > 30 ? 1 : 0;
        darkest += Math.abs(red - 68) <= 8 && green <= 12 && Math.abs(blue - 84) <= 8 ? 1 : 0;
      }
    }
    double share = darkest / (double) coloured;
    assertTrue(share < 0.8, "share of the heat map at viridis's dark end: " + share);
  }
}
