package dev.marginal.estimators;

import dev.marginal.config.ParameterException;
import dev.marginal.math.MeanEstimate;
import java.util.Arrays;
import java.util.Objects;

/**
 * A per-point estimate of log p(x) with its Monte Carlo standard error, from R independent repeats of an
 * estimator: {@code mean[i] = (1/R) Σ_r v_{ir}}, {@code stdErr[i] = s_i / √R} with s_i the sample standard deviation.
 * For a lower bound (ELBO, IWAE) the standard error covers only the noise, not the bias.
 *
 * <p>Immutable: the arrays are copied in and out, and two estimates are equal when their values are.
 *
 * @param mean per-point means, nats
 * @param stdErr per-point standard errors of the means (NaN when R = 1)
 * @param repeats R
 */
public record Estimate(double[] mean, double[] stdErr, int repeats) {
  /** Validates the lengths and copies both arrays. */
  public Estimate {
    if (mean.length != stdErr.length) {
      throw new IllegalArgumentException(mean.length + " means but " + stdErr.length + " standard errors");
    }
    mean = mean.clone();
    stdErr = stdErr.clone();
  }

  /**
   * Builds an estimate from draws {@code values[r][i]} (repeat r, point i), accumulated in double.
   *
   * @param values {@code [R][n]}, R &gt;= 1 repeats of the same n points
   * @throws ParameterException (values) for no repeats or repeats of different lengths
   */
  public static Estimate fromDraws(double[][] values) {
    Objects.requireNonNull(values, "values");
    int r = values.length;
    if (r == 0) {
      throw ParameterException.of("values", "holds no repeats (expected values[r][i] for R >= 1 repeats r)");
    }
    int n = values[0].length;
    for (int j = 1; j < r; j++) {
      if (values[j].length != n) {
        throw ParameterException.of("values", "repeat " + j + " has " + values[j].length + " points, repeat 0 has "
            + n);
      }
    }
    double[] mean = new double[n];
    double[] se = new double[n];
    double[] draws = new double[r];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < r; j++) {
        draws[j] = values[j][i];
      }
      mean[i] = MeanEstimate.mean(draws);
      se[i] = MeanEstimate.standardError(draws); // NaN for one repeat
    }
    return new Estimate(mean, se, r);
  }

  /** The number of points. */
  public int size() {
    return mean.length;
  }

  /**
   * The average over points of the per-point means.
   *
   * @throws IllegalStateException if the estimate has no points (a mean over none is undefined)
   */
  public double overallMean() {
    requirePoints();
    double s = 0;
    for (double m : mean) {
      s += m;
    }
    return s / mean.length;
  }

  /**
   * The standard error of {@link #overallMean()}: {@code √(Σ stdErr_i²) / n} (points are drawn independently).
   *
   * @throws IllegalStateException if the estimate has no points
   */
  public double overallStdErr() {
    requirePoints();
    double s = 0;
    for (double e : stdErr) {
      s += e * e;
    }
    return Math.sqrt(s) / mean.length;
  }

  private void requirePoints() {
    if (mean.length == 0) {
      throw new IllegalStateException("no points: the mean over the points of an estimate of none is undefined");
    }
  }

  /** The per-point means, a copy. */
  @Override
  public double[] mean() {
    return mean.clone();
  }

  /** The per-point standard errors, a copy. */
  @Override
  public double[] stdErr() {
    return stdErr.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Estimate e && e.repeats == repeats && Arrays.equals(e.mean, mean)
        && Arrays.equals(e.stdErr, stdErr);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(mean), Arrays.hashCode(stdErr), repeats);
  }

  @Override
  public String toString() {
    if (size() == 0) {
      return "no points (" + repeats + " repeats)";
    }
    return String.format(java.util.Locale.ROOT, "%.4f ± %.4f nats (%d points, %d repeats)", overallMean(),
        overallStdErr(), size(), repeats);
  }
}
