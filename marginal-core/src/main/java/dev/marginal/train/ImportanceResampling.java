package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.tensor.Tensor;

/**
 * Approximate draws from a target p = p̃ / Z by sampling-importance-resampling (Rubin 1987): n points from a
 * Gaussian proposal g = N(c, diag(s²)), self-normalized weights w_i ∝ p̃(y_i) / g(y_i), and m points resampled from
 * them systematically (one uniform u, the points whose cumulative weight first reaches (k + u)/m of the total, for
 * k = 0 … m − 1; Douc, Cappé &amp; Moulines 2005). The resampled points follow p as n grows for any g that covers
 * p; at finite n they lean towards g, by a bias of order 1/n. The effective sample size (Σw)² / Σw² says how many
 * of the n proposals carry the weight.
 */
public final class ImportanceResampling {
  private ImportanceResampling() {}

  /**
   * m points resampled from n proposals.
   *
   * @param points shape {@code [m, dim]}; null when no proposal had a finite, positive p̃
   * @param ess effective sample size of the n weights, in [1, n] (0 when {@code points} is null)
   * @param invalidLogDensity the first log p̃ at a proposal that was NaN or +∞ (such a proposal gets no weight), or
   *     0 when every value was finite or −∞ (zero density)
   * @param invalidMagnitude the largest |coordinate| of that proposal (NaN or ∞ where float32 could not hold it), or
   *     0 when there was none: a proposal far beyond where the target's float32 arithmetic stays finite tells of a
   *     scale too wide rather than of a fault in the target
   */
  public record Draws(Tensor points, double ess, double invalidLogDensity, double invalidMagnitude) {
    /** Draws from proposals whose log p̃ were all finite or −∞. */
    public Draws(Tensor points, double ess) {
      this(points, ess, 0, 0);
    }

    /** Draws with the first invalid log p̃ at a proposal, whose size is not known. */
    public Draws(Tensor points, double ess, double invalidLogDensity) {
      this(points, ess, invalidLogDensity, 0);
    }
  }

  /**
   * Resamples {@code m} points from {@code n} proposals drawn from N(centre, diag(scale²)).
   *
   * @param target the density p̃, evaluated at the proposals without gradient
   * @param key the randomness: proposals from {@code key.foldIn(0)}, the resampling's uniform from {@code key.foldIn(1)}
   * @throws ParameterException if n or m is below 1, or centre or scale do not have the target's dimension, or a
   *     scale is not positive and finite
   */
  public static Draws resample(Target target, double[] centre, double[] scale, int n, int m, RngKey key) {
    int d = target.dim();
    ParameterException.atLeast("proposals", n, 1);
    ParameterException.atLeast("resampled", m, 1);
    if (centre.length != d || scale.length != d) {
      throw ParameterException.of("scale", "needs " + d + " coordinates, got " + centre.length + " centres and "
          + scale.length + " scales");
    }
    double logNorm = 0;
    for (double s : scale) {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw ParameterException.of("scale", "must be positive and finite, got " + s);
      }
      logNorm += Math.log(s);
    }
    float[] eps = key.foldIn(0).normals(n * d);
    float[] y = new float[n * d];
    double[] logW = new double[n];
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double e = eps[i * d + j];
        y[i * d + j] = (float) (centre[j] + scale[j] * e);
        sq += e * e;
      }
      // −log g(y) up to the constant (d/2)·log 2π, which the self-normalization cancels.
      logW[i] = 0.5 * sq + logNorm;
    }
    float[] logP = target.logDensity(Tensor.wrap(y, n, d)).buffer();
    double max = Double.NEGATIVE_INFINITY;
    double invalid = 0;
    double invalidMagnitude = 0;
    for (int i = 0; i < n; i++) {
      logW[i] = Float.isFinite(logP[i]) ? logP[i] + logW[i] : Double.NEGATIVE_INFINITY;
      max = Math.max(max, logW[i]);
      if (invalid == 0 && (Float.isNaN(logP[i]) || logP[i] == Float.POSITIVE_INFINITY)) {
        invalid = logP[i];
        invalidMagnitude = magnitude(y, i * d, d);
      }
    }
    if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
      return new Draws(null, 0, invalid, invalidMagnitude);
    }
    double total = 0;
    double squares = 0;
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = Math.exp(logW[i] - max);
      total += w[i];
      squares += w[i] * w[i];
    }
    float[] out = new float[m * d];
    double u = key.foldIn(1).uniform();
    double cumulative = w[0];
    int i = 0;
    for (int k = 0; k < m; k++) {
      double threshold = (k + u) / m * total;
      while (cumulative < threshold && i < n - 1) {
        i++;
        cumulative += w[i];
      }
      System.arraycopy(y, i * d, out, k * d, d);
    }
    return new Draws(Tensor.wrap(out, m, d), total * total / squares, invalid, invalidMagnitude);
  }

  /** The largest |x_j| of the {@code d} coordinates of {@code x} from {@code from}; NaN if one is NaN. */
  static double magnitude(float[] x, int from, int d) {
    double m = 0;
    for (int j = from; j < from + d; j++) {
      float a = Math.abs(x[j]);
      if (Float.isNaN(a)) {
        return Double.NaN;
      }
      m = Math.max(m, a);
    }
    return m;
  }
}
