package dev.marginal.models;

import dev.marginal.config.ParameterException;
import dev.marginal.distributions.CovarianceType;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.random.RngKey;
import java.util.Objects;

/**
 * Settings of an EM fit of a Gaussian mixture; the defaults are scikit-learn's. Immutable: each {@code withX}
 * returns a new instance.
 *
 * @param components number of mixture components C, at least 1
 * @param covarianceType how each component's covariance is parameterised
 * @param regCovar finite, non-negative ridge added to every covariance diagonal after each M-step: the covariance floor
 *     that keeps a component from collapsing onto a single point
 * @param tol finite, non-negative: EM stops when the per-sample mean log-likelihood changes by less than this
 *     (nats)
 * @param maxIter maximum EM iterations per restart, at least 1
 * @param nInit number of restarts from independent k-means++ initialisations; the best lower bound is kept
 * @param lloydIterations Lloyd (k-means) iterations refining the k-means++ centres before EM starts
 * @param key root randomness; restart {@code i} uses {@code key.split(nInit, i)}
 * @param threads worker threads for the E- and M-steps, or 0 (the default) for the calling thread's
 *     {@link dev.marginal.tensor.Parallel#threads()}, as every other fit; results do not depend on it
 * @param initialMixture when not null, EM starts from this mixture instead of k-means, and runs once
 */
public record GmmOptions(
    int components,
    CovarianceType covarianceType,
    double regCovar,
    double tol,
    int maxIter,
    int nInit,
    int lloydIterations,
    RngKey key,
    int threads,
    GaussianMixture initialMixture) {
  /** Default covariance floor, scikit-learn's {@code reg_covar}. */
  public static final double DEFAULT_REG_COVAR = 1e-6;
  /** Default convergence threshold on the change of the mean log-likelihood, scikit-learn's {@code tol}. */
  public static final double DEFAULT_TOL = 1e-3;
  /** Default iteration cap, scikit-learn's {@code max_iter}. */
  public static final int DEFAULT_MAX_ITER = 100;
  /** Default number of restarts. */
  public static final int DEFAULT_N_INIT = 1;
  /** Default number of Lloyd iterations after k-means++ seeding. */
  public static final int DEFAULT_LLOYD_ITERATIONS = 10;
  /** Default root seed. */
  public static final long DEFAULT_SEED = 0;
  /** Default worker threads: 0, the calling thread's {@link dev.marginal.tensor.Parallel#threads()}. */
  public static final int DEFAULT_THREADS = 0;

  /**
   * Validates the settings.
   *
   * @throws ParameterException naming the first setting out of range, or an {@code initialMixture} that does not
   *     match {@code components} and {@code covarianceType}
   * @throws NullPointerException naming a null {@code covarianceType} or {@code key}
   */
  public GmmOptions {
    ParameterException.atLeast("components", components, 1);
    Objects.requireNonNull(covarianceType, "covarianceType");
    Objects.requireNonNull(key, "key");
    if (!(regCovar >= 0) || Double.isInfinite(regCovar)) {
      throw ParameterException.of("regCovar", "must be finite and >= 0, got " + regCovar);
    }
    if (!(tol >= 0) || Double.isInfinite(tol)) {
      throw ParameterException.of("tol", "must be finite and >= 0, got " + tol);
    }
    ParameterException.atLeast("maxIter", maxIter, 1);
    ParameterException.atLeast("nInit", nInit, 1);
    ParameterException.atLeast("lloydIterations", lloydIterations, 0);
    ParameterException.atLeast("threads", threads, 0);
    if (initialMixture != null && (initialMixture.components() != components
        || initialMixture.covarianceType() != covarianceType)) {
      throw ParameterException.about(java.util.List.of("initialMixture"), "initialMixture must have " + components
          + " components of type " + covarianceType);
    }
  }

  /** The defaults for {@code components} components with full covariances. */
  public static GmmOptions of(int components) {
    return new GmmOptions(components, CovarianceType.FULL, DEFAULT_REG_COVAR, DEFAULT_TOL, DEFAULT_MAX_ITER,
        DEFAULT_N_INIT, DEFAULT_LLOYD_ITERATIONS, RngKey.of(DEFAULT_SEED), DEFAULT_THREADS, null);
  }

  public GmmOptions withComponents(int c) {
    return new GmmOptions(c, covarianceType, regCovar, tol, maxIter, nInit, lloydIterations, key, threads,
        initialMixture);
  }

  public GmmOptions withCovarianceType(CovarianceType t) {
    return new GmmOptions(components, t, regCovar, tol, maxIter, nInit, lloydIterations, key, threads,
        initialMixture);
  }

  public GmmOptions withRegCovar(double r) {
    return new GmmOptions(components, covarianceType, r, tol, maxIter, nInit, lloydIterations, key, threads,
        initialMixture);
  }

  public GmmOptions withTol(double t) {
    return new GmmOptions(components, covarianceType, regCovar, t, maxIter, nInit, lloydIterations, key, threads,
        initialMixture);
  }

  public GmmOptions withMaxIter(int m) {
    return new GmmOptions(components, covarianceType, regCovar, tol, m, nInit, lloydIterations, key, threads,
        initialMixture);
  }

  public GmmOptions withNInit(int n) {
    return new GmmOptions(components, covarianceType, regCovar, tol, maxIter, n, lloydIterations, key, threads,
        initialMixture);
  }

  public GmmOptions withLloydIterations(int l) {
    return new GmmOptions(components, covarianceType, regCovar, tol, maxIter, nInit, l, key, threads,
        initialMixture);
  }

  public GmmOptions withKey(RngKey k) {
    return new GmmOptions(components, covarianceType, regCovar, tol, maxIter, nInit, lloydIterations, k, threads,
        initialMixture);
  }

  /** Shorthand for {@code withKey(RngKey.of(seed))}. */
  public GmmOptions withSeed(long seed) {
    return withKey(RngKey.of(seed));
  }

  /** Worker threads for the E- and M-steps: 0 for the calling thread's {@link dev.marginal.tensor.Parallel#threads()}. */
  public GmmOptions withThreads(int t) {
    return new GmmOptions(components, covarianceType, regCovar, tol, maxIter, nInit, lloydIterations, key, t,
        initialMixture);
  }

  /** The threads a fit started on the calling thread uses: {@link #threads}, or the thread's setting where it is 0. */
  public int workerThreads() {
    return threads > 0 ? threads : dev.marginal.tensor.Parallel.threads();
  }

  /** Starts EM from {@code m} (its component count and covariance type become the options'). */
  public GmmOptions withInitialMixture(GaussianMixture m) {
    return new GmmOptions(m.components(), m.covarianceType(), regCovar, tol, maxIter, nInit, lloydIterations, key,
        threads, m);
  }

  /**
   * The settings that shape the fit, as a JSON-ready map for provenance: {@code components}, {@code covariance},
   * {@code regCovar}, {@code tol}, {@code maxIter}, {@code nInit}, {@code lloydIterations}, {@code seed} (the
   * {@link RngKey#seed()} of the key) and {@code initialMixture} (whether EM started from a given mixture). The
   * thread count is left out: results do not depend on it.
   */
  public java.util.Map<String, Object> toMap() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("components", components);
    m.put("covariance", covarianceType.name().toLowerCase(java.util.Locale.ROOT));
    m.put("regCovar", regCovar);
    m.put("tol", tol);
    m.put("maxIter", maxIter);
    m.put("nInit", nInit);
    m.put("lloydIterations", lloydIterations);
    m.put("seed", key.seed());
    m.put("initialMixture", initialMixture != null);
    return m;
  }
}
