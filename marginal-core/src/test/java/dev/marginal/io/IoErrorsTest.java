package dev.marginal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.data.CsvWriter;
import dev.marginal.data.DataException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cause of a failed file operation, in words that do not repeat the path the message already names. */
class IoErrorsTest {
  @TempDir Path dir;

  @Test
  void exceptionsWhoseMessageIsAPathAreDescribedByTheirKind() {
    assertEquals("permission denied", IoErrors.reason(new AccessDeniedException("/data/.out.csv.tmp1")));
    assertEquals("no such file or directory", IoErrors.reason(new NoSuchFileException("/no/such/dir/x")));
    assertEquals("FileSystemException", IoErrors.reason(new FileSystemException("/x")));
    assertEquals("/d/f already exists", IoErrors.reason(new FileAlreadyExistsException("/d/f")));
  }

  @Test
  void theSystemsReasonOrTheMessageIsKept() {
    assertEquals("Read-only file system",
        IoErrors.reason(new FileSystemException("/x", null, "Read-only file system")));
    assertEquals("No space left on device", IoErrors.reason(new IOException("No space left on device")));
    assertEquals("IOException", IoErrors.reason(new IOException()));
    assertEquals("bad\\nline", IoErrors.reason(new IOException("bad\nline")));
  }

  @Test
  void aFailedWriteNamesItsFileOnceAndSaysWhy() throws IOException {
    // A file where the output's directory should be.
    Path inTheWay = Files.writeString(dir.resolve("f"), "x");
    Path out = inTheWay.resolve("out.csv");
    DataException e = assertThrows(DataException.class,
        () -> CsvWriter.write(out, List.of("a"), new float[] {1f}));
    assertEquals(out + ": cannot write (" + inTheWay + " is not a directory)", e.getMessage());
  }
}
