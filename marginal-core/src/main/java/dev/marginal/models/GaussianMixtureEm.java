package dev.marginal.models;

import dev.marginal.distributions.CovarianceType;
import dev.marginal.distributions.GaussianMixture;

/**
 * Expectation–maximisation iterations of a Gaussian mixture on one data set. Holds the data (copied once into a
 * flat row-major array), the n × C responsibilities and a small thread pool, so it is stateful: close it when done.
 *
 * <p>One {@link #step(GaussianMixture)} is an E-step, r_ic = π_c N(x_i; μ_c, Σ_c) / p(x_i), then an M-step as in
 * scikit-learn: N_c = Σ_i r_ic + 10ε, π_c = N_c / Σ N_c, μ_c = Σ_i r_ic x_i / N_c,
 * Σ_c = Σ_i r_ic (x_i − μ_c)(x_i − μ_c)ᵀ / N_c + regCovar·I (diagonal: only the diagonal; spherical: the mean of
 * the diagonal). The scatter is accumulated about the new means in a second pass rather than as raw second
 * moments, which would cancel catastrophically when the data sit far from the origin.
 *
 * <p>Points are split into fixed chunks of {@value #CHUNK_ROWS} rows with one accumulator each, summed in chunk
 * order, so results are bit-identical for any thread count.
 */
public final class GaussianMixtureEm implements AutoCloseable {
  /** Rows per work chunk. */
  static final int CHUNK_ROWS = 2048;
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

  private final double[] x;
  private final int n;
  private final int d;
  private final int k;
  private final CovarianceType type;
  private final double regCovar;
  private final double[] resp;
  private final int numChunks;
  private final double[][] mass;
  private final double[][] sums;
  private final double[][] scatter;
  private final double[] logLik;
  private final Chunks chunks;

  private GaussianMixtureEm(double[] x, int n, int d, GmmOptions options) {
    this.x = x;
    this.n = n;
    this.d = d;
    this.k = options.components();
    this.type = options.covarianceType();
    this.regCovar = options.regCovar();
    this.resp = new double[n * k];
    this.numChunks = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
    this.mass = new double[numChunks][k];
    this.sums = new double[numChunks][k * d];
    this.scatter = new double[numChunks][type == CovarianceType.FULL ? k * d * d : k * d];
    this.logLik = new double[numChunks];
    this.chunks = new Chunks(options.threads());
  }

