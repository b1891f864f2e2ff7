package dev.marginal.spark;

import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import java.util.function.Supplier;

/**
 * What every marginal task does before computing: Spark supplies the parallelism (one task per core), so kernels
 * run on the task's own thread, and executors must run the same kernels as the reference, since the Vector API and
 * the scalar loops round differently.
 *
 * <p>Spark 3.5 does not give executors the Vector API module: start them with
 * {@value #EXECUTOR_FLAGS} in {@code spark.executor.extraJavaOptions}. An executor without the module fails the task
 * with a one-line message instead of silently computing different (and slower) numbers. A user who really wants
 * the scalar kernels everywhere says so with {@code -Dmarginal.kernels=scalar} on the driver and the executors.
 */
public final class ExecutorRuntime {
  /**
   * The JVM options executors need (Spark adds its own {@code --add-opens} flags itself). The trap limit lets the JIT
   * compile the larger vector kernels without boxing their vectors (BENCHMARKS.md, "Processes that run several times
   * slower"); it changes how the kernels are compiled, not what they compute.
   */
  public static final String EXECUTOR_FLAGS =
      "--add-modules jdk.incubator.vector -XX:PerMethodTrapLimit=10000 -Dmarginal.kernels=vector";

  private static volatile boolean prepared;

  private ExecutorRuntime() {}

  /**
   * Runs one piece of a task's work with the kernels on the task's own thread ({@link Parallel#withThreads}: other
   * threads of the JVM, such as a local-mode driver, keep their own setting), after checking the kernels.
   *
   * @throws IllegalStateException if this JVM would run the scalar kernels without having asked for them
   */
  public static <T> T compute(Supplier<T> work) {
    prepare();
    return Parallel.withThreads(1, work);
  }

  /**
   * Checks the kernels once per JVM; cheap after the first call.
   *
   * @throws IllegalStateException if this JVM would run the scalar kernels without having asked for them
   */
  public static void prepare() {
    if (prepared) {
      return;
    }
    synchronized (ExecutorRuntime.class) {
      if (!prepared) {
        checkKernels(kernelName(), System.getProperty("marginal.kernels", "auto"));
        prepared = true;
      }
    }
  }

  /** The active kernels' name; a failed kernel choice (module asked for but absent) becomes one line. */
  static String kernelName() {
    try {
      return Kernels.get().name();
    } catch (LinkageError e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("marginal on a Spark executor: " + cause.getMessage()
          + "; set spark.executor.extraJavaOptions to include '" + EXECUTOR_FLAGS + "'", e);
    }
  }

  /**
   * Accepts the vector kernels, or the scalar ones when {@code -Dmarginal.kernels=scalar} chose them.
   *
   * @param name the active kernels' name ("vector-256", "scalar")
   * @param wanted the value of {@code marginal.kernels} ("auto" when unset)
   */
  static void checkKernels(String name, String wanted) {
    if (!name.startsWith("vector") && !"scalar".equals(wanted)) {
      throw new IllegalStateException("marginal on a Spark executor: this JVM lacks the Vector API module and would"
          + " compute with the scalar kernels (different rounding, much slower); set"
          + " spark.executor.extraJavaOptions to include '" + EXECUTOR_FLAGS + "'");
    }
  }
}
