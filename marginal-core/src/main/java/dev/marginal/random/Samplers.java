package dev.marginal.random;

/**
 * Counter-based bulk samplers over a key's stream. Element {@code i} depends only on the key and {@code i}, so
 * results are identical however the work is split.
 */
public final class Samplers {
  private static final double TWO_PI = 2 * Math.PI;

  private Samplers() {}

  /** Fills {@code out[off .. off+n)} with uniforms in [0, 1) (stream values 0..n-1). */
  public static void uniforms(RngKey key, float[] out, int off, int n) {
    uniforms(key, 0, out, off, n);
  }

  /**
   * Fills {@code out[off .. off+n)} with stream values {@code first .. first+n-1} of the float uniforms: any slice
   * of the stream, computed without the values before it.
   */
  public static void uniforms(RngKey key, long first, float[] out, int off, int n) {
    long s = RngKey.mix(key.state());
    for (int i = 0; i < n; i++) {
      // Float from the top 24 bits: exactly representable, strictly below 1.
      out[off + i] = (RngKey.mix(s + (first + i + 1) * RngKey.GAMMA) >>> 40) * 0x1.0p-24f;
    }
  }

  /** Fills {@code out[off .. off+n)} with uniforms in [0, 1) as doubles. */
  public static void uniforms(RngKey key, double[] out, int off, int n) {
    for (int i = 0; i < n; i++) {
      out[off + i] = RngKey.toUnit(key.bits(i));
    }
  }

  /**
   * Fills {@code out[off .. off+n)} with standard normals by the Box–Muller transform: normals {@code 2j} and
   * {@code 2j+1} come from stream values {@code 2j} and {@code 2j+1}. {@code 1 − u} keeps the log finite.
   */
  public static void normals(RngKey key, float[] out, int off, int n) {
    normals(key, 0, out, off, n);
  }

  /**
   * Fills {@code out[off .. off+n)} with normals {@code first .. first+n-1} of the stream of
   * {@link #normals(RngKey, float[], int, int)}: any slice, bit for bit the values a whole draw puts there, computed
   * without the pairs before it (a slice may start or end in the middle of a Box–Muller pair).
   */
  public static void normals(RngKey key, long first, float[] out, int off, int n) {
    long s = RngKey.mix(key.state());
    long end = first + n;
    for (long j = first >> 1; 2 * j < end; j++) {
      double u1 = 1.0 - RngKey.toUnit(RngKey.mix(s + (2L * j + 1) * RngKey.GAMMA));
      double u2 = RngKey.toUnit(RngKey.mix(s + (2L * j + 2) * RngKey.GAMMA));
      double r = Math.sqrt(-2.0 * StrictMath.log(u1));
      double t = TWO_PI * u2;
      if (2 * j >= first) {
        out[off + (int) (2 * j - first)] = (float) (r * StrictMath.cos(t));
      }
      if (2 * j + 1 < end) {
        out[off + (int) (2 * j + 1 - first)] = (float) (r * StrictMath.sin(t));
      }
    }
  }

  /** Double-precision variant of {@link #normals(RngKey, float[], int, int)}; the same stream. */
  public static void normals(RngKey key, double[] out, int off, int n) {
    for (int j = 0; 2 * j < n; j++) {
      double u1 = 1.0 - RngKey.toUnit(key.bits(2L * j));
      double u2 = RngKey.toUnit(key.bits(2L * j + 1));
      double r = Math.sqrt(-2.0 * StrictMath.log(u1));
      double t = TWO_PI * u2;
      out[off + 2 * j] = r * StrictMath.cos(t);
      if (2 * j + 1 < n) {
        out[off + 2 * j + 1] = r * StrictMath.sin(t);
      }
    }
  }

  /**
   * Draws a category index from unnormalised log-probabilities by inverse CDF.
   *
   * @param logits log-weights; −∞ entries are never chosen
   */
  public static int categorical(RngKey key, double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
      throw new IllegalArgumentException("categorical needs at least one finite logit");
    }
    double total = 0;
    for (double l : logits) {
      total += StrictMath.exp(l - max);
    }
    double u = key.uniform() * total;
    double acc = 0;
    int last = 0;
    for (int c = 0; c < logits.length; c++) {
      double w = StrictMath.exp(logits[c] - max);
      if (w > 0) {
        last = c;
      }
      acc += w;
      if (u < acc) {
        return c;
      }
    }
    return last;
  }
}
