package dev.marginal.models;

import dev.marginal.distributions.CovarianceType;
import dev.marginal.distributions.GaussianMixture;
import java.util.List;

/**
 * Expectation–maximisation iterations of a Gaussian mixture on one data set. An engine made from arrays holds the
 * data in chunks and their responsibilities (computed on {@code threads} threads of {@code Parallel}), so it is
 * stateful: close it when done.
 *
 * <p>One {@link #step(GaussianMixture)} is an E-step, r_ic = π_c N(x_i; μ_c, Σ_c) / p(x_i), then an M-step as in
 * scikit-learn: N_c = Σ_i r_ic + 10ε, π_c = N_c / Σ N_c, μ_c = Σ_i r_ic x_i / N_c,
 * Σ_c = Σ_i r_ic (x_i − μ_c)(x_i − μ_c)ᵀ / N_c + regCovar·I (diagonal: only the diagonal; spherical: the mean of
 * the diagonal). The scatter is accumulated about the new means in a second pass rather than as raw second
 * moments, which would cancel catastrophically when the data sit far from the origin.
 *
 * <p>The data are {@link RowChunks}: each pass computes one accumulator per fixed chunk of rows, and the accumulators
 * are summed in chunk order, so results are bit-identical for any thread count, and wherever the chunks are computed
 * (in this JVM or on a cluster), in whatever order. Responsibilities stay with their chunk between the E-step and the
 * scatter pass ({@link RowChunk} memos) and are recomputed, to the same bits, when they are not there.
 */
public final class GaussianMixtureEm implements AutoCloseable {
  /** Rows per work chunk. */
  static final int CHUNK_ROWS = RowChunks.CHUNK_ROWS;
  /** scikit-learn's floor on component masses, 10ε, so that no weight or division is exactly zero. */
  static final double MASS_FLOOR = 10 * Math.ulp(1.0);
  /**
   * A component whose responsibilities sum to at most this is empty: it keeps its previous mean and covariance
   * (its weight falls to the floor) instead of being rebuilt from rounding noise.
   */
  static final double EMPTY_MASS = 1e-10;

  /**
   * The outcome of one EM iteration.
   *
   * @param mixture the parameters after the M-step
   * @param meanLogLikelihood (1/n) Σ_i log p(x_i) under the parameters before the M-step (scikit-learn's
   *     {@code lower_bound_})
   */
  public record Step(GaussianMixture mixture, double meanLogLikelihood) {}

  private final RowChunks data;
  /** The chunks this engine made and must close, or null when the caller owns them. */
  private final InMemoryChunks owned;
  private final long n;
  private final int d;
  private final int k;
  private final CovarianceType type;
  private final double regCovar;

  private GaussianMixtureEm(RowChunks data, InMemoryChunks owned, GmmOptions options) {
    this.data = data;
    this.owned = owned;
    this.n = data.rows();
    this.d = data.dim();
    this.k = options.components();
    this.type = options.covarianceType();
    this.regCovar = options.regCovar();
  }

  /**
   * Prepares EM on a data set held in this JVM.
   *
   * @param data points {@code [n][d]}, n ≥ 1, finite
   * @param options supplies components, covarianceType, regCovar and threads
   */
  public static GaussianMixtureEm on(double[][] data, GmmOptions options) {
    InMemoryChunks chunks = InMemoryChunks.of(data, options.workerThreads());
    return new GaussianMixtureEm(chunks, chunks, options);
  }

  /**
   * Prepares EM on chunked data held anywhere; the caller keeps ownership of {@code data}.
   *
   * @param options supplies components, covarianceType and regCovar
   */
  public static GaussianMixtureEm on(RowChunks data, GmmOptions options) {
    if (data.rows() < 1) {
      throw new IllegalArgumentException("need at least one point");
    }
    return new GaussianMixtureEm(data, null, options);
  }

  /** The number of points n. */
  public long size() {
    return n;
  }

  /** The dimension d. */
  public int dim() {
    return d;
  }

  /** The chunked data. */
  RowChunks data() {
    return data;
  }

