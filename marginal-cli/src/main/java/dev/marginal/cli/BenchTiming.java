package dev.marginal.cli;

import java.util.Arrays;

/**
 * Wall-clock timing for benchmarks: a warm-up long enough for the JIT to compile the hot loops, then repeated
 * timed batches, each batch long enough to dwarf the clock's resolution.
 */
final class BenchTiming {
  /** Warm-up time per workload, in nanoseconds. */
  static final long WARMUP_NANOS = 1_000_000_000L;
  /** Shortest timed batch, in nanoseconds. */
  static final long MIN_BATCH_NANOS = 100_000_000L;

  private BenchTiming() {}

  /**
   * Runs {@code body} for the warm-up time, then {@code repeats} timed batches.
   *
   * @return nanoseconds per call of each batch, sorted ascending
   */
  static double[] nanosPerCall(Runnable body, int repeats) {
    long calls = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < WARMUP_NANOS || calls < 3) {
      body.run();
      calls++;
    }
    double perCall = (System.nanoTime() - start) / (double) calls;
    long batch = Math.max(1, (long) (MIN_BATCH_NANOS / perCall));
    double[] result = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      for (long i = 0; i < batch; i++) {
        body.run();
      }
      result[r] = (System.nanoTime() - t0) / (double) batch;
    }
    Arrays.sort(result);
    return result;
  }

  /** The median of sorted values. */
  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
