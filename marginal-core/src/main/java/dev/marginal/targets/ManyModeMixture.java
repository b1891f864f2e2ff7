package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The 40-mode Gaussian mixture of the sampling literature (Midgley et al. 2023, "Flow annealed importance sampling
 * bootstrap", §5.1; its JAX code {@code fabjax.targets.gmm}): K = 40 equally weighted components in two dimensions,
 * identity covariance, means drawn uniformly from [−40, 40]². Normalized:
 *
 * <pre>
 *   p(x) = (1/K) Σ_k N(x; μ_k, I),   log Z = 0
 *   H = 6.40339 nats   (2-D quadrature; see {@link #ENTROPY})
 * </pre>
 *
 * The means come from this library's {@link RngKey} with seed {@value #MEANS_SEED} (uniforms of
 * {@code RngKey.of(0).foldIn(40)}), not from the paper's JAX draws, which cannot be reproduced without JAX's
 * generator: the construction and its difficulty (40 unit-width modes spread over a square of side 80, most of
 * them far apart) are the paper's, the exact positions are not. The PyTorch version of the FAB code scales the
 * components by softplus(1) ≈ 1.31 instead of 1.
 *
 * <p>Reverse KL is mode-seeking: a surrogate trained on this target typically covers a few modes; {@link #modes()}
 * counts how many it holds.
 */
public final class ManyModeMixture implements Target {
  /** The number of components K. */
  public static final int COMPONENTS = 40;
  /** Half the side of the square the means are drawn from. */
  public static final double LOCATION_SCALE = 40;
  /** The seed of the means. */
  public static final long MEANS_SEED = 0;
  /**
   * The entropy of the mixture in nats: Simpson's rule on [−48, 48]² with 1921² and 2881² points agree to 1e-14
   * (numpy 2.4.6, scipy 1.17.1, script golden/hard_targets.py, which holds these means).
   */
  public static final double ENTROPY = 6.403390676888727;

  private final double[][] means;

  /** The mixture with the library's fixed means. */
  public ManyModeMixture() {
    this.means = drawMeans();
  }

  private static double[][] drawMeans() {
    double[][] m = new double[COMPONENTS][2];
    RngKey key = RngKey.of(MEANS_SEED).foldIn(COMPONENTS);
    for (int k = 0; k < COMPONENTS; k++) {
      for (int j = 0; j < 2; j++) {
        m[k][j] = (2 * key.foldIn(k).foldIn(j).uniform() - 1) * LOCATION_SCALE;
      }
    }
    return m;
  }

  /** The component means, {@code [K][2]}, a fresh copy. */
  public double[][] means() {
    double[][] copy = new double[COMPONENTS][];
    for (int k = 0; k < COMPONENTS; k++) {
      copy[k] = means[k].clone();
    }
    return copy;
  }

  @Override
  public String name() {
    return "gmm40";
  }

  @Override
  public int dim() {
    return 2;
  }

  /**
   * log p(x) = logsumexp_k(−½|x − μ_k|²) − log K − log 2π, computed in double as one primitive with gradient
   * Σ_k r_k(x)(μ_k − x), r_k the component responsibilities.
   */
  @Override
  public Var logDensity(Var x) {
    Ops.requireRows(x, 2, name());
    float[] v = x.value().buffer();
    int n = x.shape()[0];
    float[] out = new float[n];
    float[] grad = new float[2 * n];
    double[] logTerm = new double[COMPONENTS];
    double constant = -StrictMath.log(COMPONENTS) - LogSpace.LOG_2PI;
    for (int i = 0; i < n; i++) {
      double x0 = v[2 * i];
      double x1 = v[2 * i + 1];
      for (int k = 0; k < COMPONENTS; k++) {
        double d0 = x0 - means[k][0];
        double d1 = x1 - means[k][1];
        logTerm[k] = -0.5 * (d0 * d0 + d1 * d1);
      }
      double lse = LogSpace.logSumExp(logTerm);
      double g0 = 0;
      double g1 = 0;
      for (int k = 0; k < COMPONENTS; k++) {
        double r = StrictMath.exp(logTerm[k] - lse);
        g0 += r * (means[k][0] - x0);
        g1 += r * (means[k][1] - x1);
      }
      out[i] = (float) (lse + constant);
      grad[2 * i] = (float) g0;
      grad[2 * i + 1] = (float) g1;
    }
    Tensor g = Tensor.wrap(grad, n, 2);
    return x.tape().record(Tensor.wrap(out, n), up -> x.accumulate(up.reshape(n, 1).mul(g)), x);
  }

  @Override
  public OptionalDouble logZ() {
    return OptionalDouble.of(0.0);
  }

  @Override
  public OptionalDouble entropy() {
    return OptionalDouble.of(ENTROPY);
  }

  @Override
  public boolean hasSampler() {
    return true;
  }

  /** A uniformly chosen component, then μ_k + ε with ε ~ N(0, I). */
  @Override
  public Tensor sample(RngKey key, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    float[] u = key.split(2, 0).uniforms(n);
    float[] e = key.split(2, 1).normals(2 * n);
    for (int i = 0; i < n; i++) {
      int k = Math.min(COMPONENTS - 1, (int) (u[i] * COMPONENTS));
      e[2 * i] = (float) (means[k][0] + e[2 * i]);
      e[2 * i + 1] = (float) (means[k][1] + e[2 * i + 1]);
    }
    return Tensor.wrap(e, n, 2);
  }

  /** The 40 means, each with weight 1/40. */
  @Override
  public Optional<Modes> modes() {
    float[][] c = new float[COMPONENTS][2];
    double[] w = new double[COMPONENTS];
    for (int k = 0; k < COMPONENTS; k++) {
      c[k][0] = (float) means[k][0];
      c[k][1] = (float) means[k][1];
      w[k] = 1.0 / COMPONENTS;
    }
    return Optional.of(new Modes(c, w));
  }

  /** [−48, 48]²: every mean to beyond seven standard deviations. */
  @Override
  public double[] box() {
    return new double[] {-48, 48, -48, 48};
  }

  @Override
  public String toString() {
    return name();
  }
}
