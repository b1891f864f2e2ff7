package dev.marginal.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The thread count used by kernels, and a helper that runs independent chunks of work on it. Work is always split
 * into the same chunks for a given problem size, so results never depend on the thread count.
 *
 * <p>The calling thread takes chunks itself alongside {@code threads − 1} resident workers. A worker spins for a
 * short while after each job before parking, so the back-to-back multiplies of a training step hand work over in
 * well under a microsecond instead of paying a thread wake-up each time.
 */
public final class Parallel {
  /** How long an idle worker polls for the next job before parking. */
  private static final long SPIN_NANOS = 200_000;

  private static volatile int threads = Runtime.getRuntime().availableProcessors();
  private static volatile Crew crew;
  /** Set while a job runs on the crew; a caller that cannot set it (or a nested call) runs its chunks alone. */
  private static final AtomicBoolean BUSY = new AtomicBoolean();

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
      Crew old = crew;
      crew = null;
      if (old != null) {
        old.shutdown();
      }
    }
  }

  private static Crew crew() {
    Crew c = crew;
    if (c == null) {
      synchronized (Parallel.class) {
        c = crew;
        if (c == null) {
          c = new Crew(threads - 1);
          crew = c;
        }
      }
    }
    return c;
  }

  /**
   * Runs {@code body.accept(i)} for every {@code i < chunks}, in parallel when more than one thread is set and the
   * caller says the work is worth it. Each chunk must write disjoint memory.
   */
  public static void forEach(int chunks, boolean worthIt, IntConsumer body) {
    if (chunks <= 1 || threads == 1 || !worthIt || Thread.currentThread() instanceof Worker
        || !BUSY.compareAndSet(false, true)) {
      for (int i = 0; i < chunks; i++) {
        body.accept(i);
      }
      return;
    }
    try {
      crew().run(new Job(chunks, body));
    } finally {
      BUSY.set(false);
    }
  }

  /** One call's chunks, claimed one at a time by whichever thread is free. */
  private static final class Job {
    final int chunks;
    final IntConsumer body;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    volatile Throwable failure;

    Job(int chunks, IntConsumer body) {
      this.chunks = chunks;
      this.body = body;
    }

    /** Claims and runs chunks until none is left. */
    void work() {
      for (int i; (i = next.getAndIncrement()) < chunks; ) {
        try {
          body.accept(i);
        } catch (Throwable t) {
          failure = t;
        } finally {
          done.incrementAndGet();
        }
      }
    }
  }

  /** The resident workers. */
  private static final class Crew {
    final Worker[] workers;
    volatile Job job;
    volatile boolean stopped;

    Crew(int size) {
      workers = new Worker[size];
      for (int i = 0; i < size; i++) {
        workers[i] = new Worker(this, i);
        workers[i].start();
      }
    }

    void run(Job j) {
      job = j;
      for (Worker w : workers) {
        if (w.parked) {
          LockSupport.unpark(w);
        }
      }
      j.work();
      while (j.done.get() < j.chunks) {
        Thread.onSpinWait();
      }
      job = null;
      Throwable t = j.failure;
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      if (t instanceof Error) {
        throw (Error) t;
      }
      if (t != null) {
        throw new IllegalStateException(t);
      }
    }

    void shutdown() {
      stopped = true;
      for (Worker w : workers) {
        LockSupport.unpark(w);
      }
    }
  }

  private static final class Worker extends Thread {
    final Crew crew;
    volatile boolean parked;

    Worker(Crew crew, int index) {
      super("marginal-" + index);
      this.crew = crew;
      setDaemon(true);
    }

    @Override
    public void run() {
      Job last = null;
      long idleSince = System.nanoTime();
      while (!crew.stopped) {
        Job j = crew.job;
        if (j != null && j != last) {
          j.work();
          last = j;
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          parked = true;
          if (crew.job == null || crew.job == last) {
            LockSupport.park(this);
          }
          parked = false;
          idleSince = System.nanoTime();
        }
      }
    }
  }
}
