package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pool hands out distinct arrays within one piece of work, reuses them only in the next, keeps no more than its
 * bound, and leaves kernels outside {@code recycling} (or on another thread) allocating as usual.
 */
class BufferPoolTest {
  private static final int N = BufferPool.MIN_FLOATS;

  @Test
  void arraysOfOnePieceOfWorkAreDistinctAndReturnOnlyWhenItEnds() {
    BufferPool pool = new BufferPool();
    List<float[]> first = pool.recycling(() -> {
      List<float[]> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        got.add(BufferPool.uninitialized(N));
      }
      got.add(BufferPool.uninitialized(2 * N));
      return got;
    });
    Set<float[]> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(first);
    assertEquals(4, distinct.size(), "one piece of work never gets the same array twice");
    assertEquals(5L * N, pool.keptFloats());
    List<float[]> second = pool.recycling(() -> List.of(BufferPool.uninitialized(2 * N), BufferPool.uninitialized(N)));
    assertSame(first.get(3), second.get(0), "the next piece of work reuses an array of the same length");
    assertTrue(first.subList(0, 3).stream().anyMatch(a -> a == second.get(1)));
    assertEquals(3L * N, pool.keptFloats(), "only the last piece of work's arrays are kept");
    assertEquals(2, pool.reusedArrays());
    float[] third = pool.recycling(() -> BufferPool.uninitialized(N));
    assertSame(second.get(1), third);
  }

  @Test
  void workNestedInWorkOfTheSamePoolNeverGetsAnArrayTheOuterWorkHolds() {
    BufferPool pool = new BufferPool();
    pool.recycling(() -> List.of(BufferPool.uninitialized(N), BufferPool.uninitialized(N)));
    Set<float[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    pool.recycling(() -> {
      seen.add(BufferPool.uninitialized(N));
      pool.recycling(() -> seen.add(BufferPool.uninitialized(N)));
      seen.add(BufferPool.uninitialized(N));
      return null;
    });
    assertEquals(3, seen.size(), "the inner work's end hands nothing back before the outer work ends");
    assertEquals(3L * N, pool.keptFloats());
  }

  @Test
  void smallArraysAndWorkOutsideAPoolAllocateFresh() {
    BufferPool pool = new BufferPool();
    float[] small = pool.recycling(() -> BufferPool.uninitialized(N - 1));
    assertEquals(0, pool.keptFloats());
    float[] big = pool.recycling(() -> BufferPool.uninitialized(N));
    assertNotSame(big, BufferPool.uninitialized(N), "outside recycling a kernel allocates anew");
    assertEquals(N - 1, small.length);
    float[][] onOtherThread = new float[1][];
    pool.recycling(() -> {
      Thread t = new Thread(() -> onOtherThread[0] = BufferPool.uninitialized(N));
      t.start();
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return null;
    });
    assertNotSame(big, onOtherThread[0], "another thread does not draw from this thread's pool");
  }

  @Test
  void keepsNoMoreThanItsBoundAndRestoresAnOuterPool() {
    BufferPool none = new BufferPool(0);
    float[] a = none.recycling(() -> BufferPool.uninitialized(N));
    float[] b = none.recycling(() -> BufferPool.uninitialized(N));
    assertNotSame(a, b, "a pool that keeps nothing hands out new arrays");
    assertEquals(0, none.keptFloats());

    BufferPool two = new BufferPool(2L * N);
    two.recycling(() -> List.of(BufferPool.uninitialized(N), BufferPool.uninitialized(N), BufferPool.uninitialized(N)));
    assertEquals(2L * N, two.keptFloats());

    BufferPool outer = new BufferPool();
    BufferPool inner = new BufferPool();
    outer.recycling(() -> {
      inner.recycling(() -> BufferPool.uninitialized(N));
      return BufferPool.uninitialized(3 * N);
    });
    assertEquals(N, inner.keptFloats());
    assertEquals(3L * N, outer.keptFloats(), "after an inner piece of work the outer pool serves again");
    assertThrows(IllegalArgumentException.class, () -> new BufferPool(-1));
  }
}
