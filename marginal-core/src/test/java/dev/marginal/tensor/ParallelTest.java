package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chunk runner: every chunk exactly once, nested calls, failures passed back to the caller. */
class ParallelTest {
  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void runsEveryChunkOnceIncludingNestedCalls() {
    Parallel.setThreads(3);
    for (int round = 0; round < 200; round++) {
      AtomicIntegerArray seen = new AtomicIntegerArray(7 * 5);
      Parallel.forEach(7, true, i -> Parallel.forEach(5, true, j -> seen.incrementAndGet(i * 5 + j)));
      for (int c = 0; c < seen.length(); c++) {
        assertEquals(1, seen.get(c), "chunk " + c + " in round " + round);
      }
    }
  }

  @Test
  void passesAChunksFailureToTheCaller() {
    Parallel.setThreads(2);
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
  }
}
