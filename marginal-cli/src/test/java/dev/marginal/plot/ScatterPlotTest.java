package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterPlotTest {
  private static final Color FIRST = new Color(0x1F77B4);
  private static final Color SECOND = new Color(0xFF7F0E);

  /** A deterministic spiral of {@code n} points (no randomness needed to fill the plane). */
  private static float[][] spiral(int n, double phase) {
    float[][] xy = new float[2][n];
    for (int i = 0; i < n; i++) {
      double r = 3.0 * i / n;
      double a = 0.05 * i + phase;
      xy[0][i] = (float) (r * Math.cos(a));
      xy[1][i] = (float) (r * Math.sin(a));
    }
    return xy;
  }

  @Test
  void twoSetsShowInTheirOwnColours(@TempDir Path dir) throws Exception {
    float[][] a = spiral(2000, 0);
    float[][] b = spiral(2000, Math.PI);
    Path png = dir.resolve("scatter.png");
    ScatterPlot.of("model", a[0], a[1]).withPoints("target", b[0], b[1]).withTitle("samples")
        .withAxisLabels("x1", "x2").withSize(500, 480).writePng(png);
    BufferedImage image = Pictures.read(png);
    assertEquals(500, image.getWidth());
    assertEquals(480, image.getHeight());
    assertTrue(Pictures.countNear(image, FIRST, 40) > 100, "first set visible");
    assertTrue(Pictures.countNear(image, SECOND, 40) > 100, "second set visible");
  }

  @Test
  void fixedBoxPlacesPointsWhereTheyBelong(@TempDir Path dir) throws Exception {
    float[] xs = new float[50];
    float[] ys = new float[50];
    java.util.Arrays.fill(xs, 1f);
    java.util.Arrays.fill(ys, -1f);
    Box box = Box.centred(2);
    Path png = dir.resolve("fixed.png");
    ScatterPlot.of(xs, ys).withBox(box).withEqualAspect(true).writePng(png);
    BufferedImage image = Pictures.read(png);
    Axes axes = Axes.layout(new Rectangle(0, 0, ScatterPlot.DEFAULT_WIDTH, ScatterPlot.DEFAULT_HEIGHT), box,
        false, true, 0);
    Color c = new Color(image.getRGB((int) Math.round(axes.px(1)), (int) Math.round(axes.py(-1))));
    assertTrue(c.getBlue() > c.getRed() + 60, "a blue dot at (1, -1), got " + c);
    Color empty = new Color(image.getRGB((int) Math.round(axes.px(-1)), (int) Math.round(axes.py(1))));
    assertEquals(Color.WHITE, empty);
  }

  /** Points crowded into the top-right corner, where a legend sits by default: it moves to a free corner. */
  @Test
  void legendTakesTheCornerThePointsLeaveFree(@TempDir Path dir) throws Exception {
    float[] xs = new float[200];
    float[] ys = new float[200];
    java.util.Arrays.fill(xs, 1.8f);
    java.util.Arrays.fill(ys, 1.8f);
    Box box = Box.centred(2);
    Path png = dir.resolve("corner.png");
    ScatterPlot.of("exact", xs, ys).withPoints("surrogate", new float[] {-1f}, new float[] {-1f}).withBox(box)
        .withEqualAspect(true).writePng(png);
    BufferedImage image = Pictures.read(png);
    Axes axes = Axes.layout(new Rectangle(0, 0, ScatterPlot.DEFAULT_WIDTH, ScatterPlot.DEFAULT_HEIGHT), box,
        false, true, 0);
    Color c = new Color(image.getRGB((int) Math.round(axes.px(1.8)), (int) Math.round(axes.py(1.8))));
    assertTrue(c.getBlue() > c.getRed() + 60, "the points at (1.8, 1.8) are covered, got " + c);
  }

  /**
   * The demo's U2 picture: a cloud inside a support outline drawn as points, in a box a tenth wider, so that the
   * outline runs past all four corners where a legend sits. The legend crosses no side of the outline and covers
   * no point.
   */
  @Test
  void legendKeepsOffAnOutlineThatRunsPastEveryCorner() {
    int n = 1000;
    int perSide = 400;
    float[] xs = new float[n];
    float[] ys = new float[n];
    for (int i = 0; i < n; i++) {
      xs[i] = (float) (-4 + 8.0 * i / (n - 1));
      ys[i] = (float) (2 * Math.sin(0.37 * i));
    }
    float[] ox = new float[4 * perSide];
    float[] oy = new float[4 * perSide];
    for (int i = 0; i < perSide; i++) {
      float u = (float) (-4 + 8.0 * i / perSide);
      float[][] sides = {{u, -4}, {4, u}, {-u, 4}, {-4, -u}};
      for (int k = 0; k < 4; k++) {
        ox[4 * i + k] = sides[k][0];
        oy[4 * i + k] = sides[k][1];
      }
    }
    Box box = new Box(-4.8, 4.8, -4.8, 4.8);
    ScatterPlot plot = ScatterPlot.of("surrogate", xs, ys).withPoints("support [-4, 4]^2", ox, oy).withBox(box)
        .withEqualAspect(true).withTitle("surrogate samples").withAxisLabels("x0", "x1");
    Rectangle area = new Rectangle(440, 34, 440, 380);
    Rectangle legend = plot.legendBounds(area);
    Axes axes = Axes.layout(area, box, true, true, 0);
    double left = axes.px(-4);
    double right = axes.px(4);
    double top = axes.py(4);
    double bottom = axes.py(-4);
    assertTrue(axes.plot.contains(legend), "legend " + legend + " inside the frame " + axes.plot);
    assertFalse(legend.intersectsLine(left, top, right, top), "legend " + legend + " crosses the top side");
    assertFalse(legend.intersectsLine(right, top, right, bottom), "legend " + legend + " crosses the right side");
    assertFalse(legend.intersectsLine(left, bottom, right, bottom), "legend crosses the bottom side");
    assertFalse(legend.intersectsLine(left, top, left, bottom), "legend " + legend + " crosses the left side");
    for (int i = 0; i < n; i++) {
      assertFalse(legend.contains(axes.px(xs[i]), axes.py(ys[i])), "legend covers point " + i);
    }
  }

  /** Points a fixed box clips are counted in the legend, per set; a box fitted to the data clips none. */
  @Test
  void fixedBoxCountsThePointsItClips() {
    float[] xs = {0f, 1f, -1.5f, 2.5f, 0f, Float.NaN};
    float[] ys = {0f, 1f, 1.5f, 0f, -3f, 0f};
    Box box = Box.centred(2);
    assertEquals(List.of("surrogate (2 outside the frame)", "exact"),
        ScatterPlot.of("surrogate", xs, ys).withPoints("exact", new float[] {1f}, new float[] {1f}).withBox(box)
            .legendNames());
    assertEquals(List.of("2 points outside the frame"), ScatterPlot.of(xs, ys).withBox(box).legendNames());
    assertEquals(List.of("1 point outside the frame"),
        ScatterPlot.of(new float[] {3f}, new float[] {0f}).withBox(box).legendNames());
    assertEquals(List.of("surrogate"), ScatterPlot.of("surrogate", xs, ys).legendNames());
    assertEquals(List.of(), ScatterPlot.of(new float[] {1f}, new float[] {1f}).withBox(box).legendNames());
  }

  @Test
  void equalAspectGivesSquareUnits() {
    Axes axes = Axes.layout(new Rectangle(0, 0, 800, 400), new Box(0, 4, 0, 1), true, true, 0);
    double xUnit = axes.px(1) - axes.px(0);
    double yUnit = axes.py(0) - axes.py(1);
    assertEquals(xUnit, yUnit, 0.02 * xUnit);
  }

  @Test
  void mismatchedCoordinatesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ScatterPlot.of(new float[3], new float[2]));
  }
}
