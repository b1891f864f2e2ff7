package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
  private static boolean installed() {
    return Files.isRegularFile(FashionMnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte.gz"));
  }

  private static void assertFashionMnist(Dataset d, int rows, String source) {
    assertEquals(rows, d.rows());
    assertEquals(784, d.cols());
    assertEquals(source, d.source());
    assertEquals(new Dataset.ImageShape(28, 28), d.imageShape().orElseThrow());
    int[] counts = new int[10];
    for (int y : d.labels()) {
      assertTrue(y >= 0 && y <= 9, "label " + y);
      counts[y]++;
    }
    for (int c : counts) {
      assertEquals(rows / 10, c, "the published splits are balanced");
    }
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : d.values()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertEquals(0f, min);
    assertEquals(1f, max);
  }

  @Test
  void loadsBothSplitsWhenInstalled() {
    assumeTrue(installed(), "dataset-fashion-mnist is not installed");
    assertFashionMnist(FashionMnist.load(FashionMnist.Split.TEST, FashionMnist.DEFAULT_DIR), 10_000,
        "fashion-mnist:test");
    assertFashionMnist(FashionMnist.load(FashionMnist.Split.TRAIN, FashionMnist.DEFAULT_DIR), 60_000,
        "fashion-mnist:train");
  }

  @Test
  void missingDatasetSaysHowToInstallIt(@TempDir Path empty) {
    String old = System.getProperty(FashionMnist.DIR_PROPERTY);
    System.setProperty(FashionMnist.DIR_PROPERTY, empty.toString());
    try {
      assertEquals(empty, FashionMnist.directory());
      DataException e = assertThrows(DataException.class, () -> FashionMnist.load("train"));
      assertEquals("fashion-mnist: dataset not found in " + empty
          + " (install it with: apt-get install -y dataset-fashion-mnist)", e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(FashionMnist.DIR_PROPERTY);
      } else {
        System.setProperty(FashionMnist.DIR_PROPERTY, old);
      }
    }
  }

  @Test
  void unknownSplitListsTheValidOnes() {
    DataException e = assertThrows(DataException.class, () -> FashionMnist.load("validation"));
    assertEquals("fashion-mnist: unknown split 'validation' (expected train or test)", e.getMessage());
  }
}
