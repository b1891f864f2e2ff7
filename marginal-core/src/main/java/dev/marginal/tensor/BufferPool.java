package dev.marginal.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reuses the large float arrays of one piece of work (a training step) in the next. A new Java array is zeroed by
 * the JVM and, once the young generation is larger than the caches, lands in memory the caches no longer hold: a
 * {@code [1000, 784]} product cost 300 µs of zeroing on the calling thread before the multiply wrote it again. Work
 * run by {@link #recycling} takes such arrays from this pool instead, and every array handed out during it returns
 * to the pool when it ends.
 *
 * <p>Only kernels whose output array is written in full before it is read take from a pool ({@link #uninitialized});
 * the caller of {@link #recycling} promises that nothing created during the work is used after it: the work returns
 * no tensor, and stores none where later work can reach it. Results are bit for bit those of fresh arrays.
 *
 * <p>A pool serves one thread at a time (the one running {@link #recycling}); what it keeps between pieces of work
 * is bounded ({@link #MAX_FLOATS} floats by default). Kernels called outside any {@code recycling} allocate as usual.
 */
public final class BufferPool {
  /** Arrays shorter than this are always allocated fresh: the young generation's own buffers serve them well. */
  static final int MIN_FLOATS = 1 << 14;
  /** The most floats a pool keeps between pieces of work (256 MiB). */
  public static final long MAX_FLOATS = 1L << 26;

  private static final ThreadLocal<BufferPool> ACTIVE = new ThreadLocal<>();

  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private final ArrayList<float[]> lent = new ArrayList<>();
  private final long maxFloats;
  private long kept;
  private long reused;
  /** Calls of {@link #recycling} on this pool now running (nested ones hand back with the outermost). */
  private int depth;

  /** A pool that keeps up to {@link #MAX_FLOATS} floats between pieces of work. */
  public BufferPool() {
    this(MAX_FLOATS);
  }

  /** A pool that keeps up to {@code maxFloats} floats between pieces of work; 0 keeps none (every array is new). */
  public BufferPool(long maxFloats) {
    if (maxFloats < 0) {
      throw new IllegalArgumentException("maxFloats must be >= 0, got " + maxFloats);
    }
    this.maxFloats = maxFloats;
  }

  /** Floats kept for the next piece of work. */
  public long keptFloats() {
    return kept;
  }

  /** Arrays handed out again instead of allocated, over the pool's life. */
  public long reusedArrays() {
    return reused;
  }

  /**
   * Runs {@code work} with this pool serving {@link #uninitialized} on the current thread, then takes back every
   * array it handed out; these, up to the bound, are what the pool keeps for the next piece of work (arrays it kept
   * before and the work did not ask for are dropped, so a batch of another size does not leave a second set behind).
   * Work nested in work of the same pool hands its arrays back with the outer work's.
   */
  public <T> T recycling(Supplier<T> work) {
    BufferPool previous = ACTIVE.get();
    ACTIVE.set(this);
    depth++;
    try {
      return work.get();
    } finally {
      depth--;
      ACTIVE.set(previous);
      if (depth == 0) {
        free.clear();
        kept = 0;
        for (float[] a : lent) {
          if (kept + a.length <= maxFloats) {
            free.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
            kept += a.length;
          }
        }
        lent.clear();
      }
    }
  }

  /**
   * A float array of length {@code n} whose contents are unspecified: the caller must write every element before
   * reading any. From the current thread's pool inside {@link #recycling}, otherwise a new array.
   */
  public static float[] uninitialized(int n) {
    if (n < MIN_FLOATS) {
      return new float[n];
    }
    BufferPool p = ACTIVE.get();
    return p == null ? new float[n] : p.take(n);
  }

  private float[] take(int n) {
    ArrayDeque<float[]> q = free.get(n);
    float[] a = q == null ? null : q.poll();
    if (a == null) {
      a = new float[n];
    } else {
      kept -= n;
      reused++;
    }
    lent.add(a);
    return a;
  }
}
