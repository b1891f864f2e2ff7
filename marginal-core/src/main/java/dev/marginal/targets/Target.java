package dev.marginal.targets;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * An unnormalized density p̃(x) = Z·p(x) on ℝ^dim, written with differentiable operations so that a surrogate q
 * can be trained by reverse KL, E_{x~q}[log q(x) − log p̃(x)] = KL(q ‖ p) − log Z.
 *
 * <p>Only {@link #name()}, {@link #dim()} and {@link #logDensity(Var)} are required; the rest is optional
 * knowledge used to report how good a surrogate is (the true KL needs log Z; an exact sampler gives forward
 * metrics). A user target is any public class with a public no-argument constructor implementing this interface,
 * loaded with {@code Targets.of("class:com.example.MyTarget")}.
 */
public interface Target {
  /** Half-width of the default plot box [−4, 4]², as used by Rezende &amp; Mohamed (2015). */
  double DEFAULT_BOX_HALF_WIDTH = 4.0;

  /** A short name, the one {@link Targets#of(String)} accepts where it is built in. */
  String name();

  /** The dimension of x. */
  int dim();

  /**
   * log p̃ at each row of {@code x}, in nats, differentiable with respect to {@code x}.
   *
   * @param x points, shape {@code [n, dim]}
   * @return shape {@code [n]}
   */
  Var logDensity(Var x);

  /**
   * log p̃ at each row of {@code x}, evaluated on a throwaway tape with no gradient.
   *
   * @param x points, shape {@code [n, dim]}
   * @return shape {@code [n]}
   */
  default Tensor logDensity(Tensor x) {
    return logDensity(new Tape().constant(x)).value();
  }

  /**
   * Where p̃ lives and is integrable; the default is ℝ^dim. A target that is only integrable on a region declares
   * it here (a box, half-lines per coordinate), and a reverse-KL surrogate for it is pushed onto the region through
   * {@link Support#bijection()}, so it never samples outside. {@link #logZ()} and {@link #entropy()} are over the
   * support, and {@link #logDensity(Var)} need only be meaningful inside it.
   */
  default Support support() {
    return Support.real(dim());
  }

  /** log Z = log ∫ p̃(x) dx over the {@link #support()} where known (0 for a normalized target). */
  default OptionalDouble logZ() {
    return OptionalDouble.empty();
  }

  /** The entropy −∫ p log p of the normalized density p = p̃ / Z in nats, where known. */
  default OptionalDouble entropy() {
    return OptionalDouble.empty();
  }

  /** Whether {@link #sample(RngKey, int)} draws exact samples from p. */
  default boolean hasSampler() {
    return false;
  }

  /**
   * Draws exact samples from p.
   *
   * @param key the randomness; the same key gives the same samples
   * @param n number of samples, at least 1
   * @return shape {@code [n, dim]}
   * @throws UnsupportedOperationException when {@link #hasSampler()} is false
   */
  default Tensor sample(RngKey key, int n) {
    throw new UnsupportedOperationException("target " + name() + " has no exact sampler");
  }

  /**
   * Plot bounds {xmin, xmax, ymin, ymax} for the first two coordinates (x = column 0, y = column 1); a fresh array.
   * The default is [−4, 4]².
   */
  default double[] box() {
    double h = DEFAULT_BOX_HALF_WIDTH;
    return new double[] {-h, h, -h, h};
  }

  /** The target's modes, for counting how many a sampler covers, where they are defined. */
  default Optional<Modes> modes() {
    return Optional.empty();
  }

  /** A region of p that samplers tend to miss (a funnel's neck), with its probability, where one is defined. */
  default Optional<HardRegion> hardRegion() {
    return Optional.empty();
  }
}
