package dev.marginal.math;

/** Gives {@code LayeringTest} the package-private probe class. */
public final class ProbeAccess {
  private ProbeAccess() {}

  /** {@link UpwardDependencyProbe}, a class in {@code math} that depends on {@code train}. */
  public static Class<?> probeClass() {
    return UpwardDependencyProbe.class;
  }
}
