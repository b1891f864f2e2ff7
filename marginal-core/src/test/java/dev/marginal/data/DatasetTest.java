package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetTest {
  /** Rows i = 0..n-1 of (i, 10·i, 100·i) labelled i % 3. */
  private static Dataset table(int n) {
    float[] v = new float[3 * n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      v[3 * i] = i;
      v[3 * i + 1] = 10 * i;
      v[3 * i + 2] = 100 * i;
      labels[i] = i % 3;
    }
    return Dataset.of("table", List.of("a", "b", "c"), v).withLabels(labels);
  }

  @Test
  void accessorsReadRowMajorValues() {
    Dataset d = table(4);
    assertEquals(4, d.rows());
    assertEquals(3, d.cols());
    assertEquals(20f, d.get(2, 1));
    assertArrayEquals(new float[] {3, 30, 300}, d.row(3));
    d.row(3)[0] = -1;
    assertEquals(3f, d.get(3, 0), "row() returns a copy");
    assertSame(d.values(), d.values(), "values() does not copy");
    assertTrue(d.hasLabels());
    assertArrayEquals(new int[] {0, 1, 2, 0}, d.labels());
  }

  @Test
  void headKeepsTheFirstRowsAndClampsToSize() {
    Dataset d = table(10);
    Dataset h = d.head(3);
    assertEquals(3, h.rows());
    assertArrayEquals(Arrays.copyOf(d.values(), 9), h.values());
    assertArrayEquals(new int[] {0, 1, 2}, h.labels());
    assertEquals(10, d.head(50).rows());
    assertEquals("table", h.source());
  }

  @Test
  void selectReordersColumnsAndListsValidNamesOnError() {
    Dataset d = table(2).select("c", "a");
    assertEquals(List.of("c", "a"), d.columns());
    assertArrayEquals(new float[] {0, 0, 100, 1}, d.values());
    DataException e = assertThrows(DataException.class, () -> table(2).select("a", "z"));
    assertEquals("table: no column 'z' (columns: a, b, c)", e.getMessage());
  }

  @Test
  void selectKeepsImageShapeOnlyForAllColumnsInOrder() {
    Dataset img = Dataset.of("img", List.of("p0", "p1", "p2", "p3"), new float[8]).withImageShape(2, 2);
    assertTrue(img.select("p0", "p1", "p2", "p3").imageShape().isPresent());
    assertFalse(img.select("p0", "p1").imageShape().isPresent());
  }

  @Test
  void subsetLargerThanOneArrayIsRefusedNamingIndices() {
    List<String> cols = IntStream.range(0, 1000).mapToObj(j -> "x" + j).toList();
    Dataset wide = Dataset.of("wide", cols, new float[1000]);
    // 3,000,000 rows of 1000 columns: 3e9 values, which int arithmetic wraps to a negative size.
    var e = assertThrows(dev.marginal.config.ParameterException.class, () -> wide.subset(new int[3_000_000]));
    assertEquals(List.of("indices"), e.parameters());
    assertEquals("3000000 rows of 1000 columns would need an array of more than the 2147483639 values one array "
        + "holds", e.getMessage());
  }

  @Test
  void subsetTakesRowsAndLabelsInOrder() {
    Dataset s = table(5).subset(new int[] {4, 0, 4});
    assertArrayEquals(new float[] {4, 40, 400, 0, 0, 0, 4, 40, 400}, s.values());
    assertArrayEquals(new int[] {1, 0, 1}, s.labels());
  }

  @Test
  void splitPartitionsRowsDeterministically() {
    Dataset d = table(100);
    Dataset.Split a = d.split(0.8, RngKey.of(1));
    Dataset.Split b = d.split(0.8, RngKey.of(1));
    assertEquals(80, a.train().rows());
    assertEquals(20, a.validation().rows());
    assertArrayEquals(a.train().values(), b.train().values());
    float[] firstColumn = new float[100];
    int k = 0;
    for (Dataset part : List.of(a.train(), a.validation())) {
      for (int i = 0; i < part.rows(); i++) {
        firstColumn[k++] = part.get(i, 0);
      }
    }
    Arrays.sort(firstColumn);
    float[] all = new float[100];
    IntStream.range(0, 100).forEach(i -> all[i] = i);
    assertArrayEquals(all, firstColumn, "train and validation partition the rows");
    assertFalse(Arrays.equals(a.train().values(), d.split(0.8, RngKey.of(2)).train().values()));
  }

  @Test
  void labelsAreOptional() {
    Dataset d = Dataset.of("x", List.of("a"), new float[] {1, 2});
    assertFalse(d.hasLabels());
    IllegalStateException e = assertThrows(IllegalStateException.class, d::labels);
    assertEquals("x: the dataset has no labels", e.getMessage());
  }
}
