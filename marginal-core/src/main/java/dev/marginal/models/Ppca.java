package dev.marginal.models;

import dev.marginal.config.ParameterException;
import dev.marginal.math.Cholesky;
import dev.marginal.math.SymmetricEigen;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.tensor.Shape;
import java.util.Arrays;

/**
 * Probabilistic PCA: z ~ N(0, I_q), x | z ~ N(W z + b, σ² I_d), so that x ~ N(b, C) with C = W Wᵀ + σ² I.
 *
 * <p>The maximum-likelihood fit is closed form (Tipping &amp; Bishop 1999): b is the sample mean; with λ₁ ≥ … ≥ λ_d
 * the eigenvalues of the sample covariance S = (1/n) Σ (x − b)(x − b)ᵀ and U_q the leading eigenvectors,
 * σ² = (1/(d − q)) Σ_{j>q} λ_j and W = U_q (Λ_q − σ² I)^{1/2}. (scikit-learn's PCA divides by n − 1 instead.)
 *
 * <p>Densities use M = WᵀW + σ² I (q × q): the matrix determinant lemma gives log|C| = (d − q) log σ² + log|M|,
 * and Woodbury gives (x − b)ᵀ C⁻¹ (x − b) = (‖e‖² − (Wᵀe)ᵀ M⁻¹ (Wᵀe)) / σ² with e = x − b, so each evaluation
 * costs O(dq) after one q × q factorisation. The posterior is z | x ~ N(M⁻¹Wᵀ(x − b), σ² M⁻¹).
 *
 * <p>Immutable. References: Tipping &amp; Bishop, Probabilistic Principal Component Analysis, JRSS B 61 (1999).
 */
public final class Ppca {
  private static final double LOG_2PI = StrictMath.log(2 * Math.PI);

  /**
   * A Gaussian posterior over the latent code.
   *
   * <p>Immutable: the arrays are copied (deeply) in and out, and equality compares their elements.
   *
   * @param mean {@code [q]}
   * @param covariance {@code [q][q]}
   */
  public record Posterior(double[] mean, double[][] covariance) {
    /** Validates the shapes and copies both arrays. */
    public Posterior {
      for (double[] row : covariance) {
        if (row.length != mean.length) {
          throw new IllegalArgumentException("a covariance row of " + row.length + " for a mean of " + mean.length);
        }
      }
      if (covariance.length != mean.length) {
        throw new IllegalArgumentException(covariance.length + " covariance rows for a mean of " + mean.length);
      }
      mean = mean.clone();
      covariance = deepCopy(covariance);
    }

    /** The posterior mean {@code [q]}, a copy. */
    @Override
    public double[] mean() {
      return mean.clone();
    }

    /** The posterior covariance {@code [q][q]}, a copy. */
    @Override
    public double[][] covariance() {
      return deepCopy(covariance);
    }

    /** The posterior variance of latent coordinate {@code a}, without copying the matrix. */
    public double variance(int a) {
      return covariance[a][a];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Posterior p && Arrays.equals(p.mean, mean) && Arrays.deepEquals(p.covariance, covariance);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(mean) + Arrays.deepHashCode(covariance);
    }

    @Override
    public String toString() {
      return "Posterior[mean=" + Arrays.toString(mean) + ", covariance=" + Arrays.deepToString(covariance) + "]";
    }

    private static double[][] deepCopy(double[][] a) {
      return Arrays.stream(a).map(double[]::clone).toArray(double[][]::new);
    }
  }

  private final int d;
  private final int q;
  private final double[] mean;
  /** W row-major {@code [d·q]}. */
  private final double[] w;
  private final double noiseVariance;
  private final Cholesky mChol;
  private final double logDetC;

  private Ppca(double[] mean, double[] w, int q, double noiseVariance) {
    this.d = mean.length;
    this.q = q;
    this.mean = mean;
    this.w = w;
    this.noiseVariance = noiseVariance;
    double[][] m = new double[q][q];
    for (int a = 0; a < q; a++) {
      for (int b = 0; b < q; b++) {
        double s = a == b ? noiseVariance : 0;
        for (int i = 0; i < d; i++) {
          s += w[i * q + a] * w[i * q + b];
        }
        m[a][b] = s;
      }
    }
    this.mChol = Cholesky.of(m);
    this.logDetC = (d - q) * StrictMath.log(noiseVariance) + mChol.logDeterminant();
  }

