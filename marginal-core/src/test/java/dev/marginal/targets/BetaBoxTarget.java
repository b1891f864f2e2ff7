package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.OptionalDouble;

/**
 * A user target with bounded support, as a user would write one: two independent Beta(2, 2) coordinates on
 * [0, 1]², p̃(x) = Π x_i (1 − x_i). Its log density is −∞ on the boundary and NaN outside, so a sampler that steps
 * onto or over the boundary breaks it.
 *
 * <pre>
 *   Z = B(2, 2)² = 1/36,  log Z = −2 log 6
 *   H = 2 · (5/3 − log 6)      (Beta(a, b): log B(a, b) − (a−1)ψ(a) − (b−1)ψ(b) + (a+b−2)ψ(a+b), ψ(4) − ψ(2) = 5/6)
 * </pre>
 *
 * Exact sampler: the median of three uniforms is Beta(2, 2).
 */
public class BetaBoxTarget implements Target {
  public static final double LOG_Z = -2 * Math.log(6);
  public static final double ENTROPY = 2 * (5.0 / 3 - Math.log(6));

  @Override
  public String name() {
    return "beta-box";
  }

  @Override
  public int dim() {
    return 2;
  }

  @Override
  public Var logDensity(Var x) {
    return x.log().add(x.neg().add(1f).log()).sum(1, false);
  }

  @Override
  public Support support() {
    return Support.box(2, 0, 1);
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

  @Override
  public Tensor sample(RngKey key, int n) {
    float[] u = key.uniforms(6 * n);
    float[] x = new float[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      float a = u[3 * i];
      float b = u[3 * i + 1];
      float c = u[3 * i + 2];
      x[i] = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
    return Tensor.wrap(x, n, 2);
  }
}
