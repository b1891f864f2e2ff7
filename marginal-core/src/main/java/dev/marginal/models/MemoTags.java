package dev.marginal.models;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Fresh tags for {@link RowChunk} memos: unique within a JVM, and across JVMs with overwhelming probability (the
 * counter starts at a clock-derived value), so a memo made for one pass is never taken for another's.
 */
final class MemoTags {
  private static final AtomicLong NEXT = new AtomicLong(System.nanoTime() * 0x9E3779B97F4A7C15L);

  private MemoTags() {}

  static long next() {
    return NEXT.getAndIncrement();
  }
}
