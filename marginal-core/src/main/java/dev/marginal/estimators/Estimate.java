package dev.marginal.estimators;

/**
 * A per-point estimate of log p(x) with its Monte Carlo standard error, from R independent repeats of an
 * estimator: {@code mean[i] = (1/R) Σ_r v_{ir}}, {@code stdErr[i] = s_i / √R} with s_i the sample standard deviation.
 * For a lower bound (ELBO, IWAE) the standard error covers only the noise, not the bias.
 *
 * @param mean per-point means, nats
 * @param stdErr per-point standard errors of the means (NaN when R = 1)
 * @param repeats R
 */
public record Estimate(double[] mean, double[] stdErr, int repeats) {
  /** Builds an estimate from draws {@code values[r][i]} (repeat r, point i), accumulated in double. */
  public static Estimate fromDraws(double[][] values) {
    int r = values.length;
    int n = values[0].length;
    double[] mean = new double[n];
    double[] se = new double[n];
    for (int i = 0; i < n; i++) {
      double m = 0;
      for (double[] row : values) {
        m += row[i];
      }
      m /= r;
      double ss = 0;
      for (double[] row : values) {
        ss += (row[i] - m) * (row[i] - m);
      }
      mean[i] = m;
      se[i] = r > 1 ? Math.sqrt(ss / (r - 1) / r) : Double.NaN;
    }
    return new Estimate(mean, se, r);
  }

  /** The number of points. */
  public int size() {
    return mean.length;
  }

  /** The average over points of the per-point means. */
  public double overallMean() {
    double s = 0;
    for (double m : mean) {
      s += m;
    }
    return s / mean.length;
  }

  /** The standard error of {@link #overallMean()}: {@code √(Σ stdErr_i²) / n} (points are drawn independently). */
  public double overallStdErr() {
    double s = 0;
    for (double e : stdErr) {
      s += e * e;
    }
    return Math.sqrt(s) / mean.length;
  }

  @Override
  public String toString() {
    return String.format("%.4f ± %.4f nats (%d points, %d repeats)", overallMean(), overallStdErr(), size(), repeats);
  }
}
