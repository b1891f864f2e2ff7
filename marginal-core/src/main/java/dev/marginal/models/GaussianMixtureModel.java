package dev.marginal.models;

import dev.marginal.config.ParameterException;
import dev.marginal.config.WorkProgress;
import dev.marginal.distributions.CovarianceType;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.random.RngKey;
import java.util.List;

/**
 * Fits a {@link GaussianMixture} by maximum likelihood with EM, following scikit-learn's {@code GaussianMixture}:
 * each restart seeds k-means++ centres, refines them with Lloyd iterations, takes the M-step of the resulting hard
 * partition as its start, and iterates EM until the per-sample mean log-likelihood changes by less than
 * {@code tol}. The restart with the highest final lower bound is kept.
 *
 * <p>References: Dempster, Laird &amp; Rubin (1977); Bishop, Pattern Recognition and Machine Learning §9.2.
 */
public final class GaussianMixtureModel {
  /** Iterations the lower-bound history holds before it first grows (it doubles, up to maxIter). */
  private static final int INITIAL_HISTORY = 128;

  /**
   * Copies of the covariance entries (k·d·d for full covariances) that a fit holds at its peak besides the chunks'
   * scatter matrices not yet summed ({@link RowChunks#resultsHeld}): the fallback's and the current mixture's
   * covariances and Cholesky factors, the summed scatter, the new covariances and the new mixture's two arrays.
   * Measured on 2026-12-07: 2000 columns and one component (31 MiB per copy) ran out of memory in a 320 MiB heap
   * (which this count, 9 copies, lets through) and fit in 480 MiB.
   */
  private static final long COVARIANCE_COPIES = 8;

  private GaussianMixtureModel() {}

  /**
   * The bytes of covariance entries that a fit in this JVM of {@code rows} points of {@code dim} coordinates holds at
   * its peak, roughly: {@value #COVARIANCE_COPIES} copies of the k·d·d entries of full covariances, or of the k·d of
   * diagonal and spherical ones, and one for each chunk's scatter held at once (chunks of
   * {@value RowChunks#CHUNK_ROWS} rows, at most {@value InMemoryChunks#GROUP_PER_THREAD} per thread of the options).
   * A fit refuses, before allocating them, covariances whose count exceeds the heap.
   *
   * @return the count, {@link Long#MAX_VALUE} if it overflows
   */
  public static long covarianceBytes(long rows, int dim, GmmOptions options) {
    long chunks = rows / RowChunks.CHUNK_ROWS + (rows % RowChunks.CHUNK_ROWS == 0 ? 0 : 1);
    return heldCovarianceBytes(InMemoryChunks.resultsHeld(chunks, options.workerThreads()), dim, options);
  }

  /** {@link #covarianceBytes(long, int, GmmOptions)} where {@code held} chunks' scatters are held at once. */
  private static long heldCovarianceBytes(long held, int dim, GmmOptions options) {
    long entries = covarianceEntries(dim, options);
    return saturatingMultiply(saturatingMultiply(entries, Double.BYTES), COVARIANCE_COPIES + held);
  }

  /** k·d·d for full covariances, k·d otherwise (a spherical fit's scatter has d entries per component). */
  private static long covarianceEntries(int dim, GmmOptions options) {
    long perComponent = options.covarianceType() == CovarianceType.FULL ? saturatingMultiply(dim, dim) : dim;
    return saturatingMultiply(perComponent, options.components());
  }

  private static long saturatingMultiply(long a, long b) {
    long r = a * b;
    return a != 0 && (r / a != b || r < 0) ? Long.MAX_VALUE : r;
  }

  /**
   * Refuses, before anything of their size is allocated, covariances that one array or the heap cannot hold: full
   * d × d matrices of wide data, say.
   */
  private static void requireCovariancesFit(RowChunks x, GmmOptions options) {
    int d = x.dim();
    long entries = covarianceEntries(d, options);
    String what = d + "-D data need " + (options.covarianceType() == CovarianceType.FULL
        ? "a " + d + " × " + d + " covariance" : d + " variances") + " per component";
    String change = "; use " + (options.covarianceType() == CovarianceType.FULL ? "covarianceType DIAG or"
        + " SPHERICAL, " : "") + "fewer components or fewer columns";
    if (entries > ImportanceSamples.MAX_ARRAY_LENGTH) {
      throw ParameterException.about(List.of("covarianceType", "components"), what + ", " + entries + " values for "
          + options.components() + " components, more than the " + ImportanceSamples.MAX_ARRAY_LENGTH
          + " one array holds" + change);
    }
    long bytes = heldCovarianceBytes(x.resultsHeld(), d, options);
    long heap = Runtime.getRuntime().maxMemory();
    if (bytes > heap) {
      throw ParameterException.about(List.of("covarianceType", "components"), what + " (about "
          + (entries / options.components() * Double.BYTES >> 20) + " MiB each), and a fit of " + options.components()
          + " components holds about " + (bytes >> 20) + " MiB of them, more than the " + (heap >> 20) + " MiB heap"
          + change + ", or give the JVM more memory (-Xmx)");
    }
  }

