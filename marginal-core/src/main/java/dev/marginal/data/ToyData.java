package dev.marginal.data;

import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import java.util.List;

/**
 * Two-dimensional toy densities for density estimation and sampling, with the conventions of the FFJORD toy set
 * (Grathwohl et al. 2019, {@code lib/toy_data.py}): the same shapes, noise levels and scales (most mass within
 * ±4). Every dataset has columns {@code x0, x1}; those made of groups (moons, rings, ...) label each point with
 * its group. The same {@code n} and key always give the same points.
 *
 * <ul>
 *   <li>{@code moons}: two interleaved half circles, noise sd 0.1, then {@code 2x + (−1, −0.2)}.
 *   <li>{@code 8gaussians}: eight N(4·c, 0.5²I) components at the compass points c, divided by 1.414.
 *   <li>{@code rings}: four concentric circles of radius 3, 2.25, 1.5, 0.75, noise sd 0.08.
 *   <li>{@code checkerboard}: uniform on the 8 dark squares of a 4×4 board of 2×2 squares on [−4, 4)².
 *   <li>{@code pinwheel}: five arms; radial sd 0.3, tangential sd 0.1, rate 0.25, scaled by 2.
 *   <li>{@code 2spirals}: two point-symmetric spirals of 1.5 turns, divided by 3, noise sd 0.1.
 *   <li>{@code circles}: two concentric circles (radius ratio 0.5), noise sd 0.08, scaled by 3.
 *   <li>{@code funnel}: the seed funnel x1 ~ N(0, 1.35²), x0 | x1 ~ N(0, e^{2·x1}).
 * </ul>
 */
public final class ToyData {
  /** The generators' names, in a fixed order. */
  public static final List<String> NAMES =
      List.of("moons", "8gaussians", "rings", "checkerboard", "pinwheel", "2spirals", "circles", "funnel");
  /** Column names of every toy dataset. */
  public static final List<String> COLUMNS = List.of("x0", "x1");
  /** Standard deviation of x1 in the funnel. */
  public static final double FUNNEL_SCALE = 1.35;

  private static final double TWO_PI = 2 * Math.PI;

  private ToyData() {}

  /**
   * Draws {@code n} points from the named toy density; the source is {@code toy:NAME?n=N&seed=S}, with S the
   * {@link RngKey#seed()} of {@code key}, so that {@code DataSources} reads the same points back from it.
   *
   * @param name one of {@link #NAMES}
   * @throws DataException listing the valid names if {@code name} is unknown
   */
  public static Dataset generate(String name, int n, RngKey key) {
    java.util.Objects.requireNonNull(name, "name");
    java.util.Objects.requireNonNull(key, "key");
    if (n < 1) {
      throw new DataException("toy:" + name + ": n must be at least 1, got " + n);
    }
    checkMemory(name, n);
    Points p =
        switch (name) {
          case "moons" -> moons(n, key);
          case "8gaussians" -> eightGaussians(n, key);
          case "rings" -> rings(n, key);
          case "checkerboard" -> checkerboard(n, key);
          case "pinwheel" -> pinwheel(n, key);
          case "2spirals" -> twoSpirals(n, key);
          case "circles" -> circles(n, key);
          case "funnel" -> funnel(n, key);
          default -> throw new DataException(
              "toy:" + name + ": unknown toy dataset (expected one of " + String.join(", ", NAMES) + ")");
        };
    Dataset data = Dataset.of("toy:" + name + "?n=" + n + "&seed=" + key.seed(), COLUMNS, p.xy);
    return p.labels == null ? data : data.withLabels(p.labels);
  }

  /** Bytes held per point while generating: two doubles, two floats and a label. */
  static final long BYTES_PER_POINT = 2 * 8 + 2 * 4 + 4;