  /**
   * A model with given parameters.
   *
   * @param mean b {@code [d]}
   * @param loadings W {@code [d][q]}, 1 ≤ q
   * @param noiseVariance σ² > 0
   */
  public static Ppca of(double[] mean, double[][] loadings, double noiseVariance) {
    int d = mean.length;
    if (d == 0 || loadings.length != d || loadings[0].length == 0) {
      throw new IllegalArgumentException("loadings must be [d][q] with d = mean.length >= 1 and q >= 1");
    }
    if (!(noiseVariance > 0) || Double.isInfinite(noiseVariance)) {
      throw new IllegalArgumentException("noiseVariance must be finite and positive, got " + noiseVariance);
    }
    int q = loadings[0].length;
    double[] w = new double[d * q];
    for (int i = 0; i < d; i++) {
      if (loadings[i].length != q) {
        throw new IllegalArgumentException("loadings row " + i + " has " + loadings[i].length + " entries, expected " + q);
      }
      for (int a = 0; a < q; a++) {
        w[i * q + a] = requireFinite(loadings[i][a]);
      }
      requireFinite(mean[i]);
    }
    return new Ppca(mean.clone(), w, q, noiseVariance);
  }

  /**
   * Refuses no points, or a latent dimension outside [1, d), the latter as a {@link ParameterException} about
   * {@code latentDim}, as other settings out of range are; and, before anything of its size is allocated, a d × d
   * sample covariance that one array or the heap cannot hold ({@link #fitBytes}).
   */
  private static void requireFittable(long n, int d, int latentDim, long held) {
    if (n == 0) {
      throw new IllegalArgumentException("need n >= 1 points, got none");
    }
    if (latentDim < 1 || latentDim >= d) {
      throw ParameterException.about(java.util.List.of("latentDim"), "latentDim must be in [1, " + d + ") for "
          + d + "-D data, got " + latentDim);
    }
    long packed = (long) d * (d + 1) / 2;
    if (packed > MAX_PACKED) {
      throw new IllegalArgumentException(d + "-D data need a " + d + " × " + d + " sample covariance, whose "
          + packed + " distinct entries are more than the " + MAX_PACKED + " one array holds; use fewer columns");
    }
    long bytes = heldFitBytes(held, d);
    long heap = Runtime.getRuntime().maxMemory();
    if (bytes > heap) {
      throw new IllegalArgumentException(d + "-D data need a " + d + " × " + d + " sample covariance (about "
          + ((long) d * d * Double.BYTES >> 20) + " MiB), and a fit holds about " + (bytes >> 20) + " MiB of such"
          + " matrices, more than the " + (heap >> 20) + " MiB heap; use fewer columns, or give the JVM more memory"
          + " (-Xmx)");
    }
  }

  /** The most values one array holds. */
  private static final long MAX_PACKED = Shape.MAX_ARRAY_LENGTH;

  /**
   * The bytes of d × d matrices that a fit in this JVM ({@link #fit(double[][], int)}) to {@code rows} points of
   * {@code dim} coordinates holds at its peak, roughly: while the scatter is summed, the packed lower triangle
   * (d(d + 1)/2 values) of each chunk not yet added ({@link InMemoryChunks#resultsHeld}), their sum and the sample
   * covariance; then the sample covariance, the eigensolver's vectors and their copy, three d × d matrices. Fits whose
   * count exceeds the heap are refused before the first is allocated.
   */
  public static long fitBytes(long rows, int dim) {
    long chunks = rows / RowChunks.CHUNK_ROWS + (rows % RowChunks.CHUNK_ROWS == 0 ? 0 : 1);
    return heldFitBytes(InMemoryChunks.resultsHeld(chunks, 1), dim);
  }

