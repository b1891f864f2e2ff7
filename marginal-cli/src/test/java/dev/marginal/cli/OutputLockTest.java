package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock on an output is the file's, whatever name reaches it: a link or a linked directory finds it taken; a run
 * stopped by a signal removes its file before it exits.
 */
class OutputLockTest {
  @TempDir Path dir;

  /** A symbolic link at {@code link} to {@code target}; the test is skipped where links cannot be made. */
  private static Path link(Path link, Path target) {
    try {
      return Files.createSymbolicLink(link, target);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      Assumptions.abort("symbolic links cannot be created here: " + e);
      return null;
    }
  }

  private static void assertTaken(Path out) {
    UserInputException e = assertThrows(UserInputException.class, () -> OutputLock.acquire("--out", out).close());
    assertTrue(e.getMessage().startsWith("--out " + out + " is being written by another marginal run"),
        e.getMessage());
  }

  @Test
  void aLinkToALockedOutputIsRefused() throws IOException {
    Path same = Files.writeString(dir.resolve("same.marginal"), "model");
    Path link = link(dir.resolve("link.marginal"), same.getFileName());
    try (OutputLock lock = OutputLock.acquire("--out", same)) {
      assertTaken(link);
      assertTaken(dir.resolve("sub/../same.marginal"));
    }
    assertTrue(Files.isSymbolicLink(link), "the link is left as it was");
    assertEquals(OutputLock.lockFileOf(same), OutputLock.lockFileOf(link));
    try (OutputLock lock = OutputLock.acquire("--out", link)) {
      assertTaken(same);
    }
  }

  @Test
  void aLinkedDirectoryFindsTheLockOfAFileNotYetWritten() throws IOException {
    Path real = Files.createDirectory(dir.resolve("real"));
    Path linked = link(dir.resolve("linked"), real);
    Path out = real.resolve("new.marginal");
    try (OutputLock lock = OutputLock.acquire("--out", out)) {
      assertTaken(linked.resolve("new.marginal"));
    }
    assertFalse(Files.exists(out));
    assertEquals(real.toRealPath().resolve(".new.marginal.lock"),
        OutputLock.lockFileOf(linked.resolve("new.marginal")));
  }

  /**
   * A link to a file not yet written locks that file, which a write through the link creates: a run on the file and
   * a run through the link exclude each other, in either order. (A link into a missing directory is refused before
   * any lock, by the output checks: the write through it could not be made.)
   */
  @Test
  void aLinkToAFileNotYetWrittenLocksThatFile() throws IOException {
    Path later = dir.resolve("later.marginal");
    Path dangling = link(dir.resolve("dangling.marginal"), later.getFileName());
    assertEquals(dir.toRealPath().resolve(".later.marginal.lock"), OutputLock.lockFileOf(dangling));
    try (OutputLock lock = OutputLock.acquire("--out", dangling)) {
      assertTaken(later);
    }
    try (OutputLock lock = OutputLock.acquire("--out", later)) {
      assertTaken(dangling);
    }
    Path nowhere = link(dir.resolve("nowhere.marginal"), dir.resolve("nowhere/x.marginal"));
    assertEquals(dir.toRealPath().resolve("nowhere/.x.marginal.lock"), OutputLock.lockFileOf(nowhere));
  }

  /**
   * A run stopped by Ctrl-C or {@code kill} has its lock released, file and all, by its interrupt guard, before the
   * guard lets the JVM exit: the command's own release, after the guard, races the exit and left the file behind.
   */
  @Test
  void aStoppedRunsGuardRemovesTheLockFileBeforeTheExit() {
    Path out = dir.resolve("stopped.marginal");
    Path lockFile = OutputLock.lockFileOf(out);
    try (OutputLock lock = OutputLock.acquire("--out", out)) {
      InterruptGuard guard = new InterruptGuard(lock);
      guard.requestStop();
      assertTrue(Files.exists(lockFile));
      guard.close();
      assertFalse(Files.exists(lockFile), "the lock file is removed as the guard closes");
      OutputLock.acquire("--out", out).close();
    }
  }

  /** Without a stop, the guard leaves the lock to the command, which holds it until its model is written. */
  @Test
  void anUnstoppedRunsGuardKeepsTheLock() {
    Path out = dir.resolve("running.marginal");
    try (OutputLock lock = OutputLock.acquire("--out", out)) {
      new InterruptGuard(lock).close();
      assertTrue(Files.exists(OutputLock.lockFileOf(out)));
      assertTaken(out);
    }
    assertFalse(Files.exists(OutputLock.lockFileOf(out)));
  }
}
