package dev.marginal.plot;

/**
 * The viridis colormap (van der Walt and Smith, matplotlib 2.0): perceptually uniform, readable in grayscale and
 * by colour-blind readers. Stored as a 256-entry table interpolated linearly between 11 anchors, matplotlib's
 * viridis at {@code t = 0, 0.1, ..., 1}.
 */
final class Viridis {
  /** Matplotlib's {@code _viridis_data} rows 0, 25, 51, 76, 102, 127, 153, 178, 204, 229, 255 (sRGB in [0, 1]). */
  private static final double[][] ANCHORS = {
      {0.267004, 0.004874, 0.329415}, {0.282327, 0.140926, 0.457517}, {0.253935, 0.265254, 0.529983},
      {0.206756, 0.371758, 0.553117}, {0.163625, 0.471133, 0.558148}, {0.127568, 0.566949, 0.550556},
      {0.134692, 0.658636, 0.517649}, {0.266941, 0.748751, 0.440573}, {0.477504, 0.821444, 0.318195},
      {0.741388, 0.873449, 0.149561}, {0.993248, 0.906157, 0.143936},
  };
  private static final int LEVELS = 256;
  private static final int[] TABLE = buildTable();

  private Viridis() {}

  /**
   * The packed {@code 0xRRGGBB} colour for {@code t}; {@code t} is clamped to [0, 1] and NaN maps to the low end.
   */
  static int rgb(double t) {
    if (!(t > 0)) {
      return TABLE[0];
    }
    int i = (int) Math.round(Math.min(t, 1.0) * (LEVELS - 1));
    return TABLE[i];
  }

  private static int[] buildTable() {
    int[] table = new int[LEVELS];
    int segments = ANCHORS.length - 1;
    for (int i = 0; i < LEVELS; i++) {
      double pos = (double) i / (LEVELS - 1) * segments;
      int lo = Math.min((int) pos, segments - 1);
      double f = pos - lo;
      int rgb = 0;
      for (int c = 0; c < 3; c++) {
        double v = ANCHORS[lo][c] * (1 - f) + ANCHORS[lo + 1][c] * f;
        rgb = (rgb << 8) | (int) Math.round(v * 255);
      }
      table[i] = rgb;
    }
    return table;
  }
}
