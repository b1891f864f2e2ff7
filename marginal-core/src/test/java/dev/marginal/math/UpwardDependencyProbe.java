package dev.marginal.math;

import dev.marginal.train.GradientEstimator;

/** A deliberate layering violation (math using train), for {@code LayeringTest}'s probe only. */
final class UpwardDependencyProbe {
  private UpwardDependencyProbe() {}

  static String probe() {
    return GradientEstimator.REPARAM.id();
  }
}
