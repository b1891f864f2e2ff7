package dev.marginal.models;

import dev.marginal.distributions.GaussianMixture;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A Gaussian mixture fitted by EM, with its convergence record. Immutable: the history is copied in and out, and
 * equality compares values (the mixture's parameters, the history's elements).
 *
 * @param mixture the fitted parameters
 * @param converged whether the best restart stopped because the lower bound changed by less than {@code tol}
 * @param nIter EM iterations run by the best restart
 * @param lowerBound the best restart's final per-sample mean log-likelihood (nats), scikit-learn's
 *     {@code lower_bound_}: evaluated at the last E-step, i.e. before the last M-step
 * @param lowerBoundHistory the best restart's lower bound after each iteration {@code [nIter]}
 * @param options the settings used, including the root key (provenance)
 */
public record GmmFit(
    GaussianMixture mixture,
    boolean converged,
    int nIter,
    double lowerBound,
    double[] lowerBoundHistory,
    GmmOptions options) {
  /** Copies the history so that the record stays immutable. */
  public GmmFit {
    lowerBoundHistory = lowerBoundHistory.clone();
  }

  /** The best restart's lower bound after each iteration {@code [nIter]}, a copy. */
  @Override
  public double[] lowerBoundHistory() {
    return lowerBoundHistory.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GmmFit f && f.mixture.equals(mixture) && f.converged == converged && f.nIter == nIter
        && Double.compare(f.lowerBound, lowerBound) == 0 && Arrays.equals(f.lowerBoundHistory, lowerBoundHistory)
        && Objects.equals(f.options, options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mixture, converged, nIter, lowerBound, Arrays.hashCode(lowerBoundHistory), options);
  }

  @Override
  public String toString() {
    return "GmmFit[mixture=" + mixture + ", converged=" + converged + ", nIter=" + nIter + ", lowerBound="
        + lowerBound + ", lowerBoundHistory=" + Arrays.toString(lowerBoundHistory) + ", options=" + options + "]";
  }

  /**
   * The warning that this fit may not have converged ({@link #notConvergedWarning}), or empty if it converged or
   * {@code tol} is 0: a fit asked to run all its {@code maxIter} iterations did what it was asked, and raising
   * {@code maxIter} would not make the test pass.
   */
  public Optional<String> convergenceWarning() {
    return converged || options.tol() == 0 ? Optional.empty()
        : Optional.of(notConvergedWarning(options.maxIter(), options.tol()));
  }

  /**
   * The one-sentence warning for a fit that stopped at {@code maxIter} iterations before its lower bound changed by
   * less than {@code tol}: "EM stopped at maxIter 100 before its mean log-likelihood changed by less than tol 0.001
   * in an iteration: the fit may not have converged; raise maxIter". It names the parameters {@code maxIter} and
   * {@code tol}, which a front end writes as its own option names.
   */
  public static String notConvergedWarning(int maxIter, double tol) {
    return "EM stopped at maxIter " + maxIter + " before its mean log-likelihood changed by less than tol " + tol
        + " in an iteration: the fit may not have converged; raise maxIter";
  }

  /**
   * Per-point log densities log p(x_i) under the fitted mixture.
   *
   * @param x points {@code [n][d]}
   * @return {@code [n]}
   */
  public double[] scoreSamples(double[][] x) {
    return mixture.logProb(x);
  }

  /** The mean log density (1/n) Σ_i log p(x_i). */
  public double score(double[][] x) {
    double s = 0;
    for (double v : scoreSamples(x)) {
      s += v;
    }
    return s / x.length;
  }

  /**
   * The Bayesian information criterion −2 log L + p ln n, p from {@link GaussianMixture#freeParameterCount()};
   * lower is better.
   */
  public double bic(double[][] x) {
    return -2 * score(x) * x.length + mixture.freeParameterCount() * StrictMath.log(x.length);
  }

  /** The Akaike information criterion −2 log L + 2p; lower is better. */
  public double aic(double[][] x) {
    return -2 * score(x) * x.length + 2.0 * mixture.freeParameterCount();
  }
}