  /** Refuses, before allocating, more points than one array or the heap can hold. */
  private static void checkMemory(String name, int n) {
    long max = Runtime.getRuntime().maxMemory();
    long bytes = n * BYTES_PER_POINT;
    if (2L * n > Integer.MAX_VALUE - 8 || bytes > max) {
      throw new DataException("toy:" + name + ": n=" + n + " points would need about " + (bytes >> 20)
          + " MiB, more than the " + (max >> 20) + " MiB heap; use a smaller n");
    }
  }

  /** Points {@code [n, 2]} row-major and optional group labels. */
  private record Points(float[] xy, int[] labels) {}

  private static Points moons(int n, RngKey key) {
    RngKey[] k = key.split(2);
    int nOut = n / 2;
    double[] x = new double[2 * n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      boolean outer = i < nOut;
      int m = outer ? nOut : n - nOut;
      double t = Math.PI * linspace(outer ? i : i - nOut, m);
      x[2 * i] = outer ? StrictMath.cos(t) : 1 - StrictMath.cos(t);
      x[2 * i + 1] = outer ? StrictMath.sin(t) : 0.5 - StrictMath.sin(t);
      labels[i] = outer ? 0 : 1;
    }
    addNoise(x, 0.1, k[0]);
    for (int i = 0; i < n; i++) {
      x[2 * i] = 2 * x[2 * i] - 1;
      x[2 * i + 1] = 2 * x[2 * i + 1] - 0.2;
    }
    return shuffled(x, labels, k[1]);
  }

