package dev.marginal.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;

/** Draws point clouds as small translucent dots, clipped to the frame; non-finite points are skipped. */
final class Points {
  /** Dot diameter in pixels for clouds of up to {@link #SMALL_CLOUD} points, and for larger clouds. */
  private static final double SMALL_DIAMETER = 5.0;
  private static final double LARGE_DIAMETER = 3.6;
  private static final int SMALL_CLOUD = 500;
  /** Opacity of one dot: overlapping dots darken, so dense regions read as dense. */
  private static final int ALPHA = 150;

  private Points() {}

  static void draw(Graphics2D g, Axes axes, float[] xs, float[] ys, Color color) {
    Shape savedClip = g.getClip();
    g.clip(axes.plot);
    g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), ALPHA));
    double d = xs.length <= SMALL_CLOUD ? SMALL_DIAMETER : LARGE_DIAMETER;
    Ellipse2D.Double dot = new Ellipse2D.Double();
    for (int i = 0; i < xs.length; i++) {
      if (Float.isFinite(xs[i]) && Float.isFinite(ys[i])) {
        dot.setFrame(axes.px(xs[i]) - d / 2, axes.py(ys[i]) - d / 2, d, d);
        g.fill(dot);
      }
    }
    g.setClip(savedClip);
  }

  static void checkSameLength(float[] xs, float[] ys) {
    if (xs.length != ys.length) {
      throw new IllegalArgumentException("xs and ys differ in length: " + xs.length + " vs " + ys.length);
    }
  }
}
