package dev.marginal.cli;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import picocli.CommandLine.Command;

/**
 * {@code marginal bench threads}: the time a value takes to go from one thread to another and back, the cost of
 * every hand-over between the kernels' threads. On a virtual machine the host may run two virtual processors on
 * cores that share a cache or on cores that do not, and may move them between the two while a process runs; the
 * round trip tells which (on the 2-core AMD EPYC of BENCHMARKS.md about 55 ns against about 330 ns). {@code bench
 * iwae} measures it just before and just after each workload's timed batches, and the reference comparison
 * ({@code bench/compare/run}) prints those figures per process.
 */
@Command(name = "threads", mixinStandardHelpOptions = true,
    description = "Time a round trip of one value between two threads (nanoseconds).")
final class BenchThreadsCommand extends BenchWorkload {
  /** Round trips per timed window. */
  static final int TRIPS = 2_000;
  /** Longest a thread waits for the other before the probe gives up. */
  static final long TIMEOUT_NANOS = 2_000_000_000L;
  /**
   * A window longer than this ends the probe with the windows timed so far: the two threads then share one
   * processor, and each trip waits for the scheduler.
   */
  static final long SLOW_WINDOW_NANOS = 100_000_000L;

  @Override
  void fill(BenchTable table) {
    if (options.threads != null) {
      throw new UserInputException("--threads does not apply to bench threads, which always times two threads");
    }
    double[] nanos = roundTrips(options.repeats * 10);
    var row = table.row("threads");
    row.put("workload", "round trip of one value between two threads");
    row.put("windows", nanos.length);
    row.put("best_ns", nanos[0]);
    row.put("median_ns", BenchTiming.median(nanos));
  }

  /**
   * Nanoseconds per round trip in each of {@code windows} windows of {@link #TRIPS} trips, sorted, after as many
   * windows of warm-up: this thread writes an odd number into a shared cell, a second thread answers with the next
   * even one. Fewer windows (at least one) when a window takes longer than {@link #SLOW_WINDOW_NANOS}.
   *
   * @throws UserInputException when the other thread does not answer within {@link #TIMEOUT_NANOS}
   */
  static double[] roundTrips(int windows) {
    // The value at index 16 sits 128 bytes from the array's start, on a cache line of its own.
    AtomicLongArray cell = new AtomicLongArray(48);
    Thread other = new Thread(() -> answer(cell), "marginal-bench-echo");
    other.setDaemon(true);
    other.start();
    double[] nanos = new double[windows];
    long v = 1;
    try {
      for (int w = -windows; w < windows; w++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < TRIPS; i++, v += 2) {
          cell.set(16, v);
          await(cell, v + 1);
        }
        long elapsed = System.nanoTime() - t0;
        if (w >= 0) {
          nanos[w] = (double) elapsed / TRIPS;
        }
        if (elapsed > SLOW_WINDOW_NANOS) {
          int timed = Math.max(0, w + 1);
          if (timed == 0) {
            nanos[0] = (double) elapsed / TRIPS;
            timed = 1;
          }
          nanos = Arrays.copyOf(nanos, timed);
          break;
        }
      }
    } finally {
      cell.set(16, -1);
    }
    Arrays.sort(nanos);
    return nanos;
  }

  /**
   * The other thread: answers each odd value with the next number until it reads a negative one, or until no new
   * value has come for {@link #TIMEOUT_NANOS}.
   */
  private static void answer(AtomicLongArray cell) {
    long seen = 0;
    long seenAtCheck = -1;
    long deadline = 0;
    for (int spins = 1; ; spins++) {
      long x = cell.get(16);
      if (x < 0) {
        return;
      }
      if ((x & 1) == 1 && x != seen) {
        seen = x;
        cell.set(16, x + 1);
      } else if ((spins & 0xffff) == 0) {
        // The clock is read now and then only, so that reading it does not delay an answer.
        long now = System.nanoTime();
        if (seen != seenAtCheck) {
          seenAtCheck = seen;
          deadline = now + TIMEOUT_NANOS;
        } else if (now > deadline) {
          return;
        }
      }
    }
  }

  private static void await(AtomicLongArray cell, long value) {
    long deadline = 0;
    for (int spins = 1; cell.get(16) != value; spins++) {
      if ((spins & 0xffff) == 0) {
        long now = System.nanoTime();
        if (deadline == 0) {
          deadline = now + TIMEOUT_NANOS;
        } else if (now > deadline) {
          throw new UserInputException("bench threads: the second thread did not answer within 2 s");
        }
      }
    }
  }
}
