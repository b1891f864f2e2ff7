package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.random.RngKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardizerTest {
  @Test
  void standardizedColumnsHaveZeroMeanAndUnitSd() {
    float[] e = RngKey.of(4).normals(3000);
    float[] x = new float[3000];
    for (int i = 0; i < 1000; i++) {
      x[3 * i] = 1000 + 0.01f * e[3 * i];
      x[3 * i + 1] = -5 + 20 * e[3 * i + 1];
      x[3 * i + 2] = 0.1f;
    }
    Dataset data = Dataset.of("test", List.of("a", "b", "c"), x);
    Standardizer s = Standardizer.fit(data);
    Standardizer z = Standardizer.fit(s.apply(data));
    assertEquals(0, z.mean()[0], 1e-4);
    assertEquals(0, z.mean()[1], 1e-6);
    assertEquals(1, z.sd()[0], 1e-3);
    assertEquals(1, z.sd()[1], 1e-6);
  }

  @Test
  void constantColumnIsCentredButNotScaled() {
    float[] x = {0.1f, 1, 0.1f, 2, 0.1f, 3};
    Standardizer s = Standardizer.fit(Dataset.of("test", List.of("c", "v"), x));
    assertEquals(1.0, s.sd()[0]);
    assertEquals(0.1f, (float) s.mean()[0]);
    assertEquals(Math.sqrt(2.0 / 3), s.sd()[1], 1e-15);
    float[] z = s.apply(x);
    assertEquals(0f, z[0], 1e-7f);
  }

  @Test
  void invertUndoesApply() {
    float[] x = RngKey.of(5).normals(400);
    for (int i = 0; i < x.length; i++) {
      x[i] = x[i] * (1 + i % 4) + 3 * (i % 4);
    }
    Standardizer s = Standardizer.fit(Dataset.of("test", List.of("a", "b", "c", "d"), x));
    float[] back = s.invert(s.apply(x));
    for (int i = 0; i < x.length; i++) {
      assertEquals(x[i], back[i], 1e-5f * (1 + Math.abs(x[i])));
    }
  }

  /** Columns far from 0 and of other scales, one constant: where summation order shows in the last bits. */
  private static Dataset spread(int n) {
    float[] e = RngKey.of(6).normals(3 * n);
    float[] x = new float[3 * n];
    for (int i = 0; i < n; i++) {
      x[3 * i] = 1000 + 0.01f * e[3 * i];
      x[3 * i + 1] = -5 + 20 * e[3 * i + 1];
      x[3 * i + 2] = 0.1f;
    }
    return Dataset.of("spread", List.of("a", "b", "c"), x);
  }

  @Test
  void blocksOfAllRowsAreTheOnePassFit() {
    for (int n : new int[] {1, 7, 2048}) {
      Dataset d = spread(n);
      assertEquals(Standardizer.fit(d), Standardizer.fitInBlocks(d, 2048), "n " + n);
      assertEquals(Standardizer.fit(d), Standardizer.fitInBlocks(d, Integer.MAX_VALUE), "n " + n);
    }
  }

  @Test
  void sumsInBlocksAgreeWithOnePassToRounding() {
    Dataset d = spread(5000);
    Standardizer one = Standardizer.fit(d);
    for (int block : new int[] {1, 2048, 4999}) {
      Standardizer blocks = Standardizer.fitInBlocks(d, block);
      for (int j = 0; j < 3; j++) {
        assertEquals(one.mean()[j], blocks.mean()[j], 1e-13 * Math.abs(one.mean()[j]), "mean " + j);
        assertEquals(one.sd()[j], blocks.sd()[j], 1e-10 * one.sd()[j], "sd " + j);
      }
      assertEquals(1.0, blocks.sd()[2], 0.0, "a constant column is centred, not scaled");
    }
  }

  @Test
  void savedArraysRestoreAnEqualStandardizer() {
    Standardizer s = new Standardizer(new double[] {1, 2}, new double[] {3, 4});
    Standardizer restored = new Standardizer(s.mean(), s.sd());
    assertEquals(s, restored);
    assertArrayEquals(new float[] {0, 0.5f}, s.apply(new float[] {1, 4}));
  }
}