  /**
   * Fits a mixture to data.
   *
   * @param x points {@code [n][d]}, n ≥ components, finite
   * @param options settings; {@code options.key()} fixes every random choice, so equal options give equal fits
   * @throws ParameterException naming {@code covarianceType} and {@code components} when the covariances cannot
   *     fit one array or the heap ({@link #covarianceBytes}), before they are allocated: full covariances of wide
   *     data
   */
  public static GmmFit fit(double[][] x, GmmOptions options) {
    return fit(x, options, WorkProgress.silent());
  }

  /**
   * {@link #fit(double[][], GmmOptions)}, the same fit bit for bit, reporting every EM iteration to
   * {@code progress} on the calling thread: units are iterations, {@code total} is {@code nInit · maxIter}
   * ({@code maxIter} from an initial mixture), a restart that converges early counts its remaining iterations as
   * done, and the estimate is the iteration's per-sample mean log-likelihood (nats).
   */
  public static GmmFit fit(double[][] x, GmmOptions options, WorkProgress progress) {
    if (x.length < options.components()) {
      throw new IllegalArgumentException("need at least " + options.components() + " points, one per component"
          + " (components " + options.components() + "), got " + x.length);
    }
    try (InMemoryChunks chunks = InMemoryChunks.of(x, options.workerThreads())) {
      return fit(chunks, options, progress);
    }
  }

  /**
   * Fits a mixture to chunked data held anywhere: the same fit, bit for bit, as {@link #fit(double[][],
   * GmmOptions)} on the same rows in the same order, however the chunks are computed.
   *
   * @param x at least {@code components} finite points
   * @param options settings ({@code threads} is the data's business here)
   * @throws ParameterException when the covariances cannot fit, as {@link #fit(double[][], GmmOptions)} says
   */
  public static GmmFit fit(RowChunks x, GmmOptions options) {
    return fit(x, options, WorkProgress.silent());
  }

  /**
   * {@link #fit(RowChunks, GmmOptions)} reporting every EM iteration to {@code progress}, as
   * {@link #fit(double[][], GmmOptions, WorkProgress)} does.
   */
  public static GmmFit fit(RowChunks x, GmmOptions options, WorkProgress progress) {
    java.util.Objects.requireNonNull(progress, "progress");
    if (x.rows() < options.components()) {
      throw new IllegalArgumentException("need at least " + options.components() + " points, one per component"
          + " (components " + options.components() + "), got " + x.rows());
    }
    requireCovariancesFit(x, options);
    try (GaussianMixtureEm em = GaussianMixtureEm.on(x, options)) {
      if (options.initialMixture() != null) {
        return iterate(em, options.initialMixture(), options, progress, 0, options.maxIter());
      }
      long total = (long) options.nInit() * options.maxIter();
      GmmFit best = null;
      GaussianMixture broad = null;
      for (int r = 0; r < options.nInit(); r++) {
        RngKey key = options.key().split(options.nInit(), r);
        double[] centres = KMeans.fit(x, options.components(), key, options.lloydIterations());
        if (broad == null) {
          broad = broadFallback(x, options);
        }
        GaussianMixture start = em.fromNearest(centres, withMeans(broad, centres, options));
        GmmFit fit = iterate(em, start, options, progress, (long) r * options.maxIter(), total);
        if (best == null || fit.lowerBound() > best.lowerBound()) {
          best = fit;
        }
      }
      return best;
    }
  }

  /**
   * Runs EM from {@code start} until converged or {@code maxIter}, reporting iteration i as {@code before + i} of
   * {@code total}, and the restart's end as {@code before + maxIter}.
   */
  private static GmmFit iterate(GaussianMixtureEm em, GaussianMixture start, GmmOptions options,
      WorkProgress progress, long before, long total) {
    GaussianMixture current = start;
    double lowerBound = Double.NEGATIVE_INFINITY;
    // The history grows with the iterations run, not with maxIter: a fit that may run 2^31 - 1 iterations but
    // converges in ten holds ten values.
    double[] history = new double[Math.min(options.maxIter(), INITIAL_HISTORY)];
    boolean converged = false;
    int it = 0;
    while (it < options.maxIter() && !converged) {
      GaussianMixtureEm.Step step = em.step(current);
      converged = Math.abs(step.meanLogLikelihood() - lowerBound) < options.tol();
      current = step.mixture();
      lowerBound = step.meanLogLikelihood();
      if (it == history.length) {
        history = java.util.Arrays.copyOf(history, (int) Math.min(options.maxIter(), 2L * history.length));
      }
      history[it++] = lowerBound;
      progress.update(before + (converged ? options.maxIter() : it), total, lowerBound);
    }
    return new GmmFit(current, converged, it, lowerBound, java.util.Arrays.copyOf(history, it), options);
  }

