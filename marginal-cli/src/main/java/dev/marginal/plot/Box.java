package dev.marginal.plot;

/**
 * An axis-aligned rectangle of the plane, {@code [xmin, xmax] × [ymin, ymax]}: the region a plot shows.
 *
 * @param xmin left edge
 * @param xmax right edge, greater than {@code xmin}
 * @param ymin bottom edge
 * @param ymax top edge, greater than {@code ymin}
 */
public record Box(double xmin, double xmax, double ymin, double ymax) {
  /** Validates that the box is finite and has positive width and height. */
  public Box {
    if (!(Double.isFinite(xmin) && Double.isFinite(xmax) && Double.isFinite(ymin) && Double.isFinite(ymax))) {
      throw new IllegalArgumentException("box edges must be finite: " + this);
    }
    if (!(xmax > xmin) || !(ymax > ymin)) {
      throw new IllegalArgumentException("box must have xmin < xmax and ymin < ymax: " + this);
    }
  }

  /** The square {@code [-halfWidth, halfWidth]²} centred at the origin. */
  public static Box centred(double halfWidth) {
    return new Box(-halfWidth, halfWidth, -halfWidth, halfWidth);
  }

  /** Width, {@code xmax - xmin}. */
  public double width() {
    return xmax - xmin;
  }

  /** Height, {@code ymax - ymin}. */
  public double height() {
    return ymax - ymin;
  }

  /**
   * The smallest box holding every finite point, widened by {@code margin} of its size on each side, and at least
   * a unit wide where all points share a coordinate; null if there is no finite point.
   */
  public static Box around(float[] xs, float[] ys, double margin) {
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < xs.length; i++) {
      if (Float.isFinite(xs[i]) && Float.isFinite(ys[i])) {
        x0 = Math.min(x0, xs[i]);
        x1 = Math.max(x1, xs[i]);
        y0 = Math.min(y0, ys[i]);
        y1 = Math.max(y1, ys[i]);
      }
    }
    if (x0 > x1) {
      return null;
    }
    double mx = x1 > x0 ? margin * (x1 - x0) : 0.5;
    double my = y1 > y0 ? margin * (y1 - y0) : 0.5;
    return new Box(x0 - mx, x1 + mx, y0 - my, y1 + my);
  }

  /** The smallest box containing both. */
  Box union(Box o) {
    return new Box(Math.min(xmin, o.xmin), Math.max(xmax, o.xmax), Math.min(ymin, o.ymin), Math.max(ymax, o.ymax));
  }
}
