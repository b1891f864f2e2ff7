package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePlotTest {
  private static double[] decay(int n, double scale) {
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      ys[i] = scale * (90 + 200 * Math.exp(-i / 40.0));
    }
    return ys;
  }

  @Test
  void writesSeriesInDistinctColours(@TempDir Path dir) throws Exception {
    double[] train = decay(300, 1.0);
    double[] test = decay(300, 1.05);
    for (int i = 100; i < 120; i++) {
      train[i] = Double.NaN;
    }
    Path png = dir.resolve("curves.png");
    LinePlot.titled("training").withAxisLabels("step", "-ELBO (nats)").withSeries("train", train)
        .withSeries("test", test).withSize(640, 400).writePng(png);
    BufferedImage image = Pictures.read(png);
    assertEquals(640, image.getWidth());
    assertEquals(400, image.getHeight());
    assertTrue(Pictures.countNear(image, new Color(0x1F77B4), 30) > 50, "first series drawn");
    assertTrue(Pictures.countNear(image, new Color(0xFF7F0E), 30) > 50, "second series drawn");
  }

  @Test
  void logScaleLeavesOutValuesThatAreNotPositive(@TempDir Path dir) throws Exception {
    double[] ys = decay(100, 1e-2);
    ys[10] = 0;
    ys[11] = -3;
    ys[12] = Double.POSITIVE_INFINITY;
    Path png = dir.resolve("log.png");
    LinePlot.titled("log").withSeries("loss", ys).withLogY(true).writePng(png);
    assertTrue(Pictures.distinctColours(Pictures.read(png)) > 4);
  }

  /** Mean column of the pixels near {@code colour}, as a share of the span of those columns (0 left, 1 right). */
  private static double centroidShare(BufferedImage image, Color colour) {
    double sum = 0;
    int n = 0;
    int lo = Integer.MAX_VALUE;
    int hi = Integer.MIN_VALUE;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        Color c = new Color(image.getRGB(x, y));
        if (Math.abs(c.getRed() - colour.getRed()) <= 30 && Math.abs(c.getGreen() - colour.getGreen()) <= 30
            && Math.abs(c.getBlue() - colour.getBlue()) <= 30) {
          sum += x;
          n++;
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
    }
    return (sum / n - lo) / (hi - lo);
  }

  @Test
  void logScaleDrawsAnExponentialAsAStraightLine(@TempDir Path dir) throws Exception {
    double[] xs = new double[61];
    double[] ys = new double[61];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i / 10.0;
      ys[i] = Math.pow(10, xs[i]);
    }
    Color blue = new Color(0x1F77B4);
    Path log = dir.resolve("log.png");
    LinePlot.titled("").withSeries("exp", xs, ys).withLogY(true).writePng(log);
    // A straight line has as many pixels on each side of its middle column; y = 10^x on a linear axis (the mutant
    // that forgets the log) hugs the bottom, so most of its pixels, counted by column, lie to the right.
    double straight = centroidShare(Pictures.read(log), blue);
    assertEquals(0.5, straight, 0.03, "log axis");
    Path linear = dir.resolve("linear.png");
    LinePlot.titled("").withSeries("exp", xs, ys).writePng(linear);
    assertTrue(centroidShare(Pictures.read(linear), blue) > 0.6, "linear axis bends the line");
  }

  /**
   * Pixels of the legend's frame colour in the left ({@code left}) or right half of the image: grey 0xBB, drawn on
   * pixel edges with antialiasing, so half of it lands on each of two pixels over white (0xDD).
   */
  private static int legendFramePixels(BufferedImage image, boolean left) {
    int n = 0;
    int half = image.getWidth() / 2;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = left ? 0 : half; x < (left ? half : image.getWidth()); x++) {
        int rgb = image.getRGB(x, y);
        int red = (rgb >> 16) & 0xFF;
        n += red >= 0xD8 && red <= 0xDE && red == (rgb & 0xFF) && red == ((rgb >> 8) & 0xFF) ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void legendTakesTheCornerTheCurvesLeaveFree(@TempDir Path dir) throws Exception {
    double[] xs = new double[101];
    double[] up = new double[101];
    double[] down = new double[101];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i / 10.0;
      up[i] = xs[i];
      down[i] = 10 - xs[i];
    }
    Path rising = dir.resolve("rising.png");
    LinePlot.titled("").withSeries("a", xs, up).withSeries("b", xs, up.clone()).writePng(rising);
    Path falling = dir.resolve("falling.png");
    LinePlot.titled("").withSeries("a", xs, down).withSeries("b", xs, down.clone()).writePng(falling);
    // Same axes and tick labels in both: only the legend's place differs (top left over a rising line, top right
    // over a falling one).
    BufferedImage r = Pictures.read(rising);
    BufferedImage f = Pictures.read(falling);
    assertTrue(legendFramePixels(r, true) - legendFramePixels(f, true) > 50, "legend left of a rising line");
    assertTrue(legendFramePixels(f, false) - legendFramePixels(r, false) > 50, "legend right of a falling line");
  }

  /**
   * Flat curves along the top and the bottom of the frame touch all four corners: the legend moves between them
   * and crosses no segment.
   */
  @Test
  void legendLeavesTheCornersWhenCurvesRunThroughThemAll() {
    double[] xs = new double[101];
    double[] high = new double[101];
    double[] low = new double[101];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i / 10.0;
      high[i] = 10;
      low[i] = 0;
    }
    LinePlot plot = LinePlot.titled("flat").withSeries("high", xs, high).withSeries("low", xs, low);
    Rectangle area = new Rectangle(0, 0, LinePlot.DEFAULT_WIDTH, LinePlot.DEFAULT_HEIGHT);
    Rectangle legend = plot.legendBounds(area);
    Axes axes = Axes.layout(area, new Box(0, 10, -0.5, 10.5), false, true, false, 0);
    assertTrue(axes.plot.contains(legend), "legend " + legend + " inside the frame " + axes.plot);
    for (double[] ys : List.of(high, low)) {
      for (int i = 0; i + 1 < xs.length; i++) {
        assertFalse(legend.intersectsLine(axes.px(xs[i]), axes.py(ys[i]), axes.px(xs[i + 1]), axes.py(ys[i + 1])),
            "legend " + legend + " crosses the segment at x = " + xs[i]);
      }
    }
  }

  @Test
  void seriesWithNothingToShowIsNamedButNotDrawn(@TempDir Path dir) throws Exception {
    double[] nan = {Double.NaN, Double.NaN, Double.NaN};
    Path png = dir.resolve("partial.png");
    LinePlot.titled("diverged").withSeries("ok", decay(50, 1)).withSeries("diverged", nan).writePng(png);
    Pictures.read(png);
    Path none = dir.resolve("none.png");
    LinePlot onlyNaN = LinePlot.titled("nothing").withSeries("diverged", nan);
    assertThrows(IllegalArgumentException.class, () -> onlyNaN.writePng(none));
    assertFalse(Files.exists(none));
  }

  @Test
  void badSeriesAreRejected() {
    LinePlot plot = LinePlot.titled("t").withSeries("a", new double[] {1, 2});
    assertThrows(IllegalArgumentException.class, () -> plot.withSeries("a", new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> plot.withSeries("b", new double[] {1, 2}, new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> plot.withSeries("c", new double[] {Double.NaN}, new double[] {1}));
  }
}
