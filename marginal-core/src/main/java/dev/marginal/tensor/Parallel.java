package dev.marginal.tensor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * How many threads the kernels called from the current thread may use, and a helper that runs independent chunks of
 * work on them. Work is always split into the same chunks for a given problem size, so results never depend on the
 * thread count.
 *
 * <p>The count belongs to the calling thread; there is no process-wide setting. {@link #withThreads(int, Supplier)}
 * sets it for one piece of work, {@link #setThreads} for the rest of the current scope on a thread the caller owns
 * (a command's main thread), and a thread with neither uses all processors ({@link #defaultThreads()}). So one
 * thread can run single-threaded kernels while another thread of the same JVM runs multi-threaded ones, e.g. Spark
 * tasks at one thread each beside a driver that evaluates on all cores.
 *
 * <p>A caller that runs on {@code n > 1} threads borrows a crew of {@code n − 1} resident workers from a pool for the
 * duration of one {@link #forEach} and takes chunks itself alongside them; concurrent callers borrow different
 * crews. The pool hands back the most recently returned crew first, so the back-to-back multiplies of one training
 * step reuse one crew whose workers are still spinning: an idle worker polls for about {@value #SPIN_NANOS} ns
 * before it parks, which hands work over in well under a microsecond instead of paying a thread wake-up each time.
 * A chunk that itself calls {@code forEach} runs its inner chunks alone.
 */
public final class Parallel {
  /** How long an idle worker polls for the next job before parking. */
  private static final long SPIN_NANOS = 200_000;

  /** The count of a thread without a setting of its own: every processor, fixed for the life of the JVM. */
  private static final int DEFAULT_THREADS = Runtime.getRuntime().availableProcessors();
  /** Idle crews by size (workers per crew), most recently used first. */
  private static final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<Crew>> IDLE = new ConcurrentHashMap<>();
  private static final ThreadLocal<Scope> SCOPE = ThreadLocal.withInitial(Scope::new);

  private Parallel() {}

  /** The current thread's setting: a thread count (0 = the process default) and whether a job of it is running. */
  private static final class Scope {
    int threads;
    boolean inJob;
  }

  /** The number of threads kernels called from the current thread may use. */
  public static int threads() {
    int t = SCOPE.get().threads;
    return t > 0 ? t : DEFAULT_THREADS;
  }

  /** The number of threads kernels may use on threads that have no setting of their own: the processor count. */
  public static int defaultThreads() {
    return DEFAULT_THREADS;
  }

  /**
   * Sets the number of threads kernels called from the current thread may use, until the enclosing
   * {@link #withThreads} ends (which restores the count it replaced), or for the thread's life outside any. Other
   * threads are unaffected. Meant for a thread the caller owns, such as a command's main thread; pooled threads
   * should use {@link #withThreads}, which always restores.
   *
   * @param n at least 1
   */
  public static void setThreads(int n) {
    SCOPE.get().threads = checked(n);
  }

  /**
   * Runs {@code work} with kernels called from the current thread using {@code n} threads, then restores the
   * previous setting. Other threads are unaffected.
   *
   * @param n at least 1
   * @return what {@code work} returns
   */
  public static <T> T withThreads(int n, Supplier<T> work) {
    java.util.Objects.requireNonNull(work, "work");
    Scope s = SCOPE.get();
    int previous = s.threads;
    s.threads = checked(n);
    try {
      return work.get();
    } finally {
      s.threads = previous;
    }
  }

  /**
   * Runs {@code work} with kernels called from the current thread using {@code n} threads, then restores the
   * previous setting. Other threads are unaffected.
   *
   * @param n at least 1
   */
  public static void withThreads(int n, Runnable work) {
    java.util.Objects.requireNonNull(work, "work");
    withThreads(n, () -> {
      work.run();
      return null;
    });
  }

  private static int checked(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + n);
    }
    return n;
  }

  /**
   * Runs {@code body.accept(i)} for every {@code i < chunks}, in parallel when the current thread may use more than
   * one thread and the caller says the work is worth it. Each chunk must write disjoint memory.
   */
  public static void forEach(int chunks, boolean worthIt, IntConsumer body) {
    if (chunks <= 1 || !worthIt || Thread.currentThread() instanceof Worker) {
      serial(chunks, body);
      return;
    }
    Scope s = SCOPE.get();
    int n = s.threads > 0 ? s.threads : DEFAULT_THREADS;
    if (n == 1 || s.inJob) {
      serial(chunks, body);
      return;
    }
    ConcurrentLinkedDeque<Crew> idle = IDLE.computeIfAbsent(n - 1, k -> new ConcurrentLinkedDeque<>());
    Crew crew = idle.pollFirst();
    if (crew == null) {
      crew = new Crew(n - 1);
    }
    s.inJob = true;
    try {
      crew.run(new Job(chunks, body, n));
    } finally {
      s.inJob = false;
      idle.offerFirst(crew);
    }
  }

  /** Work on the half-open range {@code [from, to)} of some index. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  /**
   * Runs {@code body} over {@code [0, n)} in fixed ranges of {@code grain} (the last one shorter), in parallel as
   * {@link #forEach} when there is more than one. The ranges depend on {@code n} and {@code grain} alone, so work whose
   * every index is computed on its own gives the same bits on any number of threads.
   *
   * @param grain at least 1
   */
  public static void forRanges(int n, int grain, RangeBody body) {
    if (grain < 1) {
      throw new IllegalArgumentException("grain must be >= 1, got " + grain);
    }
    int chunks = (int) (((long) n + grain - 1) / grain);
    if (chunks <= 1) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    forEach(chunks, true, c -> {
      int from = c * grain;
      body.run(from, Math.min(n, from + grain));
    });
  }

  private static void serial(int chunks, IntConsumer body) {
    for (int i = 0; i < chunks; i++) {
      body.accept(i);
    }
  }

  /**
   * One call's chunks, cut into one contiguous part per thread. Each thread claims the chunks of its own part in
   * order, then helps with the parts of the others. With threads of equal speed a chunk index lands on the same thread
   * call after call, so work on the same data (the same rows of C, the same parameters of an optimizer) tends to stay
   * in that processor's caches; where the two processors share no cache, this made IWAE K = 50 training about 8%
   * faster than claiming chunks from one counter (BENCHMARKS.md).
   */
  private static final class Job {
    final int chunks;
    final IntConsumer body;
    /** Next unclaimed chunk of each part; part {@code p} is {@code [start(p), start(p + 1))}. */
    final AtomicInteger[] next;
    final AtomicInteger done = new AtomicInteger();
    volatile Throwable failure;

    Job(int chunks, IntConsumer body, int threads) {
      this.chunks = chunks;
      this.body = body;
      this.next = new AtomicInteger[Math.min(threads, chunks)];
      for (int p = 0; p < next.length; p++) {
        next[p] = new AtomicInteger(start(p));
      }
    }

    /** First chunk of part {@code p}. */
    int start(int p) {
      return (int) ((long) chunks * p / next.length);
    }

    /** Claims and runs the chunks of part {@code home} until none is left, then those of the parts after it. */
    void work(int home) {
      for (int q = 0; q < next.length; q++) {
        int p = (home + q) % next.length;
        AtomicInteger claim = next[p];
        int end = start(p + 1);
        for (int i; (i = claim.getAndIncrement()) < end; ) {
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
  }

  /** Resident workers that one caller at a time hands jobs to. */
  private static final class Crew {
    final Worker[] workers;
    volatile Job job;

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
      j.work(0);
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
  }

  private static final class Worker extends Thread {
    private static final AtomicInteger CREATED = new AtomicInteger();
    final Crew crew;
    /** This worker's place in its crew; the caller is 0, so worker {@code i}'s own part of a job is {@code i + 1}. */
    final int index;
    volatile boolean parked;

    Worker(Crew crew, int index) {
      super("marginal-" + CREATED.getAndIncrement() + "-" + index);
      this.crew = crew;
      this.index = index;
      setDaemon(true);
    }

    @Override
    public void run() {
      Job last = null;
      long idleSince = System.nanoTime();
      while (true) {
        Job j = crew.job;
        if (j != null && j != last) {
          j.work(index + 1);
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
