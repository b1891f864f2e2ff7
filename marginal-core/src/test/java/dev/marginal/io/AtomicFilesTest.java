package dev.marginal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

  /** A write through a chain of links (relative, into another directory) replaces the last name and keeps the links. */
  @Test
  void writesThroughLinksToTheFileTheyName() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path real = sub.resolve("model.bin");
    Path second = Files.createSymbolicLink(sub.resolve("second.bin"), Path.of("model.bin"));
    Path first = Files.createSymbolicLink(dir.resolve("first.bin"), Path.of("sub", "second.bin"));
    assertEquals(real, AtomicFiles.throughLinks(first).normalize());
    AtomicFiles.writeString(first, "one");
    assertEquals("one", Files.readString(real));
    AtomicFiles.writeString(first, "two");
    assertEquals("two", Files.readString(real));
    assertEquals(true, Files.isSymbolicLink(first) && Files.isSymbolicLink(second), "the links are kept");
    Path a = dir.resolve("a");
    Files.createSymbolicLink(a, Path.of("b"));
    Files.createSymbolicLink(dir.resolve("b"), Path.of("a"));
    FileSystemException loop = assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(a, "x"));
    assertEquals("too many levels of symbolic links", loop.getReason());
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

  /**
   * A name that fits the file system only without the temporary file's additions (255 bytes on common ones) is
   * refused by the probe, as the write itself would refuse it; a good name leaves nothing behind.
   */
  @Test
  void probeWriteRefusesANameWhoseTemporaryFileCannotExist() throws IOException {
    Path fits = dir.resolve("m".repeat(250));
    FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.probeWrite(fits));
    assertEquals("File name too long", e.getReason());
    assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(fits, "x"));
    AtomicFiles.probeWrite(dir.resolve("model.bin"));
    assertEquals(List.of(), listing());
  }

  @Test
  void missingDirectoryIsNotCreatedAndIsNamed() {
    Path p = dir.resolve("missing/sub/m.bin");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> AtomicFiles.writeString(p, "x"));
    assertEquals("directory " + p.getParent() + " does not exist", e.getReason());
    assertEquals(p.toString(), e.getFile());
    assertFalse(Files.exists(dir.resolve("missing")));
  }

  @Test
  void fileInPlaceOfTheDirectoryIsNamed() throws IOException {
    Path file = Files.writeString(dir.resolve("taken"), "a file");
    FileSystemException e = assertThrows(FileSystemException.class,
        () -> AtomicFiles.writeString(file.resolve("m.bin"), "x"));
    assertEquals(file + " is not a directory", e.getReason());
    assertEquals("a file", Files.readString(file));
  }

  @Test
  void temporaryFilesOfKilledWritersAreRemovedByTheNextWrite() throws IOException {
    // Linux process ids stay below 2^22, so 999999999 is never running; this process is.
    Path dead = Files.writeString(dir.resolve(".m.bin.999999999-3.tmp"), "half a file");
    Path live = Files.writeString(dir.resolve(".m.bin." + ProcessHandle.current().pid() + "-77.tmp"), "busy");
    Path other = Files.writeString(dir.resolve(".other.bin.999999999-1.tmp"), "another target's");
    Path odd = Files.writeString(dir.resolve(".m.bin.notes.tmp"), "not ours");
    AtomicFiles.writeString(dir.resolve("m.bin"), "done");
    assertEquals(false, Files.exists(dead));
    assertEquals(true, Files.exists(live) && Files.exists(other) && Files.exists(odd));
    assertEquals("done", Files.readString(dir.resolve("m.bin")));
  }
  /** Starts {@link EndlessWriter} on {@code target}, waits until it has written some, then stops it as kill does. */
  private static void writeThenTerminate(Path target, String mode) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), EndlessWriter.class.getName(), target.toString(), mode)
        .redirectErrorStream(true).start();
    try (java.io.BufferedReader from = new java.io.BufferedReader(
        new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("writing", from.readLine());
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  private List<Path> temps() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  @Test
  void aWriteDiscardedOnExitLeavesNothingWhenTheProcessIsStopped() throws Exception {
    Path target = dir.resolve("samples.csv");
    writeThenTerminate(target, "discard");
    assertEquals(List.of(), temps());
    assertEquals(false, Files.exists(target));
  }

  @Test
  void anOrdinaryWriteLeavesItsTemporaryFileForTheNextWriteToRemove() throws Exception {
    Path target = dir.resolve("model.marginal");
    writeThenTerminate(target, "keep");
    assertEquals(1, temps().size(), "an ordinary write is not cut short by a shutdown");
    AtomicFiles.writeString(target, "x");
    assertEquals(List.of(), temps());
  }
}
