package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Neal's funnel in D dimensions, normalized: v ~ N(0, 3²) and x_i | v ~ N(0, e^v) (variance e^v) for
 * i = 1..D−1. Column 0 is v, columns 1..D−1 are x_1..x_{D−1}.
 *
 * <pre>
 *   log p(v, x) = −v²/18 − log 3 − (D/2)·log 2π − (D−1)·v/2 − ½·e^{−v}·Σ x_i²
 *   log Z = 0
 *   H = ½ log(2πe·9) + (D−1)·E[½ log(2πe·e^v)] = (D/2)·log(2πe) + log 3     (E[v] = 0)
 *     = 3.93649 (D = 2), 15.2880 (D = 10)
 *   P(v &lt; −2) = Φ(−2/3) = 0.252493
 * </pre>
 *
 * References: Neal (2003), Slice sampling, Annals of Statistics 31(3).
 */
public final class NealFunnel implements Target {
  /** The default dimension D. */
  public static final int DEFAULT_DIM = 2;
  /** The standard deviation of v. */
  public static final double SCALE_SD = 3.0;
  /** Φ(−2/3) (scipy.stats.norm.cdf, scipy 1.17.1). */
  public static final double NECK_MASS = 0.2524925375469229;

  private final int dim;

  private NealFunnel(int dim) {
    this.dim = dim;
  }

  /**
   * Neal's funnel in {@code dim} dimensions.
   *
   * @param dim D, at least 2 (v and at least one x_i)
   */
  public static NealFunnel of(int dim) {
    if (dim < 2) {
      throw new IllegalArgumentException("neal-funnel needs dimension D >= 2, got " + dim);
    }
    return new NealFunnel(dim);
  }

  /** The closed-form entropy (D/2)·log(2πe) + log 3, in nats. */
  public static double entropy(int dim) {
    return 0.5 * dim * StrictMath.log(2 * Math.PI * Math.E) + StrictMath.log(SCALE_SD);
  }

  @Override
  public String name() {
    return "neal-funnel:" + dim;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public Var logDensity(Var x) {
    Ops.requireRows(x, dim, name());
    Var v = Ops.column(x, 0);
    Var sumSquares = x.slice(1, 1, dim).square().sum(1, false);
    Var scale = Ops.halfSquare(v, 0f, (float) SCALE_SD);
    Var location = sumSquares.mul(v.neg().exp()).mul(-0.5f);
    float constant = (float) (-StrictMath.log(SCALE_SD) - 0.5 * dim * LogSpace.LOG_2PI);
    return scale.add(location).add(v.mul(-0.5f * (dim - 1))).add(constant);
  }

  @Override
  public OptionalDouble logZ() {
    return OptionalDouble.of(0.0);
  }

  @Override
  public OptionalDouble entropy() {
    return OptionalDouble.of(entropy(dim));
  }

  @Override
  public boolean hasSampler() {
    return true;
  }

  /** v = 3·ε0, x_i = e^{v/2}·ε_i with ε standard normal. */
  @Override
  public Tensor sample(RngKey key, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    float[] e = key.normals(n * dim);
    for (int i = 0; i < n; i++) {
      int row = i * dim;
      double v = SCALE_SD * e[row];
      double sd = StrictMath.exp(v / 2);
      e[row] = (float) v;
      for (int j = 1; j < dim; j++) {
        e[row + j] = (float) (sd * e[row + j]);
      }
    }
    return Tensor.wrap(e, n, dim);
  }

  /** v ∈ [−9, 9] (three standard deviations), x_1 ∈ [−10, 10]. */
  @Override
  public double[] box() {
    return new double[] {-9, 9, -10, 10};
  }

  @Override
  public Optional<HardRegion> hardRegion() {
    return Optional.of(new HardRegion("v < -2 (funnel neck)", NECK_MASS, 0, -2.0));
  }

  @Override
  public String toString() {
    return name();
  }
}
