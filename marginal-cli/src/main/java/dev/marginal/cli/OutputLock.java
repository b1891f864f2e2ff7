package dev.marginal.cli;

import dev.marginal.io.IoErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * An exclusive lock on an output file for the length of a run, so that two runs writing the same model (and the
 * same checkpoint beside it) cannot mix their files: the second is refused at once. The lock is an operating-system
 * lock on the hidden file {@code .NAME.lock} beside the output; the system releases it when the process ends, even
 * when it is killed, so a lock file left behind by a killed run (SIGKILL) is simply reused. The lock file is removed
 * when the run ends, and when the JVM exits after Ctrl-C or {@code kill} at any moment after the lock was taken: a
 * shutdown hook installed with the lock removes it, after the training's {@link InterruptGuard}, if there is one, has
 * saved its checkpoint. Only the holder of the lock ever removes its file.
 *
 * <p>The lock belongs to the file, not to the name it was given by: {@code NAME} and its directory are those of the
 * output's real path (symbolic links followed, also a link to a file not yet written; for a file not yet written,
 * its directory's real path), so that a link to the output, or a path through a linked directory, finds the same
 * lock, and the lock is that of the file a write through the link replaces.
 */
final class OutputLock implements AutoCloseable {
  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;
  /** Removes the lock file when the JVM exits before {@link #close()}. */
  private final Thread hook = new Thread(this::onShutdown, "marginal-lock");
  private boolean closed;
  /** Guards that release the lock themselves once their run has stopped; the hook waits for them. */
  private int deferrals;

  private OutputLock(Path lockFile, FileChannel channel, FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock for {@code out}.
   *
   * @param option the option that named {@code out}, for the message
   * @throws UserInputException if another run holds it, or the lock file cannot be created
   */
  static OutputLock acquire(String option, Path out) {
    Path lockFile = lockFileOf(out);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UserInputException(out + ": cannot create the lock file " + lockFile + " (" + IoErrors.reason(e) + ")");
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UserInputException(out + ": cannot lock " + lockFile + " (" + IoErrors.reason(e) + ")");
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new UserInputException(option + " " + out + " is being written by another marginal run (lock "
          + lockFile + "); wait for it to finish or choose another output file");
    }
    OutputLock held = new OutputLock(lockFile, channel, lock);
    try {
      Runtime.getRuntime().addShutdownHook(held.hook);
    } catch (IllegalStateException e) {
      // The JVM is already exiting: give the lock back rather than leave its file behind.
      held.close();
      throw new InterruptGuard.Stopped();
    }
    return held;
  }

  /** The lock file of {@code out}: {@code .NAME.lock} beside its real path ({@link OutputGuard#canonical}). */
  static Path lockFileOf(Path out) {
    Path real = OutputGuard.canonical(out);
    return real.resolveSibling("." + real.getFileName() + ".lock");
  }

  /**
   * Makes the removal of the lock file at the JVM's exit wait (at most {@value InterruptGuard#WAIT_SECONDS} s) until
   * {@link #endDeferral()}, so that a stopped run's guard can save its checkpoint while the lock still keeps other
   * runs away.
   */
  synchronized void deferRemoval() {
    deferrals++;
  }

  /** Ends a {@link #deferRemoval()}. */
  synchronized void endDeferral() {
    deferrals--;
    notifyAll();
  }

  private synchronized void onShutdown() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(InterruptGuard.WAIT_SECONDS);
    try {
      for (long left = deadline - System.nanoTime(); !closed && deferrals > 0 && left > 0;
          left = deadline - System.nanoTime()) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    release();
  }

  /** Removes the lock file and releases the lock; a second call does nothing. */
  @Override
  public void close() {
    if (release()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is exiting; the hook finds the lock released.
      }
    }
  }

  /** Removes the lock file and releases the lock, while this process still holds it; false if it was done before. */
  private synchronized boolean release() {
    if (closed) {
      return false;
    }
    closed = true;
    notifyAll();
    try {
      Files.deleteIfExists(lockFile);
      lock.release();
    } catch (IOException e) {
      // The system releases the lock when the channel closes or the process ends.
    } finally {
      closeQuietly(channel);
    }
    return true;
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }
}
