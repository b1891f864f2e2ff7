package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The four two-dimensional test energies of Rezende &amp; Mohamed (2015), Table 1, with log p̃(z) = −U(z):
 *
 * <pre>
 *   w1(z) = sin(2π·z1/4),  w2(z) = 3·exp(−½((z1 − 1)/0.6)²),  w3(z) = 3·σ((z1 − 1)/0.3)
 *   U1(z) = ½((|z| − 2)/0.4)² − log(exp(−½((z1 − 2)/0.6)²) + exp(−½((z1 + 2)/0.6)²))
 *   U2(z) = ½((z2 − w1)/0.4)²
 *   U3(z) = −log(exp(−½((z2 − w1)/0.35)²) + exp(−½((z2 − w1 + w2)/0.35)²))
 *   U4(z) = −log(exp(−½((z2 − w1)/0.4)²) + exp(−½((z2 − w1 + w3)/0.35)²))
 * </pre>
 *
 * U2–U4 do not decay along z1, so exp(−U) has infinite mass on ℝ². Like the paper's figures, these targets live
 * on the box [−4, 4]², and they declare it as their {@link #support()}, so a surrogate for them is pushed onto the
 * box; U1 decays in every direction and keeps ℝ². {@link #logZ()} and {@link #entropy()} are those of exp(−U)
 * restricted to the box, by
 * Simpson's rule on 2001² and 4001² points (which agree to 1e-11; scipy 1.17.1, script golden/targets.py). U1 puts
 * all but a negligible fraction of its mass inside the box. Exact samples of the density on the box come from a
 * grid rejection sampler ({@link #sample}).
 *
 * <p>References: Rezende &amp; Mohamed (2015), Variational inference with normalizing flows, ICML.
 */
public final class RezendeMohamedEnergy implements Target {
  /** Which of U1–U4, with log Z and entropy over the box [−4, 4]². */
  public enum Kind {
    U1(1.87750, 2.66001),
    U2(2.08209, 2.58209),
    U3(2.64171, 2.62671),
    U4(2.68457, 2.76618);

    final double logZ;
    final double entropy;

    Kind(double logZ, double entropy) {
      this.logZ = logZ;
      this.entropy = entropy;
    }
  }

  private static final float TWO_PI_OVER_4 = (float) (Math.PI / 2);

  private final Kind kind;
  private GridSampler sampler;

  private RezendeMohamedEnergy(Kind kind) {
    this.kind = kind;
  }

  /** The energy {@code kind}. */
  public static RezendeMohamedEnergy of(Kind kind) {
    return new RezendeMohamedEnergy(kind);
  }

  /** Which energy this is. */
  public Kind kind() {
    return kind;
  }

  @Override
  public String name() {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public int dim() {
    return 2;
  }

  @Override
  public Var logDensity(Var x) {
    Ops.requireRows(x, 2, name());
    if (kind == Kind.U1) {
      return Ops.ringWithTwoModes(x, 0.4f, 0.6f);
    }
    Var z1 = Ops.column(x, 0);
    Var z2 = Ops.column(x, 1);
    Var offset = z2.sub(Ops.sin(z1.mul(TWO_PI_OVER_4)));
    switch (kind) {
      case U2:
        return Ops.halfSquare(offset, 0f, 0.4f);
      case U3:
        Var w2 = Ops.halfSquare(z1, 1f, 0.6f).exp().mul(3f);
        return Ops.logAddExp(Ops.halfSquare(offset, 0f, 0.35f), Ops.halfSquare(offset.add(w2), 0f, 0.35f));
      default:
        Var w3 = z1.affine(1f / 0.3f, -1f / 0.3f).sigmoid().mul(3f);
        return Ops.logAddExp(Ops.halfSquare(offset, 0f, 0.4f), Ops.halfSquare(offset.add(w3), 0f, 0.35f));
    }
  }

  /** [−4, 4]² for U2–U4, where alone they are integrable; ℝ² for U1. */
  @Override
  public Support support() {
    return kind == Kind.U1 ? Support.real(2) : Support.box(2, -DEFAULT_BOX_HALF_WIDTH, DEFAULT_BOX_HALF_WIDTH);
  }

  @Override
  public OptionalDouble logZ() {
    return OptionalDouble.of(kind.logZ);
  }

  @Override
  public OptionalDouble entropy() {
    return OptionalDouble.of(kind.entropy);
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
