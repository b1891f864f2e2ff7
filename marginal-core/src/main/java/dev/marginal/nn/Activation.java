package dev.marginal.nn;

import dev.marginal.autodiff.Var;
import java.util.Locale;

/** Hidden-layer nonlinearities. */
public enum Activation {
  TANH, RELU, SOFTPLUS;

  /** Applies the nonlinearity. */
  public Var apply(Var x) {
    switch (this) {
      case TANH:
        return x.tanh();
      case RELU:
        return x.relu();
      case SOFTPLUS:
        return x.softplus();
      default:
        throw new AssertionError(this);
    }
  }

  /** Parses "tanh", "relu" or "softplus" (any case). */
  public static Activation parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown activation '" + name + "' (expected tanh, relu or softplus)");
    }
  }

  /** The lower-case name used on the command line and in model files. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
