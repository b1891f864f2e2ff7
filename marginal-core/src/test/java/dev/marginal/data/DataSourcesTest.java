package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
  private static final String FORMS = "a .csv or .csv.gz file, an IDX file (.idx, .gz, -ubyte),"
      + " fashion-mnist:train|test, or toy:NAME[?n=N&seed=S] with NAME one of moons, 8gaussians, rings, checkerboard, pinwheel, 2spirals,"
      + " circles, funnel";

  @TempDir Path dir;

  private static void assertMessage(String expected, String spec) {
    DataException e = assertThrows(DataException.class, () -> DataSources.load(spec));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void toySpecUsesDefaultsAndRecordsThemInTheSource() {
    Dataset d = DataSources.load("toy:moons");
    assertEquals(2000, d.rows());
    assertEquals("toy:moons?n=2000&seed=0", d.source());
    assertArrayEquals(ToyData.generate("moons", 2000, RngKey.of(0)).values(), d.values());
  }

  @Test
  void toySpecOptionsSetRowsAndSeed() {
    Dataset d = DataSources.load("toy:8gaussians?n=50&seed=3");
    assertEquals("toy:8gaussians?n=50&seed=3", d.source());
    assertArrayEquals(ToyData.generate("8gaussians", 50, RngKey.of(3)).values(), d.values());
    assertEquals(List.of("x1"), DataSources.load("toy:funnel?n=5", List.of("x1")).columns());
  }

  @Test
  void badToySpecsNameTheProblem() {
    assertMessage("toy:spiral: unknown toy dataset (expected one of moons, 8gaussians, rings, checkerboard,"
        + " pinwheel, 2spirals, circles, funnel)", "toy:spiral?n=10");
    assertMessage("toy:moons?size=3: unknown option 'size' (expected n=ROWS or seed=SEED)", "toy:moons?size=3");
    assertMessage("toy:moons?n=-3: n must be an integer from 1 to 2147483647, got '-3'", "toy:moons?n=-3");
    assertMessage("toy:moons?seed=x: seed must be an integer, got 'x'", "toy:moons?seed=x");
    // The last of two would win unseen: refused instead.
    assertMessage("toy:moons?seed=1&seed=2: seed given twice", "toy:moons?seed=1&seed=2");
    assertMessage("toy:moons?n=5&seed=1&n=6: n given twice", "toy:moons?n=5&seed=1&n=6");
  }

  @Test
  void unknownSchemesAndFileKindsListTheValidForms() {
    assertMessage("mnist:train: unknown data source (expected " + FORMS + ")", "mnist:train");
    assertMessage("data.txt: unknown kind of file (expected " + FORMS + ")", "data.txt");
    assertMessage("no data source given (expected " + FORMS + ")", " ");
  }

  @Test
  void fashionMnistSpecNamesTheSplit() {
    assertMessage("fashion-mnist: unknown split 'valid' (expected train or test)", "fashion-mnist:valid");
  }

  @Test
  void csvPathReadsTheChosenColumns() throws IOException {
    Path p = dir.resolve("d.CSV");
    Files.writeString(p, "a,b\n1,2\n3,4\n");
    Dataset d = DataSources.load(p.toString(), List.of("b"));
    assertArrayEquals(new float[] {2, 4}, d.values());
    assertMessage(dir.resolve("missing.csv") + ": no such file", dir.resolve("missing.csv").toString());
  }

  @Test
  void gzippedCsvIsReadAsCsv() throws IOException {
    Path p = dir.resolve("d.csv.gz");
    Files.write(p, IdxReaderTest.gzip("a,b\n1,2\n3,4\n5,6\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(List.of(p), DataSources.files(p.toString()));
    assertEquals(List.of("a", "b"), DataSources.columns(p.toString()));
    Dataset d = DataSources.load(p.toString(), List.of("b"), 2);
    assertArrayEquals(new float[] {2, 4}, d.values());
    assertEquals(p.toString(), d.source());
    Path cut = dir.resolve("cut.csv.gz");
    byte[] gz = Files.readAllBytes(p);
    Files.write(cut, java.util.Arrays.copyOf(gz, gz.length - 6));
    assertMessage(cut + ": truncated gzip stream", cut.toString());
  }

  @Test
  void columnsAreKnownWithoutParsingValues() throws IOException {
    Path p = dir.resolve("labelled.csv");
    Files.writeString(p, "\uFEFFa,\"b c\",label\n1,2,cat\n3,4,dog\n");
    assertEquals(List.of("a", "b c", "label"), DataSources.columns(p.toString()));
    assertEquals(List.of("x0", "x1"), DataSources.columns("toy:rings?n=3&seed=1"));
    DataException badToy = assertThrows(DataException.class, () -> DataSources.columns("toy:moons?k=1"));
    assertEquals("toy:moons?k=1: unknown option 'k' (expected n=ROWS or seed=SEED)", badToy.getMessage());
    Path images = dir.resolve("t10k-images-idx3-ubyte");
    Files.write(images, IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {3, 2, 2}, IdxReaderTest.pixels(12, 9)));
    assertEquals(List.of("px0", "px1", "px2", "px3"), DataSources.columns(images.toString()));
    assertEquals(DataSources.load(images.toString()).columns(), DataSources.columns(images.toString()));
    Path noImages = dir.resolve("none-images.idx");
    Files.write(noImages, IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {0, 2, 2}, new byte[0]));
    DataException none = assertThrows(DataException.class, () -> DataSources.columns(noImages.toString()));
    assertEquals(noImages + ": no data rows", none.getMessage());
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "");
    DataException e = assertThrows(DataException.class, () -> DataSources.columns(empty.toString()));
    assertEquals(empty + ": empty file (a header row is required)", e.getMessage());
    e = assertThrows(DataException.class, () -> DataSources.columns(dir.resolve("absent.csv").toString()));
    assertEquals(dir.resolve("absent.csv") + ": no such file", e.getMessage());
  }

  @Test
  void twoAndOneDimensionalIdxFilesLoadWithPixelColumnNames() throws IOException {
    Path matrix = dir.resolve("table-idx2-ubyte");
    Files.write(matrix, IdxReaderTest.idx(IdxReader.MATRIX_MAGIC, new int[] {4, 3}, IdxReaderTest.pixels(12, 3)));
    Dataset m = DataSources.load(matrix.toString(), List.of(), 2);
    assertEquals(2, m.rows());
    assertEquals(List.of("px0", "px1", "px2"), m.columns());
    assertEquals(m.columns(), DataSources.columns(matrix.toString()));
    Dataset picked = DataSources.load(matrix.toString(), List.of("px2", "px0"));
    assertEquals(List.of("px2", "px0"), picked.columns());
    assertEquals(m.get(1, 2), picked.get(1, 0));
    Path column = dir.resolve("column.idx");
    Files.write(column, IdxReaderTest.idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {0, (byte) 255}));
    Dataset c = DataSources.load(column.toString());
    assertEquals(2, c.rows());
    assertEquals(List.of("px0"), c.columns());
    assertEquals(c.columns(), DataSources.columns(column.toString()));
    assertEquals(1f, c.get(1, 0));
  }

  @Test
  void idxPathAttachesASiblingLabelsFile() throws IOException {
    byte[] body = IdxReaderTest.pixels(3 * 2 * 2, 9);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    Files.write(images, IdxReaderTest.gzip(IdxReaderTest.idx(IdxReader.IMAGES_MAGIC, new int[] {3, 2, 2}, body)));
    Dataset unlabelled = DataSources.load(images.toString());
    assertFalse(unlabelled.hasLabels());
    assertEquals(3, unlabelled.rows());
    Files.write(dir.resolve("train-labels-idx1-ubyte.gz"),
        IdxReaderTest.gzip(IdxReaderTest.idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {5, 6, 7})));
    Dataset labelled = DataSources.load(images.toString());
    assertTrue(labelled.hasLabels());
    assertArrayEquals(new int[] {5, 6, 7}, labelled.labels());
  }
}
