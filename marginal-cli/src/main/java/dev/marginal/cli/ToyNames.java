package dev.marginal.cli;

import dev.marginal.data.ToyData;

/** The built-in toy data sets' names, for help texts (a constant, as annotation values must be). */
final class ToyNames {
  /** {@link ToyData#NAMES}, separated by commas; {@code ToyNamesTest} keeps the two the same. */
  static final String LIST = "moons, 8gaussians, rings, checkerboard, pinwheel, 2spirals, circles, funnel";

  private ToyNames() {}
}
