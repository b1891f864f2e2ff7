package dev.marginal.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that readers never see a half-written one and a failure never destroys the previous version:
 * the content goes to a temporary file in the same directory, which is then renamed over the target.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the content produced by {@code body}. */
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code path} atomically.
   *
   * @throws IOException if writing or renaming fails; the old file, if any, is then left untouched
   */
  public static void write(Path path, Body body) throws IOException {
    Path abs = path.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IOException(path + ": directory " + dir + " does not exist");
    }
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        body.writeTo(out);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes a UTF-8 string atomically. */
  public static void writeString(Path path, String content) throws IOException {
    write(path, out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
