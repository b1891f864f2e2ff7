package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * The chunk runner: every chunk exactly once, nested calls, failures passed back to the caller, and a thread count
 * that belongs to the calling thread, so concurrent callers with different counts neither disturb each other nor
 * change a result.
 */
class ParallelTest {
  /** Ranges of the given grain, the last shorter, covering every index once, whatever the thread count. */
  @Test
  void forRangesCoversEachIndexOnceInRangesOfTheGrain() {
    for (int threads : new int[] {1, 3}) {
      for (int[] c : new int[][] {{0, 4}, {1, 4}, {4, 4}, {5, 4}, {1003, 64}, {1003, 1}}) {
        int n = c[0];
        int grain = c[1];
        AtomicIntegerArray seen = new AtomicIntegerArray(n + 1);
        AtomicReferenceArray<int[]> ranges = new AtomicReferenceArray<>(n / grain + 2);
        Parallel.withThreads(threads, () -> Parallel.forRanges(n, grain, (from, to) -> {
          assertTrue(from < to, from + ".." + to);
          ranges.set(from / grain, new int[] {from, to});
          for (int i = from; i < to; i++) {
            seen.incrementAndGet(i);
          }
        }));
        for (int i = 0; i < n; i++) {
          assertEquals(1, seen.get(i), "index " + i + " of " + n);
        }
        for (int r = 0; r * grain < n; r++) {
          assertArrayEquals(new int[] {r * grain, Math.min(n, (r + 1) * grain)}, ranges.get(r), "range " + r);
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Parallel.forRanges(10, 0, (from, to) -> { }));
  }

  @Test
  void runsEveryChunkOnceIncludingNestedCalls() {
    Parallel.withThreads(3, () -> {
      for (int round = 0; round < 200; round++) {
        AtomicIntegerArray seen = new AtomicIntegerArray(7 * 5);
        Parallel.forEach(7, true, i -> Parallel.forEach(5, true, j -> seen.incrementAndGet(i * 5 + j)));
        for (int c = 0; c < seen.length(); c++) {
          assertEquals(1, seen.get(c), "chunk " + c + " in round " + round);
        }
      }
    });
  }

  /** Any number of chunks, fewer or more than the threads, runs each chunk exactly once. */
  @Test
  void runsEveryChunkOnceForAnyCountOfChunksAndThreads() {
    for (int threads : new int[] {2, 3, 4}) {
      Parallel.withThreads(threads, () -> {
        for (int chunks = 2; chunks <= 19; chunks++) {
          AtomicIntegerArray seen = new AtomicIntegerArray(chunks);
          Parallel.forEach(chunks, true, seen::incrementAndGet);
          for (int c = 0; c < chunks; c++) {
            assertEquals(1, seen.get(c), "chunk " + c + " of " + chunks + " on " + threads + " threads");
          }
        }
      });
    }
  }

  /**
   * A worker starts on its own part of the chunks (the second half, with two threads), not on the caller's next
   * chunk: chunk 0 holds the caller until a worker has started one, and that chunk must be the first of part 1.
   */
  @Test
  void aWorkerStartsWithTheFirstChunkOfItsOwnPart() throws Exception {
    Thread caller = Thread.currentThread();
    for (int round = 0; round < 20; round++) {
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicInteger first = new java.util.concurrent.atomic.AtomicInteger(-1);
      Parallel.withThreads(2, () -> Parallel.forEach(8, true, i -> {
        if (Thread.currentThread() != caller) {
          first.compareAndSet(-1, i);
          started.countDown();
        } else if (i == 0) {
          try {
            assertTrue(started.await(30, java.util.concurrent.TimeUnit.SECONDS), "no worker started a chunk");
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
      }));
      assertEquals(4, first.get(), "first chunk a worker ran, round " + round);
    }
  }

  @Test
  void passesAChunksFailureToTheCaller() {
    Parallel.withThreads(2, () -> {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(8, true, i -> {
        if (i == 5) {
          throw new IllegalStateException("chunk 5");
        }
      }));
      assertEquals("chunk 5", e.getMessage());
      AtomicIntegerArray seen = new AtomicIntegerArray(8);
      Parallel.forEach(8, true, seen::incrementAndGet);
      for (int c = 0; c < 8; c++) {
        assertEquals(1, seen.get(c));
      }
    });
  }

  @Test
  void threadCountIsScopedToTheCallingThread() throws Exception {
    int fallback = Parallel.defaultThreads();
    assertEquals(fallback, Parallel.threads());
    Parallel.withThreads(fallback + 2, () -> {
      assertEquals(fallback + 2, Parallel.threads());
      Parallel.withThreads(1, () -> assertEquals(1, Parallel.threads()));
      assertEquals(fallback + 2, Parallel.threads(), "an inner scope restores the outer one");
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        assertEquals(fallback, other.submit(Parallel::threads).get(), "another thread keeps the default");
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        other.shutdown();
      }
    });
    assertEquals(fallback, Parallel.threads());
    assertThrows(RuntimeException.class, () -> Parallel.withThreads(2, () -> {
      throw new IllegalStateException("work failed");
    }));
    assertEquals(fallback, Parallel.threads(), "a failing scope restores the setting");
    assertThrows(IllegalArgumentException.class, () -> Parallel.withThreads(0, () -> { }));
    assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
  }

  @Test
  void settingTheCountChangesOnlyTheCurrentThreadAndEndsWithItsScope() throws Exception {
    int fallback = Parallel.defaultThreads();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Parallel.withThreads(fallback, () -> {
        Parallel.setThreads(1);
        assertEquals(1, Parallel.threads());
        try {
          assertEquals(fallback, other.submit(Parallel::threads).get(), "another thread is not affected");
          other.submit(() -> Parallel.setThreads(fallback + 3)).get();
          assertEquals(fallback + 3, other.submit(Parallel::threads).get(), "a thread keeps its own setting");
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        assertEquals(1, Parallel.threads(), "the other thread's setting does not reach this one");
      });
      assertEquals(fallback, Parallel.threads(), "the enclosing scope restores the count it replaced");
      assertEquals(fallback, Parallel.defaultThreads(), "there is no process-wide setting to change");
    } finally {
      other.shutdown();
    }
  }

  /**
   * Two callers at once: one at one thread, one at two. The one-thread caller's chunks never leave its thread; the
   * two-thread caller's job is shared with a worker (its first chunk waits until another thread has taken the
   * second); and a matrix multiply each of them repeats gives the bits of a lone single-threaded run.
   */
  @Test
  void concurrentCallersWithDifferentThreadCountsKeepTheirOwnCountAndEveryBit() throws Exception {
    int m = 150;
    int n = 90;
    int k = 300;
    SplittableRandom rng = new SplittableRandom(7);
    float[] a = random(rng, m * k);
    float[] b = random(rng, k * n);
    Kernels kernels = Kernels.get();
    float[] expected = new float[m * n];
    Parallel.withThreads(1, () -> kernels.gemm(false, true, m, n, k, a, 0, b, 0, expected, 0, false));
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> single = pool.submit(() -> Parallel.withThreads(1, () -> {
        await(start);
        for (int round = 0; round < 50; round++) {
          Thread caller = Thread.currentThread();
          AtomicReferenceArray<Thread> ran = new AtomicReferenceArray<>(16);
          Parallel.forEach(16, true, i -> ran.set(i, Thread.currentThread()));
          for (int i = 0; i < 16; i++) {
            assertEquals(caller, ran.get(i), "a one-thread caller's chunk " + i + " ran elsewhere");
          }
          float[] c = new float[m * n];
          kernels.gemm(false, true, m, n, k, a, 0, b, 0, c, 0, false);
          assertArrayEquals(expected, c, "one-thread caller, round " + round);
        }
      }));
      Future<?> dual = pool.submit(() -> Parallel.withThreads(2, () -> {
        await(start);
        for (int round = 0; round < 50; round++) {
          AtomicReferenceArray<Thread> ran = new AtomicReferenceArray<>(2);
          Parallel.forEach(2, true, i -> {
            ran.set(i, Thread.currentThread());
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (ran.get(1 - i) == null && System.nanoTime() < deadline) {
              Thread.onSpinWait();
            }
          });
          assertNotEquals(ran.get(0), ran.get(1), "a two-thread caller ran both chunks on one thread");
          float[] c = new float[m * n];
          kernels.gemm(false, true, m, n, k, a, 0, b, 0, c, 0, false);
          assertArrayEquals(expected, c, "two-thread caller, round " + round);
        }
      }));
      single.get();
      dual.get();
    } finally {
      pool.shutdown();
    }
    assertTrue(expected[0] != 0f);
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static float[] random(SplittableRandom rng, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return x;
  }
}
