package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data files whose headers lie or whose bytes are not text: refused with one line naming the file (and line), with
 * memory that follows the bytes present rather than the sizes claimed; {@code limit} reads no further than needed.
 */
class HostileDataTest {
  @TempDir Path dir;

  private Path file(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  private static String refused(Runnable r) {
    DataException e = assertThrows(DataException.class, r::run);
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aCsvValueOrNameIsShownShortAndWithoutControlCharacters() throws IOException {
    Path longValue = file("long.csv", ("a\n" + "1".repeat(100_000) + "x\n").getBytes(StandardCharsets.UTF_8));
    // A guard against a hang, not a speed test: the number pattern once backtracked over every split of the digits
    // (two minutes here); it now reads the line in milliseconds.
    String m = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
        () -> refused(() -> CsvReader.read(longValue)));
    assertEquals(longValue + ":2: column 'a': '" + "1".repeat(40) + "...(100001 characters)' is not a number", m);
    Path escape = file("escape.csv", "a,b\n1,\u001b[2J\u0007\n".getBytes(StandardCharsets.UTF_8));
    m = refused(() -> CsvReader.read(escape));
    assertEquals(escape + ":2: column 'b': '\\u001B[2J\\u0007' is not a number", m);
    Path name = file("name.csv", "a\u001b]0;pwned\u0007,a\u001b]0;pwned\u0007\n1,2\n".getBytes(StandardCharsets.UTF_8));
    m = refused(() -> CsvReader.read(name));
    assertEquals(name + ":1: duplicate column 'a\\u001B]0;pwned\\u0007'", m);
    for (char c : m.toCharArray()) {
      assertTrue(!Character.isISOControl(c), m);
    }
  }

  @Test
  void headerClaimingGigabytesInASmallPlainFileIsRefusedByLength() throws IOException {
    // 16 bytes that declare 2,700,000 images of 28x28 (2.1 GB).
    Path p = file("huge-images.idx", IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {2_700_000, 28, 28},
        new byte[0]));
    String m = refused(() -> IdxReader.readImages(p));
    assertTrue(m.startsWith(p + ": truncated: expected 2116800016 bytes"), m);
    assertTrue(m.endsWith("found 16"), m);
  }

  @Test
  void headerClaimingGigabytesInASmallGzipFileFailsOnTheBytesPresent() throws IOException {
    byte[] raw = IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {2_700_000, 28, 28},
        IdxReaderTest.pixels(1000, 1));
    Path p = file("huge-images.gz", IdxReaderTest.gzip(raw));
    String m = refused(() -> IdxReader.readImages(p));
    assertTrue(m.contains("truncated: expected 2116800016 bytes") && m.contains("found 1016"), m);
  }

  @Test
  void tooLargeForOneArrayIsRefusedBeforeReading() throws IOException {
    Path p = file("wide.idx", IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {100_000, 200, 200},
        new byte[0]));
    assertTrue(refused(() -> IdxReader.readImages(p)).contains("is too large"));
  }

  @Test
  void limitStopsDecodingEarly() throws IOException {
    // Ten images declared, but the gzip stream breaks off inside the fourth: the first three still read.
    byte[] body = IdxReaderTest.pixels(10 * 16, 2);
    byte[] gz = IdxReaderTest.gzip(IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {10, 4, 4}, body));
    Path p = file("cut-images.gz", Arrays.copyOf(gz, gz.length - 60));
    assertTrue(refused(() -> IdxReader.readImages(p)).contains("truncated"));
    Dataset three = IdxReader.readImages(p, 3);
    assertEquals(3, three.rows());
    for (int i = 0; i < 48; i++) {
      assertEquals((body[i] & 0xFF) / 255f, three.values()[i]);
    }
  }

  @Test
  void limitAppliesToLabelsAndThroughDataSources() throws IOException {
    byte[] body = IdxReaderTest.pixels(5 * 4, 3);
    file("t-images-idx3-ubyte", IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {5, 2, 2}, body));
    file("t-labels-idx1-ubyte", IdxReaderTest.idx(IdxReader.LABELS_MAGIC, new int[] {5},
        new byte[] {9, 8, 7, 6, 5}));
    Dataset d = DataSources.load(dir.resolve("t-images-idx3-ubyte").toString(), List.of(), 2);
    assertEquals(2, d.rows());
    assertArrayEquals(new int[] {9, 8}, d.labels());
    assertEquals(List.of(dir.resolve("t-images-idx3-ubyte"), dir.resolve("t-labels-idx1-ubyte")),
        DataSources.files(dir.resolve("t-images-idx3-ubyte").toString()));
  }

  @Test
  void nonUtf8CsvNamesFileAndLine() throws IOException {
    byte[] text = "x0,x1\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = {'5', ',', (byte) 0xE9, '\n'};
    byte[] all = Arrays.copyOf(text, text.length + bad.length);
    System.arraycopy(bad, 0, all, text.length, bad.length);
    Path p = file("latin1.csv", all);
    assertEquals(p + ":4: not valid UTF-8 text (save the file as UTF-8)", refused(() -> CsvReader.read(p)));
  }

  @Test
  void csvLimitReadsNoFurther() throws IOException {
    Path p = file("tail.csv", "x0,x1\n1,2\n3,4\n5,oops\n".getBytes(StandardCharsets.UTF_8));
    assertTrue(refused(() -> CsvReader.read(p)).startsWith(p + ":4:"));
    assertEquals(2, DataSources.load(p.toString(), List.of(), 2).rows());
  }

  @Test
  void csvLineLongerThanTheLimitIsRefusedBeforeItIsHeld() throws IOException {
    // A line of exactly the limit is read; one character more is refused, whatever its line breaks were.
    String atLimit = "1," + "0".repeat(CsvReader.MAX_LINE_CHARS - 2);
    Path fits = file("fits.csv.gz", IdxReaderTest.gzip(("x0,x1\r\n" + atLimit + "\n")
        .getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, CsvReader.read(fits).rows());
    // Gigabytes of one line in a few megabytes of gzip would exhaust the heap before the value is looked at.
    Path p = file("long-line.csv.gz", IdxReaderTest.gzip(("x0,x1\r\n1,2\r3,4\n" + atLimit + "0\n")
        .getBytes(StandardCharsets.UTF_8)));
    assertEquals(p + ":4: line longer than " + CsvReader.MAX_LINE_CHARS + " characters",
        refused(() -> CsvReader.read(p)));
  }
}
