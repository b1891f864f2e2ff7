package dev.marginal.targets;

import dev.marginal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where a target's density lives: a product of intervals, one per coordinate, each the whole line, a half-line
 * or a bounded interval. A target whose p̃ is only integrable on a region (the Rezende–Mohamed energies U2–U4 on
 * [−4, 4]²) declares that region; a reverse-KL surrogate for it is then pushed onto the support through the
 * {@link SupportBijection} so that it never puts mass where the target is undefined.
 *
 * <p>Bounds are closed in the declaration and open in use: the bijection maps onto the interior. A point on the
 * boundary is in the support ({@link #contains}) but not in its interior ({@link #interiorContains}), where a
 * pushed-forward density is positive. Unbounded ends are ±∞.
 */
public final class Support {
  private final double[] lower;
  private final double[] upper;

  private Support(double[] lower, double[] upper) {
    this.lower = lower;
    this.upper = upper;
  }

  /** ℝ^dim. */
  public static Support real(int dim) {
    requireDim(dim);
    double[] lo = new double[dim];
    double[] hi = new double[dim];
    Arrays.fill(lo, Double.NEGATIVE_INFINITY);
    Arrays.fill(hi, Double.POSITIVE_INFINITY);
    return new Support(lo, hi);
  }

  /** The cube [lo, hi]^dim. */
  public static Support box(int dim, double lo, double hi) {
    requireDim(dim);
    double[] l = new double[dim];
    double[] h = new double[dim];
    Arrays.fill(l, lo);
    Arrays.fill(h, hi);
    return of(l, h);
  }

  /**
   * The product of [lower[i], upper[i]]; use ±∞ for an unbounded end.
   *
   * @throws IllegalArgumentException for NaN bounds, lower ≥ upper, a bound of the wrong sign of infinity, or an
   *     interval with no float32 value strictly inside
   */
  public static Support of(double[] lower, double[] upper) {
    if (lower.length != upper.length) {
      throw new IllegalArgumentException("support bounds differ in length: " + lower.length + " lower, "
          + upper.length + " upper");
    }
    requireDim(lower.length);
    for (int i = 0; i < lower.length; i++) {
      double lo = lower[i];
      double hi = upper[i];
      if (Double.isNaN(lo) || Double.isNaN(hi) || lo == Double.POSITIVE_INFINITY
          || hi == Double.NEGATIVE_INFINITY || !(lo < hi)) {
        throw new IllegalArgumentException("support of coordinate " + i + " must be an interval lower < upper, got ["
            + lo + ", " + hi + "]");
      }
      if (SupportBijection.insideAbove(lo) > SupportBijection.insideBelow(hi)) {
        throw new IllegalArgumentException("support of coordinate " + i + " [" + lo + ", " + hi
            + "] holds no float32 value strictly inside");
      }
    }
    return new Support(lower.clone(), upper.clone());
  }

  private static void requireDim(int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("support dimension must be >= 1, got " + dim);
    }
  }

  /** The number of coordinates. */
  public int dim() {
    return lower.length;
  }

  /** The lower bound of coordinate {@code i} (−∞ when unbounded below). */
  public double lower(int i) {
    return lower[i];
  }

  /** The upper bound of coordinate {@code i} (+∞ when unbounded above). */
  public double upper(int i) {
    return upper[i];
  }

  /** Whether every coordinate is unbounded both ways (the support is ℝ^dim). */
  public boolean isReal() {
    for (int i = 0; i < lower.length; i++) {
      if (lower[i] != Double.NEGATIVE_INFINITY || upper[i] != Double.POSITIVE_INFINITY) {
        return false;
      }
    }
    return true;
  }

  /** Whether the point lies in the (closed) support; NaN coordinates are outside. */
  public boolean contains(float[] x) {
    for (int i = 0; i < lower.length; i++) {
      if (!(x[i] >= lower[i] && x[i] <= upper[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the point lies strictly inside the support, where a density pushed through {@link #bijection()} lives:
   * a coordinate equal to a finite bound is on the boundary, not inside. NaN coordinates are outside.
   */
  public boolean interiorContains(float[] x) {
    for (int i = 0; i < lower.length; i++) {
      if (!(x[i] > lower[i] && x[i] < upper[i])) {
        return false;
      }
    }
    return true;
  }

  /** The fraction of the rows of {@code x} ({@code [n, dim]}) outside the support. */
  public double fractionOutside(Tensor x) {
    int n = x.dim(0);
    int d = x.dim(1);
    float[] b = x.buffer();
    float[] row = new float[d];
    int outside = 0;
    for (int r = 0; r < n; r++) {
      System.arraycopy(b, r * d, row, 0, d);
      outside += contains(row) ? 0 : 1;
    }
    return (double) outside / n;
  }

  /** The map from ℝ^dim onto the interior of this support. */
  public SupportBijection bijection() {
    return new SupportBijection(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Support s && Arrays.equals(lower, s.lower) && Arrays.equals(upper, s.upper);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(lower) + Arrays.hashCode(upper);
  }

  /** E.g. {@code ℝ^2}, {@code [-4, 4]^2}, {@code [0, ∞) × ℝ}. */
  @Override
  public String toString() {
    if (isReal()) {
      return "ℝ^" + dim();
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < lower.length; i++) {
      parts.add(interval(lower[i], upper[i]));
    }
    if (parts.stream().distinct().count() == 1) {
      return parts.get(0) + "^" + dim();
    }
    return String.join(" × ", parts);
  }

  private static String interval(double lo, double hi) {
    if (lo == Double.NEGATIVE_INFINITY && hi == Double.POSITIVE_INFINITY) {
      return "ℝ";
    }
    return (lo == Double.NEGATIVE_INFINITY ? "(-∞" : "[" + num(lo)) + ", "
        + (hi == Double.POSITIVE_INFINITY ? "∞)" : num(hi) + "]");
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
  }
}
