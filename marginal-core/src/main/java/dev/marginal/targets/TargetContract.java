package dev.marginal.targets;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Checks that a {@link Target}, typically a user's class, keeps its interface's promises before anything trains on
 * it, so that a broken declaration is refused naming the target and the method instead of failing deep inside a run
 * (an index out of bounds) or being reported as a result (a log Z of NaN).
 *
 * <p>Checked: a non-empty {@link Target#name()}; {@link Target#dim()} ≥ 1; a {@link Target#support()} of that
 * dimension; a {@link Target#box()} of four finite bounds, each minimum below its maximum; a finite
 * {@link Target#logZ()} and {@link Target#entropy()} where given; {@link Target#modes()} with centres of the
 * target's dimension; a {@link Target#hardRegion()} column inside it; {@link Target#logDensity(Tensor)} of shape
 * {@code [n]} for {@code n} points (probed at two points, the image of the origin under the support's bijection);
 * and, where {@link Target#hasSampler()}, {@link Target#sample(RngKey, int)} of shape {@code [n, dim]} with finite
 * values (probed with two draws).
 */
public final class TargetContract {
  /** Draws and points of a probe. */
  private static final int PROBE = 2;

  private TargetContract() {}

  /**
   * Returns {@code target} when it keeps the contract.
   *
   * @throws IllegalArgumentException with a one-line message naming the target and the method that breaks it
   */
  public static Target check(Target target) {
    String name = target.name();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("target " + target.getClass().getName() + ": name() must not be empty");
    }
    int d = target.dim();
    if (d < 1) {
      throw new IllegalArgumentException("target " + name + ": dim() must be >= 1, got " + d);
    }
    Support support = call(name, "support()", target::support);
    if (support.dim() != d) {
      throw new IllegalArgumentException("target " + name + ": support() is " + support.dim() + "-D for a " + d
          + "-D target");
    }
    checkBox(name, call(name, "box()", target::box));
    checkFinite(name, "logZ()", call(name, "logZ()", target::logZ));
    checkFinite(name, "entropy()", call(name, "entropy()", target::entropy));
    call(name, "modes()", target::modes).ifPresent(m -> checkModes(name, m, d));
    Optional<HardRegion> region = call(name, "hardRegion()", target::hardRegion);
    if (region.isPresent() && region.get().column() >= d) {
      throw new IllegalArgumentException("target " + name + ": hardRegion() names column " + region.get().column()
          + " of a " + d + "-D target");
    }
    checkLogDensity(target, name, support.bijection().forward(Tensor.zeros(PROBE, d)));
    if (target.hasSampler()) {
      checkSampler(target, name, d);
    }
    return target;
  }

  private static void checkBox(String name, double[] box) {
    if (box.length != 4) {
      throw new IllegalArgumentException("target " + name + ": box() must hold 4 bounds {xmin, xmax, ymin, ymax}, "
          + "got " + box.length);
    }
    for (int i = 0; i < 4; i += 2) {
      if (!Double.isFinite(box[i]) || !Double.isFinite(box[i + 1]) || box[i] >= box[i + 1]) {
        throw new IllegalArgumentException("target " + name + ": box() must hold finite bounds {xmin, xmax, ymin, "
            + "ymax} with each minimum below its maximum, got " + Arrays.toString(box));
      }
    }
  }

  private static void checkFinite(String name, String method, OptionalDouble value) {
    if (value.isPresent() && !Double.isFinite(value.getAsDouble())) {
      throw new IllegalArgumentException("target " + name + ": " + method + " must be finite where given, got "
          + value.getAsDouble());
    }
  }

  private static void checkModes(String name, Modes modes, int d) {
    for (float[] centre : modes.centres()) {
      if (centre.length != d) {
        throw new IllegalArgumentException("target " + name + ": modes() has a centre of " + centre.length
            + " coordinates for a " + d + "-D target");
      }
    }
  }

  private static void checkLogDensity(Target target, String name, Tensor x) {
    Tensor logDensity;
    try {
      logDensity = target.logDensity(x);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("target " + name + ": logDensity failed on points of shape "
          + Arrays.toString(x.shape()) + ": " + e, e);
    }
    if (logDensity == null || !Arrays.equals(logDensity.shape(), new int[] {PROBE})) {
      throw new IllegalArgumentException("target " + name + ": logDensity must return one value per point, shape ["
          + PROBE + "] for points of shape " + Arrays.toString(x.shape()) + ", got "
          + (logDensity == null ? "null" : Arrays.toString(logDensity.shape())));
    }
  }

  private static void checkSampler(Target target, String name, int d) {
    Tensor draws;
    try {
      draws = target.sample(RngKey.of(0), PROBE);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("target " + name + ": sample failed for " + PROBE + " draws: " + e, e);
    }
    if (draws == null || !Arrays.equals(draws.shape(), new int[] {PROBE, d})) {
      throw new IllegalArgumentException("target " + name + ": sample(key, " + PROBE + ") must return shape ["
          + PROBE + ", " + d + "], got " + (draws == null ? "null" : Arrays.toString(draws.shape())));
    }
    if (!draws.allFinite()) {
      throw new IllegalArgumentException("target " + name + ": sample(key, " + PROBE + ") returned a value that is "
          + "NaN or infinite");
    }
  }

  /** The method's result, refusing null and wrapping an exception as one naming the target and the method. */
  private static <T> T call(String name, String method, java.util.function.Supplier<T> s) {
    T value;
    try {
      value = s.get();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("target " + name + ": " + method + " failed: " + e, e);
    }
    if (value == null) {
      throw new IllegalArgumentException("target " + name + ": " + method + " must not return null");
    }
    return value;
  }
}
