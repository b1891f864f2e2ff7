package dev.marginal.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The thread count used by kernels, and a helper that runs independent chunks of work on it. Work is always split
 * into the same chunks for a given problem size, so results never depend on the thread count.
 */
public final class Parallel {
  private static volatile int threads = Runtime.getRuntime().availableProcessors();
  private static volatile ForkJoinPool pool;

  private Parallel() {}

  /** The number of threads kernels may use. */
  public static int threads() {
    return threads;
  }

  /**
   * Sets the number of threads kernels may use.
   *
   * @param n at least 1
   */
  public static synchronized void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + n);
    }
    if (n != threads) {
      threads = n;
      ForkJoinPool old = pool;
      pool = null;
      if (old != null) {
        old.shutdown();
      }
    }
  }

  private static ForkJoinPool pool() {
    ForkJoinPool p = pool;
    if (p == null) {
      synchronized (Parallel.class) {
        p = pool;
        if (p == null) {
          p = new ForkJoinPool(threads, pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setDaemon(true);
            t.setName("marginal-" + t.getPoolIndex());
            return t;
          }, null, false);
          pool = p;
        }
      }
    }
    return p;
  }

  /**
   * Runs {@code body.accept(i)} for every {@code i < chunks}, in parallel when more than one thread is set and the
   * caller says the work is worth it. Each chunk must write disjoint memory.
   */
  public static void forEach(int chunks, boolean worthIt, IntConsumer body) {
    Thread me = Thread.currentThread();
    boolean nested = me instanceof ForkJoinWorkerThread && ((ForkJoinWorkerThread) me).getPool() == pool;
    if (chunks <= 1 || threads == 1 || !worthIt || nested) {
      for (int i = 0; i < chunks; i++) {
        body.accept(i);
      }
      return;
    }
    pool().invoke(new Range(0, chunks, body));
  }

  private static final class Range extends RecursiveAction {
    private final int lo;
    private final int hi;
    private final IntConsumer body;

    Range(int lo, int hi, IntConsumer body) {
      this.lo = lo;
      this.hi = hi;
      this.body = body;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        body.accept(lo);
        return;
      }
      int mid = (lo + hi) >>> 1;
      invokeAll(new Range(lo, mid, body), new Range(mid, hi, body));
    }
  }
}
