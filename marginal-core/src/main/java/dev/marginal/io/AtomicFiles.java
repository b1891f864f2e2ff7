package dev.marginal.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file all at once or not at all: the content goes to a temporary file in the target's directory, is
 * flushed to disk, and is then renamed over the target with {@code ATOMIC_MOVE} (falling back to
 * {@code REPLACE_EXISTING} where the file system cannot rename atomically). If writing fails, the old file, if
 * any, is left untouched and the temporary file is removed. For results, model files and checkpoints alike.
 *
 * <p>The target's directory must exist: a write does not create directories the caller did not ask for (a
 * misspelt path would otherwise leave a new directory tree behind). A missing one fails the write with a
 * {@link NoSuchFileException} whose reason names it ({@code directory /data/runs does not exist}).
 *
 * <p>A process killed in the middle of a write leaves its temporary file {@code .NAME.PID-N.tmp} behind; the next
 * write of the same target removes such files whose process is no longer running. A write made with
 * {@link #writeDiscardedOnExit} deletes its own when the JVM shuts down in the middle of it.
 *
 * <p>A target that is a symbolic link is written through: the file the link names is replaced and the link kept
 * ({@link #throughLinks}).
 */
public final class AtomicFiles {
  /** An action on a value that may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface IOConsumer<T> {
    /** Performs the action. */
    void accept(T value) throws IOException;
  }

  /** Distinguishes temporary files written by this process at the same time. */
  private static final AtomicLong COUNTER = new AtomicLong();

  private AtomicFiles() {}

  /**
   * Writes {@code target} from what {@code body} writes to the stream. The stream is buffered; {@code body} must
   * not close it.
   *
   * @throws NoSuchFileException if {@code target}'s directory does not exist (it is not created)
   * @throws IOException if {@code body} or the file system fails; {@code target} is then unchanged
   */
  public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
    write(target, body, false);
  }

  /**
   * {@link #write}, for output that may run to gigabytes (a stream of samples): if the JVM begins to shut down (Ctrl-C,
   * {@code kill}) while it is being written, its temporary file is deleted then, instead of staying behind as a hidden
   * file until the next write of the same target. The write itself then fails and {@code target} is unchanged. Not for
   * files that a command saves on its way out, such as a checkpoint on Ctrl-C.
   */
  public static void writeDiscardedOnExit(Path target, IOConsumer<OutputStream> body) throws IOException {
    write(target, body, true);
  }

  /** The name {@link #probeDirectory} gives its files: {@code .marginal-probe.PID-N.tmp}. */
  private static final String PROBE = "marginal-probe";

  /**
   * Checks that files can be created in {@code dir} by creating and deleting an empty hidden file
   * {@code .marginal-probe.PID-N.tmp} there. A process killed between the two leaves it behind; the next probe of the
   * directory removes such files whose process is no longer running.
   *
   * @throws IOException if the file cannot be created (a read-only directory, say)
   */
  public static void probeDirectory(Path dir) throws IOException {
    removeStaleTemps(dir, PROBE);
    Files.deleteIfExists(createTemp(dir, PROBE));
  }

  /**
   * Checks that {@code target} can be written as {@link #write} writes it, by creating and deleting the temporary file
   * {@code .NAME.PID-N.tmp} beside it: a name too long for the file system (with or without the temporary file's
   * additions) fails here, before the work whose result it is to hold, not when the result is saved.
   *
   * @throws IOException if the temporary file cannot be created
   */
  public static void probeWrite(Path named) throws IOException {
    Path target = throughLinks(named);
    Path dir = target.toAbsolutePath().getParent();
    Files.deleteIfExists(createTemp(dir, target.getFileName().toString()));
  }

  /** Temporary files of writes in progress that a shutdown deletes. */
  private static final java.util.Set<Path> DISCARDED_ON_EXIT = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static volatile boolean hookInstalled;

  private static synchronized void installHook() {
    if (!hookInstalled) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        for (Path p : DISCARDED_ON_EXIT) {
          try {
            Files.deleteIfExists(p);
          } catch (IOException e) {
            // The next write of the same target removes it.
          }
        }
      }, "marginal-discard-partial-output"));
      hookInstalled = true;
    }
  }

  /** Links followed before a chain of symbolic links is taken for a loop, as the operating system does. */
  private static final int MAX_LINK_HOPS = 40;

  /**
   * The file a write to {@code target} replaces: {@code target} itself, or, where it is a symbolic link (to a file
   * that exists or not yet), the path the link names, links followed. A write through a link so replaces the file it
   * names and keeps the link, as a shell's redirection does, and a lock taken on that path is the write's.
   *
   * @throws FileSystemException for a chain of more than 40 links (a loop)
   */
  public static Path throughLinks(Path target) throws IOException {
    Path p = target;
    for (int hops = 0; Files.isSymbolicLink(p); hops++) {
      if (hops == MAX_LINK_HOPS) {
        throw new FileSystemException(target.toString(), null, "too many levels of symbolic links");
      }
      Path to = Files.readSymbolicLink(p);
      Path dir = p.toAbsolutePath().getParent();
      p = dir == null ? to : dir.resolve(to);
    }
    return p;
  }

  private static void write(Path named, IOConsumer<OutputStream> body, boolean discardOnExit) throws IOException {
    Path target = throughLinks(named);
    Path dir = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Path shown = target.getParent() == null ? dir : target.getParent();
      throw Files.exists(dir) ? new FileSystemException(target.toString(), null, shown + " is not a directory")
          : new NoSuchFileException(target.toString(), null, "directory " + shown + " does not exist");
    }
    removeStaleTemps(dir, target.getFileName().toString());
    if (discardOnExit) {
      installHook();
    }
    Path tmp = createTemp(dir, target.getFileName().toString());
    if (discardOnExit) {
      DISCARDED_ON_EXIT.add(tmp);
    }
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
        body.accept(out);
        out.flush();
        channel.force(true);
      }
      move(tmp, target);
      moved = true;
    } finally {
      DISCARDED_ON_EXIT.remove(tmp);
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A new empty hidden file {@code .NAME.PID-N.tmp} beside the target (not createTempFile: it sets mode 600). */
  private static Path createTemp(Path dir, String name) throws IOException {
    long pid = ProcessHandle.current().pid();
    while (true) {
      Path tmp = dir.resolve("." + name + "." + pid + "-" + COUNTER.incrementAndGet() + ".tmp");
      try {
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        // Left over from an earlier process with the same id: try the next number.
      }
    }
  }

  /** Deletes {@code .NAME.PID-N.tmp} files in {@code dir} left by processes that are no longer running. */
  static void removeStaleTemps(Path dir, String name) {
    String prefix = "." + name + ".";
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir,
        p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".tmp"))) {
      for (Path t : temps) {
        String middle = t.getFileName().toString();
        middle = middle.substring(prefix.length(), middle.length() - ".tmp".length());
        int dash = middle.indexOf('-');
        if (dash <= 0 || !middle.substring(dash + 1).chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          long pid = Long.parseLong(middle.substring(0, dash));
          if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            continue;
          }
          Files.deleteIfExists(t);
        } catch (NumberFormatException | IOException e) {
          // Not one of ours, or already gone: leave it.
        }
      }
    } catch (IOException e) {
      // Cleaning up is a courtesy; the write itself does not depend on it.
    }
  }

  /** Writes a UTF-8 string atomically. */
  public static void writeString(Path target, String content) throws IOException {
    write(target, out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
