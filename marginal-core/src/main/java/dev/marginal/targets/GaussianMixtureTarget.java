package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The mixture ½N([−2, 0], I) + ½N([2, 0], 4I) in two dimensions, scaled so that Z = 2π exactly. The two normal
 * densities carry 1/(2π) and 1/(2π·4); multiplying the mixture by 2π leaves
 *
 * <pre>
 *   p̃(x) = ½·exp(−|x − μ1|²/2) + ⅛·exp(−|x − μ2|²/8),   μ1 = (−2, 0), μ2 = (2, 0)
 *   log Z = log 2π = 1.83788
 *   H = 4.03414 nats   (Simpson's rule on [−25, 25]², 2001² and 4001² points agree to 1e-12;
 *                        scipy 1.17.1, script golden/targets.py)
 * </pre>
 *
 * The components differ in scale, so a mode-seeking surrogate that settles on one of them shows up as a reverse
 * KL of about log 2 or more.
 */
public final class GaussianMixtureTarget implements Target {
  /** log 2π. */
  public static final double LOG_Z = StrictMath.log(2 * Math.PI);
  /** The entropy of the normalized mixture, by quadrature. */
  public static final double ENTROPY = 4.03414;
  /** The first component's mean on the first axis (the second's is the negation). */
  public static final float OFFSET = 2f;
  /** The second component's standard deviation. */
  public static final float WIDE_SD = 2f;

  @Override
  public String name() {
    return "mixture";
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
    Var narrow = Ops.halfSquare(x0, -OFFSET, 1f).add(Ops.halfSquare(x1, 0f, 1f)).add((float) StrictMath.log(0.5));
    Var wide = Ops.halfSquare(x0, OFFSET, WIDE_SD).add(Ops.halfSquare(x1, 0f, WIDE_SD)).add((float) StrictMath.log(0.125));
    return Ops.logAddExp(narrow, wide);
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

  /** Picks a component with probability ½ each, then draws from it. */
  @Override
  public Tensor sample(RngKey key, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    float[] u = key.split(2, 0).uniforms(n);
    float[] e = key.split(2, 1).normals(2 * n);
    for (int i = 0; i < n; i++) {
      boolean wideComponent = u[i] >= 0.5f;
      float sd = wideComponent ? WIDE_SD : 1f;
      e[2 * i] = (wideComponent ? OFFSET : -OFFSET) + sd * e[2 * i];
      e[2 * i + 1] = sd * e[2 * i + 1];
    }
    return Tensor.wrap(e, n, 2);
  }

  /** The two component means, each with weight ½. */
  @Override
  public Optional<Modes> modes() {
    return Optional.of(new Modes(new float[][] {{-OFFSET, 0}, {OFFSET, 0}}, new double[] {0.5, 0.5}));
  }

  /** [−8, 10] × [−7, 7]: both components to beyond three standard deviations. */
  @Override
  public double[] box() {
    return new double[] {-8, 10, -7, 7};
  }

  @Override
  public String toString() {
    return name();
  }
}
