package dev.marginal.targets;

import dev.marginal.tensor.Tensor;

/**
 * A hard-to-reach region {x : x[column] &lt; threshold} of a target and its probability under the normalized
 * target. Reporting the fraction of a surrogate's samples that fall inside, against {@link #mass()}, shows whether
 * the surrogate covers it (a funnel's neck is the classic case).
 *
 * @param description one line, e.g. {@code "x1 < -2 (funnel neck)"}
 * @param mass the exact probability of the region under p, in [0, 1]
 * @param column the coordinate tested
 * @param threshold points with {@code x[column] < threshold} are inside
 */
public record HardRegion(String description, double mass, int column, double threshold) {
  /** Validates the fields. */
  public HardRegion {
    if (!(mass >= 0 && mass <= 1)) {
      throw new IllegalArgumentException("hard-region mass must lie in [0, 1], got " + mass);
    }
    if (column < 0) {
      throw new IllegalArgumentException("hard-region column must be >= 0, got " + column);
    }
  }

  /**
   * Whether a point lies in the region.
   *
   * @param x one point, length at least {@code column + 1}
   */
  public boolean contains(float[] x) {
    return x[column] < threshold;
  }

  /** The fraction of the rows of {@code samples} ({@code [n, dim]}) inside the region. */
  public double fractionInside(Tensor samples) {
    int n = samples.dim(0);
    int d = samples.dim(1);
    float[] b = samples.buffer();
    int inside = 0;
    for (int i = 0; i < n; i++) {
      inside += b[i * d + column] < threshold ? 1 : 0;
    }
    return (double) inside / n;
  }
}
