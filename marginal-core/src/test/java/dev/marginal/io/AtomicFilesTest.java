package dev.marginal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private List<Path> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void replacesTheTargetWithWhatTheBodyWrote() throws IOException {
    Path p = dir.resolve("model.bin");
    Files.writeString(p, "old");
    AtomicFiles.write(p, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
    assertEquals("new", Files.readString(p));
    assertEquals(List.of(p), listing());
  }

  @Test
  void failingBodyLeavesTheOldFileUntouchedAndNoTemporaryFile() throws IOException {
    Path p = dir.resolve("model.bin");
    Files.writeString(p, "old");
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    p,
                    out -> {
                      out.write(new byte[200_000]);
                      throw new IOException("disk on fire");
                    }));
    assertEquals("disk on fire", thrown.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> AtomicFiles.write(p, out -> {
          out.write(1);
          throw new IllegalStateException("bug");
        }));
    assertEquals("old", Files.readString(p));
    assertEquals(List.of(p), listing());
  }

  @Test
  void failingBodyCreatesNoTarget() throws IOException {
    Path p = dir.resolve("fresh.bin");
    assertThrows(IOException.class, () -> AtomicFiles.write(p, out -> {
      throw new IOException("no");
    }));
    assertEquals(List.of(), listing());
  }
}
