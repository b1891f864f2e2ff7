package dev.marginal.models;

import dev.marginal.distributions.CovarianceType;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.random.RngKey;

/**
 * Fits a {@link GaussianMixture} by maximum likelihood with EM, following scikit-learn's {@code GaussianMixture}:
 * each restart seeds k-means++ centres, refines them with Lloyd iterations, takes the M-step of the resulting hard
 * partition as its start, and iterates EM until the per-sample mean log-likelihood changes by less than
 * {@code tol}. The restart with the highest final lower bound is kept.
 *
 * <p>References: Dempster, Laird &amp; Rubin (1977); Bishop, Pattern Recognition and Machine Learning §9.2.
 */
public final class GaussianMixtureModel {
  private GaussianMixtureModel() {}

  /**
   * Fits a mixture to data.
   *
   * @param x points {@code [n][d]}, n ≥ components, finite
   * @param options settings; {@code options.key()} fixes every random choice, so equal options give equal fits
   */
  public static GmmFit fit(double[][] x, GmmOptions options) {
    if (x.length < options.components()) {
      throw new IllegalArgumentException("need at least " + options.components() + " points, got " + x.length);
    }
    try (GaussianMixtureEm em = GaussianMixtureEm.on(x, options)) {
      if (options.initialMixture() != null) {
        return iterate(em, options.initialMixture(), options);
      }
      GmmFit best = null;
      for (int r = 0; r < options.nInit(); r++) {
        GaussianMixture start = kMeansStart(em, options, options.key().split(options.nInit(), r));
        GmmFit fit = iterate(em, start, options);
        if (best == null || fit.lowerBound() > best.lowerBound()) {
          best = fit;
        }
      }
      return best;
    }
  }

  /** Runs EM from {@code start} until converged or {@code maxIter}. */
  private static GmmFit iterate(GaussianMixtureEm em, GaussianMixture start, GmmOptions options) {
    GaussianMixture current = start;
    double lowerBound = Double.NEGATIVE_INFINITY;
    double[] history = new double[options.maxIter()];
    boolean converged = false;
    int it = 0;
    while (it < options.maxIter() && !converged) {
      GaussianMixtureEm.Step step = em.step(current);
      converged = Math.abs(step.meanLogLikelihood() - lowerBound) < options.tol();
      current = step.mixture();
      lowerBound = step.meanLogLikelihood();
      history[it++] = lowerBound;
    }
    return new GmmFit(current, converged, it, lowerBound, java.util.Arrays.copyOf(history, it), options);
  }

  /** The M-step of a k-means partition; clusters left empty get the k-means centre and the data's variance. */
  private static GaussianMixture kMeansStart(GaussianMixtureEm em, GmmOptions options, RngKey key) {
    int n = em.size();
    int d = em.dim();
    int k = options.components();
    KMeans.Result km = KMeans.fit(em.data(), n, d, k, key, options.lloydIterations());
    return em.fromLabels(km.labels(), broadFallback(em.data(), n, d, k, km.centres(), options));
  }

  private static GaussianMixture broadFallback(double[] x, int n, int d, int k, double[] centres,
      GmmOptions options) {
    double[] var = new double[d];
    double meanVar = 0;
    for (int j = 0; j < d; j++) {
      double m = 0;
      for (int i = 0; i < n; i++) {
        m += x[i * d + j];
      }
      m /= n;
      for (int i = 0; i < n; i++) {
        var[j] += (x[i * d + j] - m) * (x[i * d + j] - m);
      }
      var[j] = var[j] / n + options.regCovar();
      if (!(var[j] > 0)) {
        var[j] = 1;
      }
      meanVar += var[j] / d;
    }
    double[] w = new double[k];
    double[][] mu = new double[k][d];
    double[][] diag = new double[k][];
    double[][][] full = new double[k][d][d];
    double[] sph = new double[k];
    for (int c = 0; c < k; c++) {
      w[c] = 1.0 / k;
      System.arraycopy(centres, c * d, mu[c], 0, d);
      diag[c] = var.clone();
      sph[c] = meanVar;
      for (int j = 0; j < d; j++) {
        full[c][j][j] = var[j];
      }
    }
    w[k - 1] = 1 - (k - 1) * (1.0 / k);
    if (options.covarianceType() == CovarianceType.FULL) {
      return GaussianMixture.ofFull(w, mu, full);
    }
    return options.covarianceType() == CovarianceType.DIAG ? GaussianMixture.ofDiagonal(w, mu, diag)
        : GaussianMixture.ofSpherical(w, mu, sph);
  }
}