  /**
   * One EM iteration from {@code current}.
   *
   * @param current a mixture with this engine's dimension, component count and covariance type
   */
  public Step step(GaussianMixture current) {
    if (current.dim() != d || current.components() != k || current.covarianceType() != type) {
      throw new IllegalArgumentException("mixture does not match the EM settings (" + k + " " + type
          + " components in " + d + " dimensions)");
    }
    EmChunkKernels.Source source = EmChunkKernels.Source.posterior(current);
    List<EmChunkKernels.Moments> moments = data.map(c -> EmChunkKernels.expect(c, source));
    double total = 0;
    for (EmChunkKernels.Moments m : moments) {
      total += m.logLik();
    }
    return new Step(maximize(moments, source, current), total / n);
  }

  /**
   * The M-step from hard assignments to the nearest of {@code centres}, as scikit-learn initialises from k-means
   * labels.
   *
   * @param centres row-major {@code [k·d]}
   * @param fallback supplies the parameters of components that receive no point
   */
  GaussianMixture fromNearest(double[] centres, GaussianMixture fallback) {
    EmChunkKernels.Source source = EmChunkKernels.Source.nearest(centres, k);
    return maximize(data.map(c -> EmChunkKernels.moments(c, source)), source, fallback);
  }

  /** Combines the chunk moments in order and builds the new mixture; empty components keep {@code previous}. */
  private GaussianMixture maximize(List<EmChunkKernels.Moments> moments, EmChunkKernels.Source source,
      GaussianMixture previous) {
    double[] nk = new double[k];
    double[] means = new double[k * d];
    for (EmChunkKernels.Moments m : moments) {
      for (int c = 0; c < k; c++) {
        nk[c] += m.mass()[c];
      }
      for (int j = 0; j < k * d; j++) {
        means[j] += m.sums()[j];
      }
    }
    boolean[] empty = new boolean[k];
    double total = 0;
    for (int c = 0; c < k; c++) {
      empty[c] = nk[c] <= EMPTY_MASS;
      nk[c] += MASS_FLOOR;
      total += nk[c];
      double[] prev = previous.mean(c);
      for (int j = 0; j < d; j++) {
        means[c * d + j] = empty[c] ? prev[j] : means[c * d + j] / nk[c];
      }
    }
    CovarianceType t = type;
    double[] sc = new double[t == CovarianceType.FULL ? k * d * d : k * d];
    data.forEachInOrder(ch -> EmChunkKernels.scatter(ch, source, means, t), part -> {
      for (int j = 0; j < sc.length; j++) {
        sc[j] += part[j];
      }
    });
    double[] weights = new double[k];
    double[][] mu = new double[k][d];
    for (int c = 0; c < k; c++) {
      weights[c] = nk[c] / total;
      System.arraycopy(means, c * d, mu[c], 0, d);
    }
    try {
      return build(weights, mu, sc, nk, empty, previous);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("EM failed: " + e.getMessage() + ". A component has an ill-defined"
          + " empirical covariance (collapsed or too few points): increase regCovar or lower components", e);
    }
  }

  private GaussianMixture build(double[] weights, double[][] mu, double[] sc, double[] nk, boolean[] empty,
      GaussianMixture previous) {
    switch (type) {
      case FULL: {
        double[][][] cov = new double[k][d][d];
        for (int c = 0; c < k; c++) {
          if (empty[c]) {
            cov[c] = previous.covariance(c);
            continue;
          }
          for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
              double v = sc[(c * d + a) * d + b] / nk[c];
              cov[c][a][b] = v;
              cov[c][b][a] = v;
            }
            cov[c][a][a] += regCovar;
          }
        }
        return GaussianMixture.ofFull(weights, mu, cov);
      }
      case DIAG: {
        double[][] var = new double[k][d];
        for (int c = 0; c < k; c++) {
          double[] prev = empty[c] ? previous.covarianceDiagonal(c) : null;
          for (int a = 0; a < d; a++) {
            var[c][a] = empty[c] ? prev[a] : sc[c * d + a] / nk[c] + regCovar;
          }
        }
        return GaussianMixture.ofDiagonal(weights, mu, var);
      }
      default: {
        double[] var = new double[k];
        for (int c = 0; c < k; c++) {
          if (empty[c]) {
            var[c] = previous.covarianceDiagonal(c)[0];
            continue;
          }
          double s = 0;
          for (int a = 0; a < d; a++) {
            s += sc[c * d + a] / nk[c];
          }
          var[c] = s / d + regCovar;
        }
        return GaussianMixture.ofSpherical(weights, mu, var);
      }
    }
  }

  /** Stops the worker threads of chunks this engine made. */
  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}
