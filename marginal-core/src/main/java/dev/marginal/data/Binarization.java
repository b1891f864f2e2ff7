package dev.marginal.data;

import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import java.util.Locale;

/**
 * How grey-scale intensities in [0, 1] become the binary pixels a Bernoulli decoder models.
 *
 * <ul>
 *   <li>{@link #DYNAMIC} (the default): every time a batch is used, each pixel is redrawn as
 *       x ~ Bernoulli(intensity) with that step's key, so the model never sees the same binary image twice and
 *       does not overfit one binarization (the protocol of Burda et al. 2016).
 *   <li>{@link #FIXED}: one Bernoulli draw for the whole dataset, made once before training with the key given to
 *       {@link #prepare}; a fixed key gives the same binary dataset in every run.
 *   <li>{@link #THRESHOLD}: deterministic, x = 1 where intensity ≥ 0.5.
 *   <li>{@link #NONE}: intensities are used as they are.
 * </ul>
 *
 * A trainer calls {@link #prepare} once on the training set and {@link #batch} on every batch; each mode acts in
 * exactly one of the two.
 */
public enum Binarization {
  DYNAMIC,
  FIXED,
  THRESHOLD,
  NONE;

  /** The default mode. */
  public static final Binarization DEFAULT = DYNAMIC;
  /** Intensity at or above which {@link #THRESHOLD} gives 1. */
  public static final float THRESHOLD_LEVEL = 0.5f;

  /**
   * The mode named {@code dynamic}, {@code fixed}, {@code threshold} or {@code none} (any case).
   *
   * @throws DataException naming the valid modes otherwise
   */
  public static Binarization parse(String name) {
    for (Binarization b : values()) {
      if (b.name().equalsIgnoreCase(name)) {
        return b;
      }
    }
    throw new DataException("unknown binarization '" + name + "' (expected dynamic, fixed, threshold or none)");
  }

  /**
   * The dataset to train on: binarized once for {@link #FIXED} (with {@code key}) and {@link #THRESHOLD},
   * unchanged for {@link #DYNAMIC} and {@link #NONE}.
   */
  public Dataset prepare(Dataset data, RngKey key) {
    return switch (this) {
      case FIXED -> binarize(data, key);
      case THRESHOLD -> data.withValues(threshold(data.values()));
      case DYNAMIC, NONE -> data;
    };
  }

  /**
   * A batch as the model should see it: a fresh Bernoulli draw with {@code stepKey} for {@link #DYNAMIC}; the
   * same array otherwise.
   *
   * @param batch intensities in [0, 1], any shape
   */
  public float[] batch(float[] batch, RngKey stepKey) {
    return this == DYNAMIC ? binarize(batch, stepKey) : batch;
  }

  /**
   * One Bernoulli draw per value: {@code out[i] = 1} if {@code u_i < p[i]}, where {@code u_i} is value {@code i}
   * of the key's uniform stream, so E[out[i]] = p[i] (to 2⁻²⁴).
   *
   * @param p probabilities in [0, 1], any shape
   * @throws DataException if a value lies outside [0, 1]
   */
  public static float[] binarize(float[] p, RngKey key) {
    float[] u = new float[p.length];
    Samplers.uniforms(key, u, 0, p.length);
    for (int i = 0; i < p.length; i++) {
      checkIntensity(p, i);
      u[i] = u[i] < p[i] ? 1f : 0f;
    }
    return u;
  }

  /**
   * {@link #binarize(float[], RngKey)} of rows that are part of a larger data set: row {@code r} of {@code p} is
   * row {@code rowIds[r]} of that set and uses stream values {@code rowIds[r]·d .. rowIds[r]·d + d − 1}, so every
   * row gets the draw it gets when the whole set is binarized at once, wherever and in whatever company it is.
   *
   * @param p probabilities {@code [rowIds.length, d]}, row-major
   * @param rowIds each row's index in the whole set, ≥ 0
   */
  public static float[] binarizeRows(float[] p, int d, long[] rowIds, RngKey key) {
    if (p.length != (long) rowIds.length * d) {
      throw new IllegalArgumentException(p.length + " values for " + rowIds.length + " rows of " + d);
    }
    float[] u = new float[p.length];
    for (int r = 0; r < rowIds.length; r++) {
      if (rowIds[r] < 0) {
        throw new IllegalArgumentException("row ids must be >= 0, got " + rowIds[r]);
      }
      Samplers.uniforms(key, rowIds[r] * d, u, r * d, d);
    }
    for (int i = 0; i < p.length; i++) {
      checkIntensity(p, i);
      u[i] = u[i] < p[i] ? 1f : 0f;
    }
    return u;
  }

  /** {@link #binarize(float[], RngKey)} applied to every value of a dataset. */
  public static Dataset binarize(Dataset data, RngKey key) {
    return data.withValues(binarize(data.values(), key));
  }

  /** 1 where {@code p[i] ≥ 0.5}, else 0. */
  public static float[] threshold(float[] p) {
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      checkIntensity(p, i);
      out[i] = p[i] >= THRESHOLD_LEVEL ? 1f : 0f;
    }
    return out;
  }

  private static void checkIntensity(float[] p, int i) {
    if (!(p[i] >= 0f && p[i] <= 1f)) {
      throw new DataException(
          "binarization needs intensities in [0, 1], found " + p[i] + " at index " + i);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
