package dev.marginal.estimators;

import java.util.Arrays;

/**
 * A median-of-means estimate with a distribution-free confidence interval, for heavy-tailed draws such as SUMO's.
 * The n draws are cut into G consecutive groups of ⌊n/G⌋ (the first {@code n mod G} groups take one more); with
 * group means M_1..M_G sorted as M_(1) ≤ … ≤ M_(G), the estimate is their median and the interval is
 * {@code [M_(l), M_(G+1−l)]}, with l the largest index such that {@code P(l ≤ B ≤ G − l) ≥ level} for
 * B ~ Binomial(G, ½): the order-statistic interval for the median of the group-mean distribution.
 *
 * <p>What it covers: the median of a group mean, which tends to the mean as groups grow (the weak law) but sits
 * below it for right-skewed draws; the interval is therefore only as good as its measured coverage. For SUMO on
 * the linear-Gaussian oracle the coverage is measured by {@code RobustIntervalTest} and BENCHMARKS.md. The
 * median of means itself is robust: unlike the sample mean and its standard error, one huge draw moves it by at
 * most one group (Lugosi &amp; Mendelson 2019).
 *
 * <p>References: Nemirovski &amp; Yudin 1983; Devroye, Lerasle, Lugosi, Oliveira, "Sub-Gaussian mean estimators",
 * Ann. Statist. 2016; Lugosi &amp; Mendelson, "Mean estimation and regression under heavy-tailed distributions",
 * Found. Comput. Math. 2019.
 *
 * @param estimate the median of the group means
 * @param lower the lower end of the interval
 * @param upper the upper end of the interval
 * @param groups G
 * @param level the nominal coverage of the interval (exact binomial, at least the requested level)
 */
public record RobustInterval(double estimate, double lower, double upper, int groups, double level) {
  /** The default number of groups. */
  public static final int DEFAULT_GROUPS = 20;
  /** The fewest draws for which a 95 % interval exists (2^(1−G) ≤ 0.05 needs G ≥ 6 groups). */
  public static final int MIN_REPEATS = 6;
  /** The default requested coverage. */
  public static final double DEFAULT_LEVEL = 0.95;

  /** The interval from {@link #DEFAULT_GROUPS} groups at {@link #DEFAULT_LEVEL}. */
  public static RobustInterval of(double[] draws) {
    return of(draws, Math.min(DEFAULT_GROUPS, draws.length), DEFAULT_LEVEL);
  }

  /**
   * The median-of-means interval of {@code draws} in their given order.
   *
   * @param draws at least {@code groups} values
   * @param groups G ≥ 1; an interval with coverage ≥ level needs {@code 2^(1−G) ≤ 1 − level} (G ≥ 6 for 95%),
   *     otherwise the widest interval [M_(1), M_(G)] is returned with its actual level
   * @param level in (0, 1)
   */
  public static RobustInterval of(double[] draws, int groups, double level) {
    if (groups < 1 || groups > draws.length) {
      throw new IllegalArgumentException("groups must lie in [1, " + draws.length + "], got " + groups);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must lie in (0, 1), got " + level);
    }
    double[] means = groupMeans(draws, groups);
    Arrays.sort(means);
    double median = groups % 2 == 1 ? means[groups / 2] : 0.5 * (means[groups / 2 - 1] + means[groups / 2]);
    int l = 1;
    while (l + 1 <= groups / 2 && centralMass(groups, l + 1) >= level) {
      l++;
    }
    return new RobustInterval(median, means[l - 1], means[groups - l], groups, centralMass(groups, l));
  }

  /** Whether {@code value} lies in [lower, upper]. */
  public boolean covers(double value) {
    return lower <= value && value <= upper;
  }

  /** Half the interval's width. */
  public double halfWidth() {
    return 0.5 * (upper - lower);
  }

  /** Means of G consecutive groups; the first {@code n mod G} groups take one extra draw. */
  static double[] groupMeans(double[] draws, int groups) {
    int n = draws.length;
    double[] means = new double[groups];
    int at = 0;
    for (int g = 0; g < groups; g++) {
      int size = n / groups + (g < n % groups ? 1 : 0);
      double s = 0;
      for (int i = 0; i < size; i++) {
        s += draws[at++];
      }
      means[g] = s / size;
    }
    return means;
  }

  /** P(l ≤ B ≤ G − l) for B ~ Binomial(G, ½), in double (G is small). */
  static double centralMass(int groups, int l) {
    double tail = 0;
    double coefficient = 1;
    double half = StrictMath.pow(0.5, groups);
    for (int b = 0; b < l; b++) {
      tail += coefficient * half;
      coefficient = coefficient * (groups - b) / (b + 1);
    }
    return 1 - 2 * tail;
  }

  @Override
  public String toString() {
    return String.format("%.4f [%.4f, %.4f] (median of %d means, %.1f%%)", estimate, lower, upper, groups,
        100 * level);
  }
}
