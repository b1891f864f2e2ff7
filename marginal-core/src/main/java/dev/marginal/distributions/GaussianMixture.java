package dev.marginal.distributions;

import dev.marginal.math.Cholesky;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.tensor.Shape;
import java.util.Arrays;

/**
 * A finite mixture of multivariate Gaussians, p(x) = Σ_c π_c N(x; μ_c, Σ_c), with full, diagonal or spherical
 * component covariances.
 *
 * <p>log p(x) = logsumexp_c [log π_c + log N(x; μ_c, Σ_c)] with
 * log N(x; μ, Σ) = −½ d log 2π − ½ log|Σ| − ½ ‖L⁻¹(x − μ)‖², Σ = L Lᵀ. The inverse Cholesky factors L⁻¹ and
 * L⁻¹μ are computed once at construction, so a density evaluation costs O(C·d²) with no factorisation. Values
 * are densities in nats: they can be positive.
 *
 * <p>Immutable; every array going in or out is copied.
 */
public final class GaussianMixture implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private static final double LOG_2PI = StrictMath.log(2 * Math.PI);
  /** Relative tolerance on the weights summing to one, and on full covariances being symmetric. */
  private static final double INPUT_TOLERANCE = 1e-8;
  /** The most elements one Java array holds (a few below {@code Integer.MAX_VALUE}, as the JVM reserves). */

  /**
   * Points drawn from the mixture and the component that produced each one. Immutable: the arrays are copied
   * (deeply) in and out, and equality compares their elements.
   *
   * @param points the draws {@code [n][d]}
   * @param labels the component of each draw {@code [n]}
   */
  public record Draws(double[][] points, int[] labels) {
    /** Validates the lengths and copies both arrays. */
    public Draws {
      if (points.length != labels.length) {
        throw new IllegalArgumentException(points.length + " points but " + labels.length + " labels");
      }
      points = Arrays.stream(points).map(double[]::clone).toArray(double[][]::new);
      labels = labels.clone();
    }

    /** The draws {@code [n][d]}, a copy. */
    @Override
    public double[][] points() {
      return Arrays.stream(points).map(double[]::clone).toArray(double[][]::new);
    }

    /** The component of each draw {@code [n]}, a copy. */
    @Override
    public int[] labels() {
      return labels.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Draws other && Arrays.deepEquals(other.points, points)
          && Arrays.equals(other.labels, labels);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.deepHashCode(points) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
      return "Draws[points=" + Arrays.deepToString(points) + ", labels=" + Arrays.toString(labels) + "]";
    }
  }

  private final int k;
  private final int d;
  private final CovarianceType type;
  private final double[] weights;
  private final double[] means;
  /** FULL: k·d·d symmetric; DIAG: k·d variances; SPHERICAL: k variances. */
  private final double[] covariances;
  /** FULL: L⁻¹ row-major per component; DIAG: k·d values 1/σ; SPHERICAL: k values 1/σ. */
  private final double[] precisionChol;
  /** L⁻¹μ_c per component, k·d, so that L⁻¹(x − μ) = L⁻¹x − L⁻¹μ (the form scikit-learn uses). */
  private final double[] whitenedMeans;
  /** log π_c − ½ d log 2π − ½ log|Σ_c|. */
  private final double[] logNormalizers;

  private GaussianMixture(CovarianceType type, double[] weights, double[] means, double[] covariances, int d) {
    this.k = weights.length;
    this.d = d;
    this.type = type;
    this.weights = weights;
    this.means = means;
    this.covariances = covariances;
    this.precisionChol = new double[type == CovarianceType.FULL ? k * d * d
        : type == CovarianceType.DIAG ? k * d : k];
    this.whitenedMeans = new double[k * d];
    this.logNormalizers = new double[k];
    for (int c = 0; c < k; c++) {
      factorComponent(c);
    }
  }

  /**
   * A mixture with full covariance matrices.
   *
   * @param weights mixing weights π {@code [C]}, non-negative, summing to one (within 1e-8; renormalised unless
   *     they sum to one within C·2⁻⁵², which keeps a mixture's own weights bit for bit)
   * @param means component means {@code [C][d]}
   * @param covariances symmetric positive definite matrices {@code [C][d][d]}
   * @throws IllegalArgumentException on inconsistent shapes, non-finite values, a covariance that is not
   *     symmetric positive definite (the message names the component), or C·d·d beyond one array's length
   */
  public static GaussianMixture ofFull(double[] weights, double[][] means, double[][][] covariances) {
    int d = checkMeans(weights, means);
    checkCount(covariances.length, weights.length, "covariances");
    double[] cov = new double[fullCovarianceLength(weights.length, d)];
    for (int c = 0; c < weights.length; c++) {
      double[][] s = covariances[c];
      checkCount(s.length, d, "rows of covariance " + c);
      for (int i = 0; i < d; i++) {
        checkCount(s[i].length, d, "columns of covariance " + c);
        for (int j = 0; j <= i; j++) {
          double scale = Math.max(Math.abs(s[i][i]), Math.abs(s[j][j]));
          if (!(Math.abs(s[i][j] - s[j][i]) <= INPUT_TOLERANCE * scale)) {
            throw new IllegalArgumentException("covariance " + c + " is not symmetric at (" + i + ", " + j + ")");
          }
          cov[(c * d + i) * d + j] = s[i][j];
          cov[(c * d + j) * d + i] = s[i][j];
        }
      }
    }
    return new GaussianMixture(CovarianceType.FULL, normalizedWeights(weights), flatten(means, d), cov, d);
  }

  /**
   * A mixture with diagonal covariance matrices.
   *
   * @param variances per-coordinate variances {@code [C][d]}, positive
   */
  public static GaussianMixture ofDiagonal(double[] weights, double[][] means, double[][] variances) {
    int d = checkMeans(weights, means);
    checkCount(variances.length, weights.length, "variance rows");
    for (int c = 0; c < variances.length; c++) {
      checkCount(variances[c].length, d, "variances of component " + c);
    }
    double[] var = flatten(variances, d);
    checkPositive(var);
    return new GaussianMixture(CovarianceType.DIAG, normalizedWeights(weights), flatten(means, d), var, d);
  }

  /**
   * A mixture with spherical covariances σ_c²·I.
   *
   * @param variances one variance σ_c² per component {@code [C]}, positive
   */
  public static GaussianMixture ofSpherical(double[] weights, double[][] means, double[] variances) {
    int d = checkMeans(weights, means);
    checkCount(variances.length, weights.length, "variances");
    double[] var = variances.clone();
    checkPositive(var);
    return new GaussianMixture(CovarianceType.SPHERICAL, normalizedWeights(weights), flatten(means, d), var, d);
  }

  /** The data dimension d. */
  public int dim() {
    return d;
  }

  /** The number of components C. */
  public int components() {
    return k;
  }

  /** How the component covariances are parameterised. */
  public CovarianceType covarianceType() {
    return type;
  }

  /** The mixing weights π {@code [C]}, a copy. */
  public double[] weights() {
    return weights.clone();
  }

  /** The component means {@code [C][d]}, a copy. */
  public double[][] means() {
    double[][] out = new double[k][];
    for (int c = 0; c < k; c++) {
      out[c] = mean(c);
    }
    return out;
  }

  /** The mean μ_c {@code [d]} of component {@code c}, a copy. */
  public double[] mean(int c) {
    double[] out = new double[d];
    System.arraycopy(means, c * d, out, 0, d);
    return out;
  }

  /** The covariance Σ_c of component {@code c} as a full {@code [d][d]} matrix, whatever the type. */
  public double[][] covariance(int c) {
    double[][] out = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = covarianceEntry(c, i, j);
      }
    }
    return out;
  }

  /**
   * The diagonal of Σ_c {@code [d]}, a copy, without building the {@code [d][d]} matrix: a diagonal mixture's
   * variances, σ_c² in every coordinate of a spherical one. Equal, bit for bit, to the diagonal of
   * {@link #covariance(int)}.
   */
  public double[] covarianceDiagonal(int c) {
    double[] out = new double[d];
    for (int i = 0; i < d; i++) {
      out[i] = covarianceEntry(c, i, i);
    }
    return out;
  }

  /** All component covariances as full matrices {@code [C][d][d]}. */
  public double[][][] covariances() {
    double[][][] out = new double[k][][];
    for (int c = 0; c < k; c++) {
      out[c] = covariance(c);
    }
    return out;
  }

  /** The mean of the whole mixture, Σ_c π_c μ_c {@code [d]}. */
  public double[] mixtureMean() {
    double[] m = new double[d];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < d; i++) {
        m[i] += weights[c] * means[c * d + i];
      }
    }
    return m;
  }

  /** The covariance of the whole mixture, Σ_c π_c (Σ_c + μ_c μ_cᵀ) − m mᵀ {@code [d][d]}. */
  public double[][] mixtureCovariance() {
    double[] m = mixtureMean();
    double[][] out = new double[d][d];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double di = means[c * d + i] - m[i];
          double dj = means[c * d + j] - m[j];
          out[i][j] += weights[c] * (covarianceEntry(c, i, j) + di * dj);
        }
      }
    }
    return out;
  }

  /**
   * The number of free parameters, counted as scikit-learn does: C·d means, C − 1 weights and
   * C·{@link CovarianceType#parametersPerComponent(int)} covariance entries.
   */
  public int freeParameterCount() {
    return k * d + (k - 1) + k * type.parametersPerComponent(d);
  }

  /**
   * Writes the log joint densities log π_c + log N(x; μ_c, Σ_c) for every component: the unnormalised log
   * responsibilities. This is the inner kernel of {@link #logProb(double[])} and of EM.
   *
   * @param x holds the point at {@code x[offset .. offset+d)}
   * @param out receives {@code [C]} values at {@code out[0 .. C)}
   */
  public void logJoint(double[] x, int offset, double[] out) {
    for (int c = 0; c < k; c++) {
      double q = 0;
      int wm = c * d;
      if (type == CovarianceType.FULL) {
        int base = c * d * d;
        for (int i = 0; i < d; i++) {
          int row = base + i * d;
          double y = -whitenedMeans[wm + i];
          for (int j = 0; j <= i; j++) {
            y += precisionChol[row + j] * x[offset + j];
          }
          q += y * y;
        }
      } else if (type == CovarianceType.DIAG) {
        for (int i = 0; i < d; i++) {
          double y = precisionChol[wm + i] * x[offset + i] - whitenedMeans[wm + i];
          q += y * y;
        }
      } else {
        double p = precisionChol[c];
        for (int i = 0; i < d; i++) {
          double y = p * x[offset + i] - whitenedMeans[wm + i];
          q += y * y;
        }
      }
      out[c] = logNormalizers[c] - 0.5 * q;
    }
  }

  /**
   * The log density log p(x) in nats.
   *
   * @param x a point {@code [d]}
   */
  public double logProb(double[] x) {
    checkCount(x.length, d, "coordinates of x");
    double[] joint = new double[k];
    logJoint(x, 0, joint);
    return LogSum.of(joint, k);
  }

  /**
   * Log densities of a batch of points.
   *
   * @param xs points {@code [n][d]}
   * @return {@code [n]}
   */
  public double[] logProb(double[][] xs) {
    double[] out = new double[xs.length];
    double[] joint = new double[k];
    for (int n = 0; n < xs.length; n++) {
      checkCount(xs[n].length, d, "coordinates of point " + n);
      logJoint(xs[n], 0, joint);
      out[n] = LogSum.of(joint, k);
    }
    return out;
  }

  /**
   * The posterior component probabilities p(c | x) = π_c N(x; μ_c, Σ_c) / p(x), as e^{l_c − m} / Σ_j e^{l_j − m}
   * with l the log joints and m their largest. Dividing by the sum keeps them summing to one where log p(x) is so
   * large in magnitude (a point far from every component: −10^17) that subtracting it, e^{l_c − log p(x)}, gave
   * every component of the largest log joint 1. There the log joints themselves carry no more digits than their
   * magnitude allows: components whose log joints are equal in double precision share the probability equally.
   *
   * @param x a point {@code [d]}
   * @return {@code [C]}, summing to one (NaN if no component gives x a finite log density)
   */
  public double[] responsibilities(double[] x) {
    checkCount(x.length, d, "coordinates of x");
    double[] r = new double[k];
    logJoint(x, 0, r);
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      max = Math.max(max, r[c]);
    }
    if (!Double.isFinite(max)) {
      java.util.Arrays.fill(r, Double.NaN);
      return r;
    }
    double sum = 0;
    for (int c = 0; c < k; c++) {
      r[c] = StrictMath.exp(r[c] - max);
      sum += r[c];
    }
    for (int c = 0; c < k; c++) {
      r[c] /= sum;
    }
    return r;
  }

  /**
   * Draws {@code n} points. As in scikit-learn, the per-component counts are multinomial(n, π) and the points
   * come grouped by component in component order; {@code labels} says which component drew each point.
   *
   * @param key randomness; the same key gives the same draws
   * @param n number of points, at least 0
   */
  public Draws sample(RngKey key, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    int[] counts = multinomialCounts(key.split(2, 0), n);
    RngKey noiseKey = key.split(2, 1);
    double[][] points = new double[n][];
    int[] labels = new int[n];
    int row = 0;
    for (int c = 0; c < k; c++) {
      double[] z = new double[counts[c] * d];
      Samplers.normals(noiseKey.foldIn(c), z, 0, z.length);
      double[] l = type == CovarianceType.FULL ? Cholesky.of(covariance(c)).lowerFlat() : null;
      for (int s = 0; s < counts[c]; s++, row++) {
        points[row] = transformNormal(c, l, z, s * d);
        labels[row] = c;
      }
    }
    return new Draws(points, labels);
  }

  /**
   * Whether {@code o} is a mixture with the same covariance type and the same weights, means and covariances (as
   * stored, bit for bit); the derived factors follow from these.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof GaussianMixture m && m.type == type && m.d == d && Arrays.equals(m.weights, weights)
        && Arrays.equals(m.means, means) && Arrays.equals(m.covariances, covariances);
  }

  @Override
  public int hashCode() {
    return ((type.hashCode() * 31 + Arrays.hashCode(weights)) * 31 + Arrays.hashCode(means)) * 31
        + Arrays.hashCode(covariances);
  }

  @Override
  public String toString() {
    return "GaussianMixture[" + k + " " + type.name().toLowerCase(java.util.Locale.ROOT) + " components in " + d
        + " dimensions, weights=" + Arrays.toString(weights) + "]";
  }

  /** Component counts from n categorical draws by inverse CDF on one uniform each. */
  private int[] multinomialCounts(RngKey key, int n) {
    double[] u = new double[n];
    Samplers.uniforms(key, u, 0, n);
    double[] cdf = new double[k];
    double acc = 0;
    int last = 0;
    for (int c = 0; c < k; c++) {
      acc += weights[c];
      cdf[c] = acc;
      if (weights[c] > 0) {
        last = c;
      }
    }
    int[] counts = new int[k];
    for (double ui : u) {
      double target = ui * acc;
      int c = 0;
      while (c < last && !(target < cdf[c])) {
        c++;
      }
      counts[c]++;
    }
    return counts;
  }

  /** μ_c + L_c z for the standard normal z at {@code z[off .. off+d)}; {@code l} is L_c for FULL. */
  private double[] transformNormal(int c, double[] l, double[] z, int off) {
    double[] x = mean(c);
    if (type == CovarianceType.FULL) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          x[i] += l[i * d + j] * z[off + j];
        }
      }
    } else {
      for (int i = 0; i < d; i++) {
        double p = type == CovarianceType.DIAG ? precisionChol[c * d + i] : precisionChol[c];
        x[i] += z[off + i] / p;
      }
    }
    return x;
  }

  private double covarianceEntry(int c, int i, int j) {
    switch (type) {
      case FULL:
        return covariances[(c * d + i) * d + j];
      case DIAG:
        return i == j ? covariances[c * d + i] : 0;
      default:
        return i == j ? covariances[c] : 0;
    }
  }

  /** Fills precisionChol, whitenedMeans and logNormalizers for component c. */
  private void factorComponent(int c) {
    double halfLogDet;
    if (type == CovarianceType.FULL) {
      Cholesky chol;
      try {
        chol = Cholesky.of(covariance(c));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("covariance of component " + c + ": " + e.getMessage(), e);
      }
      double[] inv = chol.inverseLowerFlat();
      System.arraycopy(inv, 0, precisionChol, c * d * d, d * d);
      for (int i = 0; i < d; i++) {
        double y = 0;
        for (int j = 0; j <= i; j++) {
          y += inv[i * d + j] * means[c * d + j];
        }
        whitenedMeans[c * d + i] = y;
      }
      halfLogDet = 0.5 * chol.logDeterminant();
    } else {
      halfLogDet = 0;
      for (int i = 0; i < d; i++) {
        double var = type == CovarianceType.DIAG ? covariances[c * d + i] : covariances[c];
        double p = 1 / Math.sqrt(var);
        if (type == CovarianceType.DIAG) {
          precisionChol[c * d + i] = p;
        } else {
          precisionChol[c] = p;
        }
        whitenedMeans[c * d + i] = p * means[c * d + i];
        halfLogDet += 0.5 * StrictMath.log(var);
      }
    }
    logNormalizers[c] = StrictMath.log(weights[c]) - 0.5 * d * LOG_2PI - halfLogDet;
  }

  private static int checkMeans(double[] weights, double[][] means) {
    if (weights.length == 0) {
      throw new IllegalArgumentException("a mixture needs at least one component");
    }
    checkCount(means.length, weights.length, "means");
    int d = means[0].length;
    if (d == 0) {
      throw new IllegalArgumentException("means must have at least one coordinate");
    }
    for (int c = 0; c < means.length; c++) {
      checkCount(means[c].length, d, "coordinates of mean " + c);
      for (double v : means[c]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("mean " + c + " has a non-finite coordinate " + v);
        }
      }
    }
    return d;
  }

  private static double[] normalizedWeights(double[] weights) {
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weights must be finite and non-negative, got " + w);
      }
      sum += w;
    }
    if (!(Math.abs(sum - 1) <= INPUT_TOLERANCE)) {
      throw new IllegalArgumentException("weights must sum to 1, got " + sum);
    }
    // Weights that already sum to one up to the rounding of a renormalisation (at most C/2 units in the last place
    // of 1) are kept as they are: dividing them by their sum again would move their last bits, so that a mixture
    // rebuilt from its own weights (read back from its model file) would score a few ulps away from the original.
    if (Math.abs(sum - 1) <= weights.length * Math.ulp(1.0)) {
      return weights.clone();
    }
    double[] out = new double[weights.length];
    for (int c = 0; c < weights.length; c++) {
      out[c] = weights[c] / sum;
    }
    return out;
  }

  private static void checkPositive(double[] variances) {
    for (double v : variances) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("variances must be finite and positive, got " + v);
      }
    }
  }

  /**
   * C·d·d, the numbers of C full d × d covariances, computed in long: in int it wraps for d ≥ 46,341 (one component)
   * and the arrays would be allocated at a wrong size.
   */
  private static int fullCovarianceLength(int k, int d) {
    long n = (long) k * d * d;
    if (n > Shape.MAX_ARRAY_LENGTH) {
      throw new IllegalArgumentException(k + " full covariances of " + d + " x " + d + " need " + n
          + " numbers, more than the " + Shape.MAX_ARRAY_LENGTH + " one array holds");
    }
    return (int) n;
  }

  private static void checkCount(int actual, int expected, String what) {
    if (actual != expected) {
      throw new IllegalArgumentException("expected " + expected + " " + what + ", got " + actual);
    }
  }

  private static double[] flatten(double[][] rows, int d) {
    double[] out = new double[rows.length * d];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * d, d);
    }
    return out;
  }
}
