package dev.marginal.random;

import dev.marginal.tensor.Kernels;

/**
 * Counter-based bulk samplers over a key's stream. Element {@code i} depends only on the key and {@code i}, so
 * results are identical however the work is split.
 */
public final class Samplers {
  /** Box–Muller pairs transformed per call of the kernel. */
  private static final int PAIRS_PER_BLOCK = 256;

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
   * {@code 2j+1} come from stream values {@code 2j} and {@code 2j+1}. {@code 1 − u} keeps the log finite. The
   * logarithm, cosine and sine are {@link StrictMath}'s, bit for bit ({@link Kernels#boxMuller}), on every processor.
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
    int block = (int) Math.min(PAIRS_PER_BLOCK, (end + 1) / 2 - (first >> 1));
    if (block <= 0) {
      return;
    }
    double[] u1 = new double[block];
    double[] u2 = new double[block];
    double[] z = new double[2 * block];
    for (long j0 = first >> 1; 2 * j0 < end; j0 += block) {
      int pairs = (int) Math.min(block, (end + 1) / 2 - j0);
      for (int q = 0; q < pairs; q++) {
        long j = j0 + q;
        u1[q] = 1.0 - RngKey.toUnit(RngKey.mix(s + (2L * j + 1) * RngKey.GAMMA));
        u2[q] = RngKey.toUnit(RngKey.mix(s + (2L * j + 2) * RngKey.GAMMA));
      }
      Kernels.get().boxMuller(u1, u2, pairs, z);
      // Normals 2·j0 … of the block, less those before first or from end on.
      long from = Math.max(2 * j0, first);
      long to = Math.min(2 * (j0 + pairs), end);
      for (long v = from; v < to; v++) {
        out[off + (int) (v - first)] = (float) z[(int) (v - 2 * j0)];
      }
    }
  }

  /** Double-precision variant of {@link #normals(RngKey, float[], int, int)}; the same stream. */
  public static void normals(RngKey key, double[] out, int off, int n) {
    int block = Math.min(PAIRS_PER_BLOCK, (n + 1) / 2);
    double[] u1 = new double[block];
    double[] u2 = new double[block];
    double[] z = new double[2 * block];
    for (int j0 = 0; 2 * j0 < n; j0 += block) {
      int pairs = Math.min(block, (n + 1) / 2 - j0);
      for (int q = 0; q < pairs; q++) {
        u1[q] = 1.0 - RngKey.toUnit(key.bits(2L * (j0 + q)));
        u2[q] = RngKey.toUnit(key.bits(2L * (j0 + q) + 1));
      }
      Kernels.get().boxMuller(u1, u2, pairs, z);
      System.arraycopy(z, 0, out, off + 2 * j0, Math.min(2 * pairs, n - 2 * j0));
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
