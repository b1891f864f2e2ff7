package dev.marginal.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Wall-clock timing for benchmarks: a warm-up long enough for the JIT to compile the hot loops, then repeated
 * timed batches, each batch long enough to dwarf the clock's resolution.
 *
 * <p>The warm-up runs at least {@link #WARMUP_NANOS} and then continues in windows of {@link #MIN_BATCH_NANOS}
 * while the JIT compiled something during the window or the window was more than {@value #IMPROVING} times faster
 * than the best before it, for at most {@link #MAX_WARMUP_NANOS}: on a busy machine the compiler threads get little
 * time, and a Vector API loop that is not yet compiled runs a hundred times slower than one that is.
 */
final class BenchTiming {
  /** Shortest warm-up per workload, in nanoseconds. */
  static final long WARMUP_NANOS = 1_000_000_000L;
  /** Longest warm-up per workload, in nanoseconds. */
  static final long MAX_WARMUP_NANOS = 15_000_000_000L;
  /** A warm-up window this much faster than the best earlier one means the code is still getting faster. */
  static final double IMPROVING = 1.05;
  /** Shortest timed batch, in nanoseconds. */
  static final long MIN_BATCH_NANOS = 100_000_000L;

  private BenchTiming() {}

  /**
   * Runs {@code body} for the warm-up, then {@code repeats} timed batches.
   *
   * @return nanoseconds per call of each batch, sorted ascending
   */
  static double[] nanosPerCall(Runnable body, int repeats) {
    return timed(body, repeats).wall();
  }

  /**
   * Wall-clock and calling-thread CPU nanoseconds per call of each timed batch, both sorted ascending. With one
   * kernel thread the CPU time is the work itself, which a busy machine's time slicing does not inflate: use it to
   * compare two builds on a loaded machine.
   */
  record Timing(double[] wall, double[] cpu) {
    double cpuMedian() {
      return median(cpu);
    }
  }

  /** As {@link #nanosPerCall}, with the calling thread's CPU time per call as well. */
  static Timing timed(Runnable body, int repeats) {
    return timed(body, repeats, () -> { });
  }

  /** As {@link #timed(Runnable, int)}, running {@code afterWarmup} once between the warm-up and the timed batches. */
  static Timing timed(Runnable body, int repeats, Runnable afterWarmup) {
    long calls = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < WARMUP_NANOS || calls < 3) {
      body.run();
      calls++;
    }
    double perCall = (System.nanoTime() - start) / (double) calls;
    double best = Double.POSITIVE_INFINITY;
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean monitored = jit != null && jit.isCompilationTimeMonitoringSupported();
    while (System.nanoTime() - start < MAX_WARMUP_NANOS) {
      long compiled = monitored ? jit.getTotalCompilationTime() : 0;
      double window = window(body, Math.max(1, (long) (MIN_BATCH_NANOS / perCall)));
      boolean improving = window * IMPROVING < best || (monitored && jit.getTotalCompilationTime() != compiled);
      best = Math.min(best, window);
      perCall = best;
      if (!improving) {
        break;
      }
    }
    afterWarmup.run();
    long batch = Math.max(1, (long) (MIN_BATCH_NANOS / perCall));
    ThreadMXBean cpuClock = ManagementFactory.getThreadMXBean();
    boolean cpuTimed = cpuClock.isCurrentThreadCpuTimeSupported();
    double[] wall = new double[repeats];
    double[] cpu = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long cpu0 = cpuTimed ? cpuClock.getCurrentThreadCpuTime() : 0;
      wall[r] = window(body, batch);
      cpu[r] = cpuTimed ? (cpuClock.getCurrentThreadCpuTime() - cpu0) / (double) batch : Double.NaN;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    return new Timing(wall, cpu);
  }

  /** Nanoseconds per call over {@code calls} calls. */
  private static double window(Runnable body, long calls) {
    long t0 = System.nanoTime();
    for (long i = 0; i < calls; i++) {
      body.run();
    }
    return (System.nanoTime() - t0) / (double) calls;
  }

  /** The median of sorted values. */
  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
