package dev.marginal.tensor;

/** Chooses the active {@link Kernels} once, at class initialisation. */
final class KernelsHolder {
  static final Kernels ACTIVE = choose();

  private KernelsHolder() {}

  private static Kernels choose() {
    String wanted = System.getProperty("marginal.kernels", "auto");
    if ("scalar".equals(wanted)) {
      return ScalarKernels.INSTANCE;
    }
    boolean vectorPresent = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    if (!vectorPresent) {
      if ("vector".equals(wanted)) {
        throw new IllegalStateException(
            "-Dmarginal.kernels=vector needs the JVM flag --add-modules jdk.incubator.vector");
      }
      return ScalarKernels.INSTANCE;
    }
    return VectorKernels.create();
  }
}