  /**
   * Prepares EM on a data set.
   *
   * @param data points {@code [n][d]}, n ≥ 1, finite
   * @param options supplies components, covarianceType, regCovar and threads
   */
  public static GaussianMixtureEm on(double[][] data, GmmOptions options) {
    if (data.length == 0) {
      throw new IllegalArgumentException("need at least one point");
    }
    int d = data[0].length;
    double[] flat = new double[data.length * d];
    for (int i = 0; i < data.length; i++) {
      if (data[i].length != d) {
        throw new IllegalArgumentException("point " + i + " has " + data[i].length + " coordinates, expected " + d);
      }
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(data[i][j])) {
          throw new IllegalArgumentException("point " + i + " has a non-finite coordinate " + data[i][j]);
        }
        flat[i * d + j] = data[i][j];
      }
    }
    return new GaussianMixtureEm(flat, data.length, d, options);
  }

  /** The number of points n. */
  public int size() {
    return n;
  }

  /** The dimension d. */
  public int dim() {
    return d;
  }

  /** The flat row-major data, shared with package code; not to be modified. */
  double[] data() {
    return x;
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
    chunks.run(numChunks, c -> expectChunk(current, c));
    double total = 0;
    for (int c = 0; c < numChunks; c++) {
      total += logLik[c];
    }
    return new Step(maximize(current), total / n);
  }

  /**
   * The M-step from hard assignments, as scikit-learn initialises from k-means labels.
   *
   * @param labels component of each point {@code [n]}
   * @param fallback supplies the parameters of components that receive no point
   */
  GaussianMixture fromLabels(int[] labels, GaussianMixture fallback) {
    java.util.Arrays.fill(resp, 0);
    for (int i = 0; i < n; i++) {
      resp[i * k + labels[i]] = 1;
    }
    chunks.run(numChunks, this::momentsChunk);
    return maximize(fallback);
  }

  /** E-step on one chunk, fused with the zeroth and first moments. */
  private void expectChunk(GaussianMixture m, int chunk) {
    double[] lj = new double[k];
    double[] ms = mass[chunk];
    double[] sm = sums[chunk];
    java.util.Arrays.fill(ms, 0);
    java.util.Arrays.fill(sm, 0);
    double ll = 0;
    int end = Math.min(n, (chunk + 1) * CHUNK_ROWS);
    for (int i = chunk * CHUNK_ROWS; i < end; i++) {
      m.logJoint(x, i * d, lj);
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, lj[c]);
      }
      double s = 0;
      for (int c = 0; c < k; c++) {
        lj[c] = StrictMath.exp(lj[c] - max);
        s += lj[c];
      }
      ll += max + StrictMath.log(s);
      double inv = 1 / s;
      for (int c = 0; c < k; c++) {
        double r = lj[c] * inv;
        resp[i * k + c] = r;
        ms[c] += r;
        int base = c * d;
        for (int j = 0; j < d; j++) {
          sm[base + j] += r * x[i * d + j];
        }
      }
    }
    logLik[chunk] = ll;
  }

  /** Zeroth and first moments of the stored responsibilities on one chunk. */
  private void momentsChunk(int chunk) {
    double[] ms = mass[chunk];
    double[] sm = sums[chunk];
    java.util.Arrays.fill(ms, 0);
    java.util.Arrays.fill(sm, 0);
    int end = Math.min(n, (chunk + 1) * CHUNK_ROWS);
    for (int i = chunk * CHUNK_ROWS; i < end; i++) {
      for (int c = 0; c < k; c++) {
        double r = resp[i * k + c];
        ms[c] += r;
        for (int j = 0; j < d; j++) {
          sm[c * d + j] += r * x[i * d + j];
        }
      }
    }
  }

  /** Weighted scatter about {@code means} on one chunk: upper triangles for FULL, diagonals otherwise. */
  private void scatterChunk(double[] means, int chunk) {
    double[] sc = scatter[chunk];
    java.util.Arrays.fill(sc, 0);
    double[] diff = new double[d];
    int end = Math.min(n, (chunk + 1) * CHUNK_ROWS);
    boolean full = type == CovarianceType.FULL;
    for (int i = chunk * CHUNK_ROWS; i < end; i++) {
      for (int c = 0; c < k; c++) {
        double r = resp[i * k + c];
        if (r == 0) {
          continue;
        }
        for (int a = 0; a < d; a++) {
          diff[a] = x[i * d + a] - means[c * d + a];
        }
        if (full) {
          for (int a = 0; a < d; a++) {
            double ra = r * diff[a];
            int row = (c * d + a) * d;
            for (int b = a; b < d; b++) {
              sc[row + b] += ra * diff[b];
            }
          }
        } else {
          for (int a = 0; a < d; a++) {
            sc[c * d + a] += r * diff[a] * diff[a];
          }
        }
      }
    }
  }

  /** Combines the chunk moments in order and builds the new mixture; empty components keep {@code previous}. */
  private GaussianMixture maximize(GaussianMixture previous) {
    double[] nk = new double[k];
    double[] means = new double[k * d];
    for (int ch = 0; ch < numChunks; ch++) {
      for (int c = 0; c < k; c++) {
        nk[c] += mass[ch][c];
      }
      for (int j = 0; j < k * d; j++) {
        means[j] += sums[ch][j];
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
    chunks.run(numChunks, ch -> scatterChunk(means, ch));
    double[] sc = new double[scatter[0].length];
    for (int ch = 0; ch < numChunks; ch++) {
      for (int j = 0; j < sc.length; j++) {
        sc[j] += scatter[ch][j];
      }
    }
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
          + " empirical covariance (collapsed or too few points): increase regCovar or use fewer components", e);
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
          double[][] prev = empty[c] ? previous.covariance(c) : null;
          for (int a = 0; a < d; a++) {
            var[c][a] = empty[c] ? prev[a][a] : sc[c * d + a] / nk[c] + regCovar;
          }
        }
        return GaussianMixture.ofDiagonal(weights, mu, var);
      }
      default: {
        double[] var = new double[k];
        for (int c = 0; c < k; c++) {
          if (empty[c]) {
            var[c] = previous.covariance(c)[0][0];
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

  /** Stops the worker threads. */
  @Override
  public void close() {
    chunks.close();
  }
}
