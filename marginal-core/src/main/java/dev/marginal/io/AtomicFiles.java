package dev.marginal.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file all at once or not at all: the content goes to a temporary file in the target's directory, is
 * flushed to disk, and is then renamed over the target with {@code ATOMIC_MOVE} (falling back to
 * {@code REPLACE_EXISTING} where the file system cannot rename atomically). If writing fails, the old file, if
 * any, is left untouched and the temporary file is removed. For results, model files and checkpoints alike.
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
   * Writes {@code target} from what {@code body} writes to the stream. Missing parent directories are created.
   * The stream is buffered; {@code body} must not close it.
   *
   * @throws IOException if {@code body} or the file system fails; {@code target} is then unchanged
   */
  public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = createTemp(dir, target.getFileName().toString());
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

  /** Writes a UTF-8 string atomically. */
  public static void writeString(Path target, String content) throws IOException {
    write(target, out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