  /** Column sums of a chunk. */
  private static double[] columnSums(RowChunk chunk) {
    int d = chunk.dim();
    double[] x = chunk.values();
    double[] s = new double[d];
    for (int i = 0; i < chunk.rows(); i++) {
      for (int j = 0; j < d; j++) {
        s[j] += x[i * d + j];
      }
    }
    return s;
  }

  /** Column sums of squared deviations from {@code mean} over a chunk. */
  private static double[] columnScatter(RowChunk chunk, double[] mean) {
    int d = chunk.dim();
    double[] x = chunk.values();
    double[] s = new double[d];
    for (int i = 0; i < chunk.rows(); i++) {
      for (int j = 0; j < d; j++) {
        s[j] += (x[i * d + j] - mean[j]) * (x[i * d + j] - mean[j]);
      }
    }
    return s;
  }

  private static double[] sumInOrder(List<double[]> parts, int d) {
    double[] total = new double[d];
    for (double[] p : parts) {
      for (int j = 0; j < d; j++) {
        total[j] += p[j];
      }
    }
    return total;
  }

  /**
   * Equal weights, the data's per-column variance (plus regCovar) as every covariance, and zero means: what a
   * component left empty by k-means starts from ({@link #withMeans} puts the centres in).
   */
  private static GaussianMixture broadFallback(RowChunks data, GmmOptions options) {
    int d = data.dim();
    long n = data.rows();
    int k = options.components();
    double[] mean = sumInOrder(data.map(GaussianMixtureModel::columnSums), d);
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[] var = sumInOrder(data.map(c -> columnScatter(c, mean)), d);
    double meanVar = 0;
    for (int j = 0; j < d; j++) {
      var[j] = var[j] / n + options.regCovar();
      if (!(var[j] > 0)) {
        var[j] = 1;
      }
      meanVar += var[j] / d;
    }
    double[] w = new double[k];
    double[][] mu = new double[k][d];
    for (int c = 0; c < k; c++) {
      w[c] = 1.0 / k;
    }
    w[k - 1] = 1 - (k - 1) * (1.0 / k);
    // Only the type fitted is built: a diagonal or spherical fit holds k·d or k numbers, never k·d·d.
    switch (options.covarianceType()) {
      case FULL: {
        double[][][] full = new double[k][d][d];
        for (int c = 0; c < k; c++) {
          for (int j = 0; j < d; j++) {
            full[c][j][j] = var[j];
          }
        }
        return GaussianMixture.ofFull(w, mu, full);
      }
      case DIAG: {
        double[][] diag = new double[k][];
        for (int c = 0; c < k; c++) {
          diag[c] = var.clone();
        }
        return GaussianMixture.ofDiagonal(w, mu, diag);
      }
      default: {
        double[] sph = new double[k];
        java.util.Arrays.fill(sph, meanVar);
        return GaussianMixture.ofSpherical(w, mu, sph);
      }
    }
  }

  /** {@code broad} with the k-means centres as means: the parameters of clusters that k-means left empty. */
  private static GaussianMixture withMeans(GaussianMixture broad, double[] centres, GmmOptions options) {
    int k = broad.components();
    int d = broad.dim();
    double[][] mu = new double[k][d];
    for (int c = 0; c < k; c++) {
      System.arraycopy(centres, c * d, mu[c], 0, d);
    }
    double[] w = broad.weights();
    switch (options.covarianceType()) {
      case FULL:
        return GaussianMixture.ofFull(w, mu, broad.covariances());
      case DIAG: {
        double[][] diag = new double[k][];
        for (int c = 0; c < k; c++) {
          diag[c] = broad.covarianceDiagonal(c);
        }
        return GaussianMixture.ofDiagonal(w, mu, diag);
      }
      default: {
        double[] sph = new double[k];
        for (int c = 0; c < k; c++) {
          sph[c] = broad.covarianceDiagonal(c)[0];
        }
        return GaussianMixture.ofSpherical(w, mu, sph);
      }
    }
  }
}
