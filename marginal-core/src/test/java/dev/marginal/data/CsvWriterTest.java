package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvWriterTest {
  @TempDir Path dir;

  @Test
  void floatRoundTripIsExact() {
    float[] values = {
      0f, -0f, 1f, -2.5f, 1e-30f, Float.MIN_VALUE, Float.MAX_VALUE, 123456.78f, (float) Math.PI, -1e7f, 3e-5f, 7f
    };
    List<String> columns = List.of("plain", "with, comma", "say \"hi\"", " padded ");
    Dataset data = Dataset.of("test", columns, values);
    Path p = dir.resolve("out.csv");
    CsvWriter.write(p, data);
    Dataset back = CsvReader.read(p);
    assertEquals(columns, back.columns());
    assertArrayEquals(values, back.values());
  }

  /** A name ending in .gz is written gzipped, the same text as the plain file, and reads back as CsvReader reads it. */
  @Test
  void aNameEndingInGzIsWrittenGzipped() throws IOException {
    Dataset data = Dataset.of("test", List.of("a", "b"), new float[] {1, 2.5f, -3, 4e-3f});
    Path plain = dir.resolve("out.csv");
    Path gz = dir.resolve("out.csv.GZ");
    Path pieces = dir.resolve("pieces.csv.gz");
    CsvWriter.write(plain, data);
    CsvWriter.write(gz, data);
    CsvWriter.write(pieces, c -> c == 0 ? data : null, 1, rows -> { });
    for (Path p : List.of(gz, pieces)) {
      byte[] bytes = Files.readAllBytes(p);
      assertEquals(0x1f, bytes[0] & 0xff, p.toString());
      assertEquals(0x8b, bytes[1] & 0xff, p.toString());
      try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(p))) {
        assertArrayEquals(Files.readAllBytes(plain), in.readAllBytes(), p.toString());
      }
      assertArrayEquals(data.values(), CsvReader.read(p).values(), p.toString());
    }
  }

  @Test
  void doubleRowsReadBackAsTheirNearestFloats() {
    double[] values = {0.1, -1e-300, 2.0 / 3, 1e20};
    Path p = dir.resolve("scores.csv");
    CsvWriter.write(p, List.of("logpx", "stderr"), values);
    float[] back = CsvReader.read(p).values();
    for (int i = 0; i < values.length; i++) {
      assertEquals((float) values[i], back[i]);
    }
  }

  @Test
  void countColumnsWriteWholeNumbersAsIntegers() throws IOException {
    Path p = dir.resolve("metrics.csv");
    CsvWriter.write(p, List.of("step", "kl"), new double[] {200, 2, -0.0, Double.NaN, 2.5, 1e300}, Set.of("step"));
    assertEquals("step,kl\n200,2.0\n0,NaN\n2.5,1.0E300\n", Files.readString(p));
  }

  @Test
  void writesHeaderThenOneLinePerRow() throws IOException {
    Path p = dir.resolve("out.csv");
    CsvWriter.write(p, List.of("a", "b"), new float[] {1, 2, 3, 4});
    assertEquals("a,b\n1.0,2.0\n3.0,4.0\n", Files.readString(p));
  }

  @Test
  void piecesReportRowsWrittenAndWriteTheSameBytes() throws IOException {
    float[] values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    List<String> columns = List.of("a", "b");
    CsvWriter.Chunks chunks = c -> switch (c) {
      case 0 -> Dataset.of("p0", columns, java.util.Arrays.copyOfRange(values, 0, 10));
      case 1 -> Dataset.of("p1", columns, java.util.Arrays.copyOfRange(values, 10, 16));
      default -> null;
    };
    Path whole = dir.resolve("whole.csv");
    CsvWriter.write(whole, columns, values);
    Path plain = dir.resolve("plain.csv");
    CsvWriter.write(plain, chunks);
    Path reported = dir.resolve("reported.csv");
    List<Long> rows = new java.util.ArrayList<>();
    CsvWriter.write(reported, chunks, 2, rows::add);
    // Pieces of 5 and 3 rows: every 2 rows and at the end of each piece.
    assertEquals(List.of(2L, 4L, 5L, 7L, 8L), rows);
    assertEquals(Files.readString(whole), Files.readString(plain));
    assertEquals(Files.readString(whole), Files.readString(reported));
    rows.clear();
    CsvWriter.write(reported, chunks, Integer.MAX_VALUE, rows::add);
    assertEquals(List.of(5L, 8L), rows);
    assertThrows(IllegalArgumentException.class, () -> CsvWriter.write(reported, chunks, 0, r -> { }));
  }

  @Test
  void missingDirectoryFailsNamingItAndIsNotCreated() {
    Path p = dir.resolve("nested/dir/out.csv");
    DataException e = assertThrows(DataException.class,
        () -> CsvWriter.write(p, List.of("a", "b"), new float[] {1, 2}));
    assertEquals(p + ": cannot write (directory " + p.getParent() + " does not exist)", e.getMessage());
    e = assertThrows(DataException.class, () -> CsvWriter.write(p, c -> c == 0 ? Dataset.ofRows(new float[][] {{1}})
        : null));
    assertEquals(p + ": cannot write (directory " + p.getParent() + " does not exist)", e.getMessage());
    assertFalse(Files.exists(dir.resolve("nested")));
  }

  /**
   * Results (scores, codes) are written as a stream of samples is: a process stopped by a signal in the middle of the
   * write leaves neither the file nor its hidden temporary file behind.
   */
  @Test
  void aResultWriteStoppedBySignalLeavesNothing() throws Exception {
    Path target = dir.resolve("scores.csv");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), LargeCsvWriter.class.getName(), target.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (temps().stream().noneMatch(CsvWriterTest::nonEmpty) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(p.isAlive(), "the write was still going when its temporary file had content");
    } finally {
      p.destroy();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the writer stopped");
    }
    assertEquals(143, p.exitValue(), "killed by SIGTERM");
    assertEquals(List.of(), temps());
    assertFalse(Files.exists(target));
  }

  private List<Path> temps() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  private static boolean nonEmpty(Path p) {
    try {
      return Files.size(p) > 0;
    } catch (IOException e) {
      return false;
    }
  }
}
