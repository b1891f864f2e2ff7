package dev.marginal.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns Ctrl-C into a polite stop for a training loop: the JVM's shutdown hook raises {@link #stopRequested()} and
 * then waits (at most {@value #WAIT_SECONDS} s) until the loop has written its checkpoint and {@link #close()}d the
 * guard, so the JVM does not exit in the middle of the write. A command holds the guard until its model is written:
 * a run stopped by it throws {@link Stopped} instead (the JVM exits as the guard closes, and the model of a stopped
 * run is not written over the output), and a stop asked for after the training's last step waits for the model.
 * The output's lock, given to the guard, is released (its file removed) before a stopped run's JVM is let exit: the
 * command's own release of it, after the guard, could come too late. Until the guard closes, the lock's own shutdown
 * hook ({@link OutputLock}, which covers Ctrl-C before the training, while the data loads) waits for it.
 */
final class InterruptGuard implements AutoCloseable {
  /** Longest wait of the shutdown hook for the checkpoint to be written. */
  static final long WAIT_SECONDS = 60;

  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook = new Thread(this::onShutdown, "marginal-interrupt");
  /** The output's lock, released before a stopped run's JVM exits. */
  private final OutputLock lock;

  /**
   * Installs the shutdown hook.
   *
   * @param lock the lock of the command's output, released by {@link #close()} after a stop
   */
  InterruptGuard(OutputLock lock) {
    this.lock = lock;
    lock.deferRemoval();
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already exiting: no training to stop, and the lock's own hook may remove its file now.
      lock.endDeferral();
      throw new Stopped();
    }
  }

  /** Whether the user asked to stop; poll this after each step. */
  boolean stopRequested() {
    return stop.get();
  }

  private void onShutdown() {
    requestStop();
    try {
      done.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asks the loop to stop, as the shutdown hook does. */
  void requestStop() {
    stop.set(true);
  }

  /**
   * A run stopped by the guard after saving its checkpoint: the command writes nothing more and exits with
   * {@link Cli#EXIT_INTERRUPTED} (where the JVM's exit on the signal does not come first).
   */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("interrupted", null, false, false);
    }
  }

  /**
   * Releases a waiting hook, the output's lock first (so that its file is not left behind by the JVM's exit), or
   * removes the hook when no stop was asked for; from then on the lock's own shutdown hook removes its file.
   */
  @Override
  public void close() {
    if (stop.get()) {
      lock.close();
    }
    lock.endDeferral();
    done.countDown();
    if (!stop.get()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down; the countdown has released the hook.
      }
    }
  }
}
