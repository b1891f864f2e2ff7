package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.models.GmmOptions;
import dev.marginal.random.RngKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model takes a data set's columns by position. Data whose columns are the model's under another order would be
 * scored with each value in another column's place, so they are refused; other names are mapped by position.
 */
class ColumnOrderTest {
  private static final RngKey KEY = RngKey.of(5);

  /** Three correlated columns a, b, c of unequal scales, so that a swap changes every density. */
  private static Dataset abc() {
    int n = 200;
    float[] x = new float[n * 3];
    for (int i = 0; i < n; i++) {
      double t = Math.sin(0.37 * i) * 2;
      x[i * 3] = (float) t;
      x[i * 3 + 1] = (float) (0.5 * t + Math.cos(1.3 * i));
      x[i * 3 + 2] = (float) (3 + 0.1 * Math.sin(2.9 * i));
    }
    return Dataset.of("abc.csv", List.of("a", "b", "c"), x);
  }

  /** The same values as {@code data}'s, columns in the order c, a, b under those names. */
  private static Dataset cab(Dataset data) {
    float[] v = data.values();
    float[] x = new float[v.length];
    for (int i = 0; i < data.rows(); i++) {
      x[i * 3] = v[i * 3 + 2];
      x[i * 3 + 1] = v[i * 3];
      x[i * 3 + 2] = v[i * 3 + 1];
    }
    return Dataset.of("cab.csv", List.of("c", "a", "b"), x);
  }

  @Test
  void theModelsColumnsInAnotherOrderAreRefusedForScoringAndEncoding() {
    Dataset data = abc();
    List<DensityModel> models = List.of(GmmDensityModel.fit(data, GmmOptions.of(2)).model(),
        PpcaDensityModel.fit(data, 1).model());
    String expected = "cab.csv: the model's columns in another order (column 1 is 'c', the model's 'a'); columns"
        + " are taken by position: select the model's by name (Dataset.select), or rename these"
        + " (Dataset.withColumns) to keep their order";
    for (DensityModel m : models) {
      Dataset shuffled = cab(data);
      assertEquals(expected, assertThrows(DataException.class, () -> m.logDensity(shuffled, KEY)).getMessage(),
          m.kind());
      assertEquals(expected, assertThrows(DataException.class, () -> m.encode(shuffled)).getMessage(), m.kind());
      // Selected by name, they give the values of the data in the model's order, bit for bit.
      double[] byName = m.logDensity(shuffled.select("a", "b", "c"), KEY).value();
      assertArrayEquals(m.logDensity(data, KEY).value(), byName, m.kind());
    }
  }

  @Test
  void otherNamesAreTakenByPositionAndWithColumnsMapsThemOntoTheModels() {
    Dataset data = abc();
    DensityModel m = GmmDensityModel.fit(data, GmmOptions.of(2)).model();
    double[] expected = m.logDensity(data, KEY).value();
    Dataset renamed = data.withColumns(List.of("x", "y", "z"));
    assertEquals(List.of("x", "y", "z"), renamed.columns());
    assertArrayEquals(expected, m.logDensity(renamed, KEY).value());
    // A deliberate reordering under the model's names: the values of column c scored as the model's a, and so on.
    Dataset shuffled = cab(data).withColumns(m.columns());
    double[] swapped = m.logDensity(shuffled, KEY).value();
    assertEquals(expected.length, swapped.length);
    assertNotEquals(expected[0], swapped[0]);
    // Rows given as arrays take the model's names.
    float[][] rows = data.toRows();
    assertArrayEquals(expected, m.logDensity(rows, m.defaultScoreOptions(), KEY).value());
  }

  @Test
  void withColumnsNeedsOneUniqueNamePerColumn() {
    Dataset data = abc();
    assertThrows(IllegalArgumentException.class, () -> data.withColumns(List.of("a", "b")));
    assertEquals("abc.csv: duplicate column 'a'",
        assertThrows(DataException.class, () -> data.withColumns(List.of("a", "a", "b"))).getMessage());
  }
}