  private static Points eightGaussians(int n, RngKey key) {
    RngKey[] k = key.split(2);
    double[] x = normals(2 * n, k[0]);
    double[] u = uniforms(n, k[1]);
    int[] labels = new int[n];
    double d = 1 / Math.sqrt(2);
    double[][] centers = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {d, d}, {d, -d}, {-d, d}, {-d, -d}};
    for (int i = 0; i < n; i++) {
      int c = Math.min(7, (int) (u[i] * 8));
      labels[i] = c;
      x[2 * i] = (0.5 * x[2 * i] + 4 * centers[c][0]) / 1.414;
      x[2 * i + 1] = (0.5 * x[2 * i + 1] + 4 * centers[c][1]) / 1.414;
    }
    return new Points(toFloat(x), labels);
  }

  private static Points rings(int n, RngKey key) {
    RngKey[] k = key.split(2);
    int quarter = n / 4;
    // Ring 0 (radius 0.25) takes the remainder, as in the reference.
    int[] counts = {n - 3 * quarter, quarter, quarter, quarter};
    double[] x = new double[2 * n];
    int[] labels = new int[n];
    int i = 0;
    for (int ring = 0; ring < 4; ring++) {
      double radius = 0.25 * (ring + 1);
      for (int j = 0; j < counts[ring]; j++, i++) {
        double t = TWO_PI * j / counts[ring];
        x[2 * i] = 3 * radius * StrictMath.cos(t);
        x[2 * i + 1] = 3 * radius * StrictMath.sin(t);
        labels[i] = ring;
      }
    }
    addNoise(x, 0.08, k[0]);
    return shuffled(x, labels, k[1]);
  }

  private static Points checkerboard(int n, RngKey key) {
    RngKey[] k = key.split(3);
    double[] u1 = uniforms(n, k[0]);
    double[] u2 = uniforms(n, k[1]);
    double[] u3 = uniforms(n, k[2]);
    double[] x = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double x1 = 4 * u1[i] - 2;
      double x2 = u2[i] - (u3[i] < 0.5 ? 0 : 2) + Math.floorMod((int) Math.floor(x1), 2);
      x[2 * i] = 2 * x1;
      x[2 * i + 1] = 2 * x2;
    }
    return new Points(toFloat(x), null);
  }

  private static Points pinwheel(int n, RngKey key) {
    double[] e = normals(2 * n, key);
    double[] x = new double[2 * n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 5;
      double radial = 1 + 0.3 * e[2 * i];
      double tangential = 0.1 * e[2 * i + 1];
      double angle = TWO_PI * labels[i] / 5 + 0.25 * StrictMath.exp(radial);
      double c = StrictMath.cos(angle);
      double s = StrictMath.sin(angle);
      x[2 * i] = 2 * (radial * c + tangential * s);
      x[2 * i + 1] = 2 * (-radial * s + tangential * c);
    }
    return new Points(toFloat(x), labels);
  }

  private static Points twoSpirals(int n, RngKey key) {
    RngKey[] k = key.split(5);
    int m = (n + 1) / 2;
    double[] u = uniforms(m, k[0]);
    double[] vx = uniforms(m, k[1]);
    double[] vy = uniforms(m, k[2]);
    double[] x = new double[2 * n];
    int[] labels = new int[n];
    for (int i = 0; i < m; i++) {
      double t = Math.sqrt(u[i]) * 3 * Math.PI; // 540 degrees
      x[2 * i] = (-StrictMath.cos(t) * t + 0.5 * vx[i]) / 3;
      x[2 * i + 1] = (StrictMath.sin(t) * t + 0.5 * vy[i]) / 3;
    }
    for (int i = m; i < n; i++) {
      x[2 * i] = -x[2 * (i - m)];
      x[2 * i + 1] = -x[2 * (i - m) + 1];
      labels[i] = 1;
    }
    addNoise(x, 0.1, k[3]);
    return shuffled(x, labels, k[4]);
  }

  private static Points circles(int n, RngKey key) {
    RngKey[] k = key.split(2);
    int nOut = n / 2;
    double[] x = new double[2 * n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      boolean outer = i < nOut;
      double t = TWO_PI * (outer ? i : i - nOut) / (outer ? nOut : n - nOut);
      double radius = outer ? 1 : 0.5;
      x[2 * i] = radius * StrictMath.cos(t);
      x[2 * i + 1] = radius * StrictMath.sin(t);
      labels[i] = outer ? 0 : 1;
    }
    addNoise(x, 0.08, k[0]);
    for (int i = 0; i < 2 * n; i++) {
      x[i] *= 3;
    }
    return shuffled(x, labels, k[1]);
  }

  private static Points funnel(int n, RngKey key) {
    double[] e = normals(2 * n, key);
    double[] x = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double x1 = FUNNEL_SCALE * e[2 * i + 1];
      x[2 * i] = StrictMath.exp(x1) * e[2 * i];
      x[2 * i + 1] = x1;
    }
    return new Points(toFloat(x), null);
  }

  /** Point {@code i} of {@code m} evenly spaced in [0, 1], both ends included (numpy's linspace). */
  private static double linspace(int i, int m) {
    return m == 1 ? 0 : (double) i / (m - 1);
  }

  private static void addNoise(double[] x, double sd, RngKey key) {
    double[] e = normals(x.length, key);
    for (int i = 0; i < x.length; i++) {
      x[i] += sd * e[i];
    }
  }

  /** Rows in a random order, so that the first rows of a dataset mix its groups. */
  private static Points shuffled(double[] x, int[] labels, RngKey key) {
    int n = labels.length;
    int[] perm = Batches.permutation(n, key);
    float[] xy = new float[2 * n];
    int[] outLabels = new int[n];
    for (int r = 0; r < n; r++) {
      xy[2 * r] = (float) x[2 * perm[r]];
      xy[2 * r + 1] = (float) x[2 * perm[r] + 1];
      outLabels[r] = labels[perm[r]];
    }
    return new Points(xy, outLabels);
  }

  private static double[] normals(int n, RngKey key) {
    double[] out = new double[n];
    Samplers.normals(key, out, 0, n);
    return out;
  }

  private static double[] uniforms(int n, RngKey key) {
    double[] out = new double[n];
    Samplers.uniforms(key, out, 0, n);
    return out;
  }

  private static float[] toFloat(double[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }
}
