package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  private Path csv(String content) throws IOException {
    Path p = dir.resolve("data.csv");
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private static void assertMessage(String expected, Executable read) {
    DataException e = assertThrows(DataException.class, read);
    assertEquals(expected, e.getMessage());
  }

  @Test
  void readsHeaderAndRows() throws IOException {
    Path p = csv("x0,x1,x2\n1,2,3\n-4.5,5e-1,+6\n");
    Dataset d = CsvReader.read(p);
    assertEquals(List.of("x0", "x1", "x2"), d.columns());
    assertEquals(2, d.rows());
    assertArrayEquals(new float[] {1, 2, 3, -4.5f, 0.5f, 6}, d.values());
    assertEquals(p.toString(), d.source());
  }

  /**
   * A row read from a file is named by its line, as the reader names a bad line, while the rows stay that file's
   * lines in order (a head, chosen columns, new values, labels); a subset, a split or another source names the row.
   */
  @Test
  void rowsKnowTheirLinesWhileTheyAreTheFilesInOrder() throws IOException {
    Path p = csv("a,b\n1,2\n3,4\n5,6\n\n");
    Dataset d = CsvReader.read(p);
    assertEquals(p + ":2", d.where(0));
    assertEquals(p + ":4", d.where(2));
    assertEquals(p + ":3", d.head(2).where(1));
    assertEquals(p + ":4", d.select("b").withValues(new float[] {0, 0, 0}).withLabels(new int[3]).where(2));
    assertEquals(p + ":4", d.withColumns(List.of("x", "y")).where(2));
    assertEquals(p + ":3", CsvReader.read(p, List.of("b", "a"), 2).where(1));
    assertEquals(p + ": row 1", d.subset(new int[] {1}).where(0));
    assertEquals(p + ": row 2", d.split(0.5, dev.marginal.random.RngKey.of(1)).train().where(1));
    assertEquals("copy: row 3", d.withSource("copy").where(2));
    assertEquals("mem: row 1", Dataset.of("mem", List.of("x"), new float[] {1}).where(0));
    assertThrows(IndexOutOfBoundsException.class, () -> d.where(3));
  }

  @Test
  void acceptsQuotedHeaderBomCrlfAndTrailingBlankLines() throws IOException {
    Path p = csv("\uFEFF\"a, b\", \"say \"\"hi\"\"\" ,c\r\n1,2,3\r\n4,5,6\r\n\r\n  \n\n");
    Dataset d = CsvReader.read(p);
    assertEquals(List.of("a, b", "say \"hi\"", "c"), d.columns());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.values());
  }

  @Test
  void choosesColumnsByNameInTheGivenOrderAndSkipsTheOthers() throws IOException {
    Path p = csv("id,x1,x2\nalpha,1,2\nbeta,3,4\n");
    Dataset d = CsvReader.read(p, List.of("x2", "x1"));
    assertEquals(List.of("x2", "x1"), d.columns());
    assertArrayEquals(new float[] {2, 1, 4, 3}, d.values());
  }

  @Test
  void raggedRowNamesFileAndLine() throws IOException {
    Path p = csv("x0,x1,x2\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2\n");
    assertMessage(p + ":7: expected 3 values, found 2", () -> CsvReader.read(p));
  }

  @Test
  void textInANumericColumnNamesColumnAndValue() throws IOException {
    Path p = csv("x0,x1,x2\n1,2,3\n1,2,3\n1,2,abc\n");
    assertMessage(p + ":4: column 'x2': 'abc' is not a number", () -> CsvReader.read(p));
  }

  @Test
  void nanIsRejectedInEverySpelling() throws IOException {
    for (String nan : List.of("NaN", "nan", "NAN", "-nan")) {
      Path p = csv("x0,x1\n" + "1,2\n".repeat(7) + "1," + nan + "\n");
      assertMessage(p + ":9: column 'x1': NaN is not allowed", () -> CsvReader.read(p));
    }
  }

  @Test
  void infinityIsRejectedInEverySpelling() throws IOException {
    for (String inf : List.of("inf", "-inf", "Infinity", "-Infinity", "+INF")) {
      Path p = csv("x0,x1\n" + inf + ",1\n");
      assertMessage(p + ":2: column 'x0': infinity is not allowed", () -> CsvReader.read(p));
    }
  }

  @Test
  void valueBeyondFloatRangeIsRejected() throws IOException {
    Path p = csv("x0\n1e39\n");
    assertMessage(p + ":2: column 'x0': '1e39' is out of float range", () -> CsvReader.read(p));
  }

  @Test
  void emptyValueIsRejected() throws IOException {
    Path p = csv("x0,x1\n1,\n");
    assertMessage(p + ":2: column 'x1': empty value", () -> CsvReader.read(p));
  }

  @Test
  void headerOnlyHasNoDataRows() throws IOException {
    Path p = csv("x0,x1\n\n\n");
    assertMessage(p + ": no data rows", () -> CsvReader.read(p));
  }

  @Test
  void emptyFileNeedsAHeader() throws IOException {
    Path p = csv("");
    assertMessage(p + ": empty file (a header row is required)", () -> CsvReader.read(p));
  }

  @Test
  void numericFirstLineIsNotAHeader() throws IOException {
    Path p = csv("1,2\n3,4\n");
    assertMessage(p + ":1: a header row of column names is required, found numbers", () -> CsvReader.read(p));
  }

  @Test
  void duplicateAndEmptyColumnNamesAreRejected() throws IOException {
    Path dup = csv("a,b,a\n1,2,3\n");
    assertMessage(dup + ":1: duplicate column 'a'", () -> CsvReader.read(dup));
    Path empty = csv("a,,c\n1,2,3\n");
    assertMessage(empty + ":1: column 2 has no name", () -> CsvReader.read(empty));
    Path trailing = csv("a,b,\n1,2,\n");
    assertMessage(trailing + ":1: column 3 has no name (the line ends with a comma: remove the trailing commas)",
        () -> CsvReader.read(trailing));
  }

  @Test
  void semicolonOrTabSeparatedFileIsNamedAsSuch() throws IOException {
    Path semi = csv("a;b\n1,5;2\n");
    assertMessage(semi + ":2: expected 1 value, found 2 (the header has one column and semicolons: fields must be"
        + " separated by commas)", () -> CsvReader.read(semi));
    Path tabs = csv("a\tb\n1\t2\n");
    assertMessage(tabs + ":2: column 'a\\tb': '1\\t2' is not a number (the header has one column and tabs: fields"
        + " must be separated by commas)", () -> CsvReader.read(tabs));
  }

  @Test
  void blankLineInsideTheDataIsRejected() throws IOException {
    Path p = csv("x0\n1\n\n2\n");
    assertMessage(p + ":3: empty line inside the data", () -> CsvReader.read(p));
  }

  @Test
  void unterminatedQuoteIsRejected() throws IOException {
    Path p = csv("\"x0,x1\n1,2\n");
    assertMessage(p + ":1: unterminated quote", () -> CsvReader.read(p));
  }

  @Test
  void unknownColumnListsTheAvailableOnes() throws IOException {
    Path p = csv("x0,x1,x2\n1,2,3\n");
    assertMessage(p + ": no column 'x9' (columns: x0, x1, x2)", () -> CsvReader.read(p, List.of("x0", "x9")));
  }

  @Test
  void missingFileSaysSo() {
    assertMessage("missing.csv: no such file", () -> CsvReader.read(Path.of("missing.csv")));
    Path p = dir.resolve("missing.csv");
    assertMessage(p + ": no such file", () -> CsvReader.read(p));
  }

  @Test
  void directoryIsNotAFile() {
    assertMessage(dir + ": is a directory", () -> CsvReader.read(dir));
  }
}
