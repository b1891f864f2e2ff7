package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.math.LogSpace;

/** A user target as a user would write one: a standard normal in three dimensions. */
public class ExampleUserTarget implements Target {
  @Override
  public String name() {
    return "example-normal-3";
  }

  @Override
  public int dim() {
    return 3;
  }

  @Override
  public Var logDensity(Var x) {
    return x.square().sum(1, false).mul(-0.5f).add((float) (-1.5 * LogSpace.LOG_2PI));
  }
}
