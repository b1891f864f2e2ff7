package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A two-dimensional funnel, normalized: x1 ~ N(0, s²) with s = 1.35, and x0 | x1 ~ N(0, e^{2·x1}) (standard
 * deviation e^{x1}). Columns are (x0, x1).
 *
 * <pre>
 *   log p(x0, x1) = −x1²/(2s²) − log s − x0²·e^{−2·x1}/2 − x1 − log 2π
 *   log Z = 0
 *   H = ½ log(2πe·s²) + E[½ log(2πe) + x1] = log(2πe) + log s = 3.13798 nats
 *   P(x1 &lt; −2) = Φ(−2/s) = 0.0692392
 * </pre>
 *
 * The neck x1 &lt; −2 is narrow (x0 there has standard deviation below e^{−2}) and is where reverse-KL surrogates
 * lose mass.
 */
public final class SeedFunnel implements Target {
  /** The standard deviation s of x1. */
  public static final double SCALE_SD = 1.35;
  /** The closed-form entropy log(2πe) + log s, in nats. */
  public static final double ENTROPY = StrictMath.log(2 * Math.PI * Math.E) + StrictMath.log(SCALE_SD);
  /** Φ(−2/1.35) (scipy.stats.norm.cdf, scipy 1.17.1). */
  public static final double NECK_MASS = 0.06923915803341028;

  private static final HardRegion NECK = new HardRegion("x1 < -2 (funnel neck)", NECK_MASS, 1, -2.0);

  @Override
  public String name() {
    return "funnel";
  }

  @Override
  public int dim() {
    return 2;
  }

  @Override
  public Var logDensity(Var x) {
    Ops.requireRows(x, 2, name());
    Var x0 = Ops.column(x, 0);
    Var x1 = Ops.column(x, 1);
    Var scale = Ops.halfSquare(x1, 0f, (float) SCALE_SD);
    // (x0·e^{−x1})² rather than x0²·e^{−2·x1}: one exponential, and no 0·∞ when x0 = 0 and e^{−2·x1}
    // overflows.
    Var location = x0.mul(x1.neg().exp()).square().mul(-0.5f);
    float constant = (float) (-StrictMath.log(SCALE_SD) - LogSpace.LOG_2PI);
    return scale.add(location).sub(x1).add(constant);
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

  /** x1 = s·ε1, x0 = e^{x1}·ε0 with ε standard normal. */
  @Override
  public Tensor sample(RngKey key, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    float[] e = key.normals(2 * n);
    for (int i = 0; i < n; i++) {
      double x1 = SCALE_SD * e[2 * i + 1];
      e[2 * i] = (float) (StrictMath.exp(x1) * e[2 * i]);
      e[2 * i + 1] = (float) x1;
    }
    return Tensor.wrap(e, n, 2);
  }

  /** x0 ∈ [−10, 10], x1 ∈ [−5, 5]. */
  @Override
  public double[] box() {
    return new double[] {-10, 10, -5, 5};
  }

  @Override
  public Optional<HardRegion> hardRegion() {
    return Optional.of(NECK);
  }

  @Override
  public String toString() {
    return name();
  }
}
