package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.OptionalDouble;

/**
 * The two-moons energy used as a reverse-KL target for normalizing flows, from normflows
 * ({@code normflows/distributions/target.py}, class {@code TwoMoons}; Stimper et al. 2023):
 *
 * <pre>
 *   log p̃(z) = −½((|z| − 2)/0.2)² − ½((|z1| − 2)/0.3)² + log(1 + exp(−4·|z1|/0.09))
 *            = −½((|z| − 2)/0.2)² + log(exp(−½((z1 − 2)/0.3)²) + exp(−½((z1 + 2)/0.3)²))
 *   log Z = 0.804214,  H = 1.57106 nats   (over [−4, 4]², Simpson's rule on 2001² and 4001² points, which agree
 *                                          to 1e-12; scipy 1.17.1, script golden/targets.py)
 * </pre>
 *
 * The second form, used here, is smooth at z1 = 0 where the first has |z1|. FFJORD's "moons" is a data set
 * (scikit-learn's make_moons) with no closed-form density, so this is the energy, not that set. The mass outside
 * [−4, 4]² is negligible. Exact samples on the box come from a grid rejection sampler ({@link #sample}).
 */
public final class TwoMoons implements Target {
  private GridSampler sampler;
  /** log Z by quadrature. */
  public static final double LOG_Z = 0.804214;
  /** The entropy of the normalized density by quadrature. */
  public static final double ENTROPY = 1.57106;

  @Override
  public String name() {
    return "two-moons";
  }

  @Override
  public int dim() {
    return 2;
  }

  @Override
  public Var logDensity(Var x) {
    Ops.requireRows(x, 2, name());
    return Ops.ringWithTwoModes(x, 0.2f, 0.3f);
  }

  @Override
  public OptionalDouble logZ() {
    return OptionalDouble.of(LOG_Z);
  }

  @Override
  public OptionalDouble entropy() {
    return OptionalDouble.of(ENTROPY);
  }

  @Override
  public boolean hasSampler() {
    return true;
  }

  /**
   * Exact draws from p̃ restricted to [−4, 4]² (where log Z is computed), by rejection from a grid envelope
   * ({@link GridSampler}, 400 × 400 cells).
   */
  @Override
  public Tensor sample(RngKey key, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    return gridSampler().sample(key, n);
  }

  synchronized GridSampler gridSampler() {
    if (sampler == null) {
      sampler = new GridSampler(this, -DEFAULT_BOX_HALF_WIDTH, DEFAULT_BOX_HALF_WIDTH);
    }
    return sampler;
  }

  @Override
  public String toString() {
    return name();
  }
}