  /** {@link #fitBytes(long, int)} where {@code held} chunks' triangles are held at once. */
  private static long heldFitBytes(long held, int dim) {
    double square = (double) dim * dim;
    double packed = (double) dim * (dim + 1) / 2;
    double values = Math.max(3 * square, square + (held + 1) * packed);
    return values * Double.BYTES >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) (values * Double.BYTES);
  }

  /** The latent dimension a fit uses when the caller gives none: two, so the latent space can be drawn. */
  public static final int DEFAULT_LATENT_DIM = 2;

  /**
   * The maximum-likelihood fit.
   *
   * @param x points {@code [n][d]}, n ≥ 1
   * @param latentDim q, with 1 ≤ q &lt; d
   * @throws IllegalArgumentException if the discarded eigenvalues are all zero (data of rank ≤ q), which would
   *     make σ² = 0; or, before it is allocated, if the d × d sample covariance cannot fit one array or the heap
   *     ({@link #fitBytes}): data too wide
   */
  public static Ppca fit(double[][] x, int latentDim) {
    int n = x.length;
    int d = n == 0 ? 0 : x[0].length;
    requireFittable(n, d, latentDim, InMemoryChunks.resultsHeld((n + RowChunks.CHUNK_ROWS - 1L) / RowChunks.CHUNK_ROWS,
        1));
    try (InMemoryChunks chunks = InMemoryChunks.of(x, 1)) {
      return fit(chunks, latentDim);
    }
  }

  /**
   * The maximum-likelihood fit on chunked data held anywhere: the mean and the scatter are summed per chunk (rows
   * in order) and then over chunks in order, so the fit is the same bit for bit however the chunks are computed.
   *
   * @param x n ≥ 1 finite points
   * @param latentDim q, with 1 ≤ q &lt; d
   * @throws IllegalArgumentException as {@link #fit(double[][], int)} says
   */
  public static Ppca fit(RowChunks x, int latentDim) {
    long n = x.rows();
    int d = x.dim();
    requireFittable(n, d, latentDim, x.resultsHeld());
    double[] b = new double[d];
    for (double[] part : x.map(c -> meanPart(c, n))) {
      for (int j = 0; j < d; j++) {
        b[j] += part[j];
      }
    }
    SymmetricEigen eig = SymmetricEigen.of(sampleCovariance(x, b));
    double[] lam = eig.values();
    double[][] u = eig.vectors();
    double sigma2 = 0;
    for (int j = latentDim; j < d; j++) {
      sigma2 += lam[j] / (d - latentDim);
    }
    if (!(sigma2 > 0)) {
      throw new IllegalArgumentException("the discarded eigenvalues sum to " + sigma2
          + ": the data have rank <= latentDim, so the noise variance would be zero; use a smaller latentDim or drop"
          + " constant or duplicated columns");
    }
    double[] w = new double[d * latentDim];
    for (int a = 0; a < latentDim; a++) {
      // Clamped at zero: λ_a ≥ σ² in exact arithmetic, but equal eigenvalues can round below it.
      double scale = Math.sqrt(Math.max(lam[a] - sigma2, 0));
      for (int i = 0; i < d; i++) {
        w[i * latentDim + a] = u[i][a] * scale;
      }
    }
    return new Ppca(b, w, latentDim, sigma2);
  }

  /** Σ x_i / n over the rows of a chunk, in row order. */
  private static double[] meanPart(RowChunk chunk, long n) {
    int d = chunk.dim();
    double[] x = chunk.values();
    double[] s = new double[d];
    for (int i = 0; i < chunk.rows(); i++) {
      for (int j = 0; j < d; j++) {
        s[j] += x[i * d + j] / n;
      }
    }
    return s;
  }

  /** The packed lower triangle of Σ (x_i − b)(x_i − b)ᵀ over a chunk: entry (i, j ≤ i) at i(i+1)/2 + j. */
  private static double[] scatterPart(RowChunk chunk, double[] b) {
    int d = b.length;
    double[] x = chunk.values();
    double[] s = new double[(int) ((long) d * (d + 1) / 2)];
    double[] e = new double[d];
    for (int r = 0; r < chunk.rows(); r++) {
      for (int j = 0; j < d; j++) {
        e[j] = x[r * d + j] - b[j];
      }
      for (int i = 0, at = 0; i < d; i++) {
        for (int j = 0; j <= i; j++, at++) {
          s[at] += e[i] * e[j];
        }
      }
    }
    return s;
  }

  private static double[][] sampleCovariance(RowChunks x, double[] b) {
    int d = b.length;
    double[] packed = new double[(int) ((long) d * (d + 1) / 2)];
    x.forEachInOrder(c -> scatterPart(c, b), part -> {
      for (int j = 0; j < packed.length; j++) {
        packed[j] += part[j];
      }
    });
    double[][] s = new double[d][d];
    for (int i = 0, at = 0; i < d; i++) {
      for (int j = 0; j <= i; j++, at++) {
        s[i][j] = packed[at] / x.rows();
        s[j][i] = s[i][j];
      }
    }
    return s;
  }

  /** The data dimension d. */
  public int dim() {
    return d;
  }

  /** The latent dimension q. */
  public int latentDim() {
    return q;
  }

  /** The mean b {@code [d]}, a copy. */
  public double[] mean() {
    return mean.clone();
  }

  /** The loadings W {@code [d][q]}, a copy. */
  public double[][] loadings() {
    double[][] out = new double[d][q];
    for (int i = 0; i < d; i++) {
      System.arraycopy(w, i * q, out[i], 0, q);
    }
    return out;
  }

  /** The noise variance σ². */
  public double noiseVariance() {
    return noiseVariance;
  }

  /** The marginal covariance C = W Wᵀ + σ² I {@code [d][d]}. */
  public double[][] covariance() {
    double[][] c = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = i == j ? noiseVariance : 0;
        for (int a = 0; a < q; a++) {
          s += w[i * q + a] * w[j * q + a];
        }
        c[i][j] = s;
      }
    }
    return c;
  }

  /**
   * The exact log density log N(x; b, W Wᵀ + σ² I) in nats.
   *
   * @param x a point {@code [d]}
   */
  public double logProb(double[] x) {
    double[] e = centred(x);
    double ee = 0;
    for (double v : e) {
      ee += v * v;
    }
    double[] v = mChol.solveLower(project(e));
    double vv = 0;
    for (double t : v) {
      vv += t * t;
    }
    return -0.5 * (d * LOG_2PI + logDetC + (ee - vv) / noiseVariance);
  }

  /** Log densities of points {@code [n][d]}, returned as {@code [n]}. */
  public double[] logProb(double[][] xs) {
    double[] out = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = logProb(xs[i]);
    }
    return out;
  }

  /**
   * The exact posterior p(z | x) = N(M⁻¹Wᵀ(x − b), σ² M⁻¹).
   *
   * @param x a point {@code [d]}
   */
  public Posterior posterior(double[] x) {
    double[] m = mChol.solve(project(centred(x)));
    double[][] cov = mChol.inverse();
    for (double[] row : cov) {
      for (int b = 0; b < q; b++) {
        row[b] *= noiseVariance;
      }
    }
    return new Posterior(m, cov);
  }

  /**
   * Posterior means E[z | x_i] of a batch: the probabilistic principal components.
   *
   * @param xs points {@code [n][d]}
   * @return {@code [n][q]}
   */
  public double[][] encode(double[][] xs) {
    double[][] out = new double[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      out[i] = mChol.solve(project(centred(xs[i])));
    }
    return out;
  }

  /**
   * Draws x = W z + b + σ ε with z ~ N(0, I_q), ε ~ N(0, I_d).
   *
   * @param key randomness; the same key gives the same points
   * @param n number of points, at least 0
   * @return {@code [n][d]}
   * @throws ParameterException for a negative {@code n}
   */
  public double[][] sample(RngKey key, int n) {
    ParameterException.atLeast("n", n, 0);
    double[] z = new double[n * q];
    double[] eps = new double[n * d];
    Samplers.normals(key.split(2, 0), z, 0, z.length);
    Samplers.normals(key.split(2, 1), eps, 0, eps.length);
    double sigma = Math.sqrt(noiseVariance);
    double[][] out = new double[n][d];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < d; i++) {
        double v = mean[i] + sigma * eps[s * d + i];
        for (int a = 0; a < q; a++) {
          v += w[i * q + a] * z[s * q + a];
        }
        out[s][i] = v;
      }
    }
    return out;
  }

  /**
   * The means W z + b of p(x | z) for latent codes z.
   *
   * @param zs codes {@code [n][q]}
   * @return {@code [n][d]}
   * @throws IllegalArgumentException for a code of another length than q
   */
  public double[][] decode(double[][] zs) {
    double[][] out = new double[zs.length][];
    for (int s = 0; s < zs.length; s++) {
      if (zs[s].length != q) {
        throw new IllegalArgumentException("expected a code with " + q + " coordinates, got " + zs[s].length);
      }
      out[s] = decodeOne(zs[s], 0);
    }
    return out;
  }

  /**
   * The means W z + b of p(x | z) for the {@code n} codes z that {@link #sample} draws with the same key: row i is
   * the mean of the distribution row i of {@code sample(key, n)} is drawn from.
   *
   * @throws ParameterException for a negative {@code n}
   */
  public double[][] sampleMeans(RngKey key, int n) {
    ParameterException.atLeast("n", n, 0);
    double[] z = new double[n * q];
    Samplers.normals(key.split(2, 0), z, 0, z.length);
    double[][] out = new double[n][];
    for (int s = 0; s < n; s++) {
      out[s] = decodeOne(z, s * q);
    }
    return out;
  }

  /** W z + b for the code at {@code z[from .. from + q)}. */
  private double[] decodeOne(double[] z, int from) {
    double[] x = new double[d];
    for (int i = 0; i < d; i++) {
      double v = mean[i];
      for (int a = 0; a < q; a++) {
        v += w[i * q + a] * z[from + a];
      }
      x[i] = v;
    }
    return x;
  }

  private double[] centred(double[] x) {
    if (x.length != d) {
      throw new IllegalArgumentException("expected a point with " + d + " coordinates, got " + x.length);
    }
    double[] e = new double[d];
    for (int i = 0; i < d; i++) {
      e[i] = x[i] - mean[i];
    }
    return e;
  }

  /** Wᵀe {@code [q]}. */
  private double[] project(double[] e) {
    double[] u = new double[q];
    for (int i = 0; i < d; i++) {
      for (int a = 0; a < q; a++) {
        u[a] += w[i * q + a] * e[i];
      }
    }
    return u;
  }

  private static double requireFinite(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("non-finite value " + v);
    }
    return v;
  }
}
