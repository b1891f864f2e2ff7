package dev.marginal.models;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs a fixed set of chunks on a small private thread pool. The chunks depend only on the problem size, and each
 * writes its own accumulator, so callers that sum accumulators in chunk order get results independent of the
 * thread count.
 */
final class Chunks implements AutoCloseable {
  private final int threads;
  private final ExecutorService pool;

  Chunks(int threads) {
    this.threads = threads;
    this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "marginal-em");
      t.setDaemon(true);
      return t;
    });
  }

  /** Calls {@code body} once for every chunk index in [0, count), the calling thread taking part. */
  void run(int count, IntConsumer body) {
    if (pool == null || count <= 1) {
      for (int c = 0; c < count; c++) {
        body.accept(c);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int c = next.getAndIncrement(); c < count; c = next.getAndIncrement()) {
        body.accept(c);
      }
    };
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 1; t < Math.min(threads, count); t++) {
      futures.add(pool.submit(worker));
    }
    worker.run();
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for EM workers", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(cause);
      }
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
