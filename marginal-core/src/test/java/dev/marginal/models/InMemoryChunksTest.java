package dev.marginal.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.tensor.Parallel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * In-memory chunks run on the kernels' one thread mechanism: every chunk once, in chunk order in the result, on at
 * most the given number of threads with the caller taking part, and the caller's own thread count untouched.
 */
class InMemoryChunksTest {
  private static double[][] rows(int n) {
    double[][] x = new double[n][2];
    for (int i = 0; i < n; i++) {
      x[i][0] = i;
      x[i][1] = -i;
    }
    return x;
  }

  @Test
  void chunksRunOnAtMostTheGivenThreadsAndComeBackInOrder() {
    int n = 5 * RowChunks.CHUNK_ROWS + 7;
    for (int threads : new int[] {1, 2, 3}) {
      Set<String> names = ConcurrentHashMap.newKeySet();
      int before = Parallel.threads();
      try (InMemoryChunks chunks = InMemoryChunks.of(rows(n), threads)) {
        List<Long> starts = chunks.map(c -> {
          names.add(Thread.currentThread().getName());
          return (long) c.values()[0];
        });
        assertEquals(6, starts.size());
        for (int c = 0; c < 6; c++) {
          assertEquals((long) c * RowChunks.CHUNK_ROWS, starts.get(c), "chunk " + c + " in order");
        }
      }
      assertTrue(names.size() <= threads, threads + " threads, chunks ran on " + names);
      if (threads == 1) {
        assertEquals(Set.of(Thread.currentThread().getName()), names, "one thread is the caller's");
      }
      assertEquals(before, Parallel.threads(), "the caller's thread count is restored");
    }
  }

  @Test
  void forEachInOrderHandsOverEveryResultInOrderHoldingAGroupAtATime() {
    int n = 21 * RowChunks.CHUNK_ROWS + 5;
    for (int threads : new int[] {1, 2, 3}) {
      try (InMemoryChunks chunks = InMemoryChunks.of(rows(n), threads)) {
        long group = InMemoryChunks.GROUP_PER_THREAD * threads;
        assertEquals(Math.min(22, group), chunks.resultsHeld());
        java.util.concurrent.atomic.AtomicInteger computed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Long> seen = new java.util.ArrayList<>();
        chunks.forEachInOrder(c -> {
          computed.incrementAndGet();
          return (long) c.values()[0];
        }, start -> {
          int c = seen.size();
          // Chunk c arrives before any chunk of a later group has been computed.
          assertTrue(computed.get() <= (c / group + 1) * group, "chunk " + c + " after " + computed.get());
          seen.add(start);
        });
        assertEquals(chunks.map(c -> (long) c.values()[0]), seen, threads + " threads");
        assertEquals(22, seen.size());
      }
    }
  }
}
