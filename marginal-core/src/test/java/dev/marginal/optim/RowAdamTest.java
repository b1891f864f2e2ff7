package dev.marginal.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowAdamTest {
  private static final int ROWS = 6;

  private static List<Parameter> params(long seed) {
    RngKey key = RngKey.of(seed);
    return List.of(new Parameter("loc", Tensor.wrap(key.foldIn(0).normals(ROWS * 3), ROWS, 3)),
        new Parameter("logVar", Tensor.wrap(key.foldIn(1).normals(ROWS * 2), ROWS, 2)));
  }

  /** Writes a gradient for step s into every row of every parameter (rows outside a batch are never read). */
  private static void setGradients(List<Parameter> ps, int s) {
    for (int i = 0; i < ps.size(); i++) {
      float[] g = ps.get(i).gradBuffer();
      float[] noise = RngKey.of(99).foldIn(s).foldIn(i).normals(g.length);
      System.arraycopy(noise, 0, g, 0, g.length);
    }
  }

  @Test
  void matchesDenseAdamBitForBitWhenEveryRowIsInEveryBatch() {
    List<Parameter> dense = params(1);
    List<Parameter> sparse = params(1);
    LearningRate lr = LearningRate.exponential(0.05, 0.9, 3);
    Adam adam = new Adam(dense, lr);
    RowAdam rowAdam = new RowAdam(sparse, lr);
    int[] all = {5, 0, 3, 1, 4, 2};
    for (int s = 0; s < 25; s++) {
      setGradients(dense, s);
      setGradients(sparse, s);
      adam.step();
      rowAdam.step(all);
    }
    for (int i = 0; i < dense.size(); i++) {
      assertArrayEquals(dense.get(i).value().toArray(), sparse.get(i).value().toArray(), "parameter " + i);
    }
  }

  @Test
  void changesOnlyTheBatchRows() {
    List<Parameter> ps = params(2);
    RowAdam opt = new RowAdam(ps, LearningRate.constant(0.1));
    float[][] before = {ps.get(0).value().toArray(), ps.get(1).value().toArray()};
    setGradients(ps, 0);
    int[] batch = {1, 4};
    opt.step(batch);
    for (int i = 0; i < ps.size(); i++) {
      float[] after = ps.get(i).value().toArray();
      int w = ps.get(i).shape()[1];
      for (int r = 0; r < ROWS; r++) {
        boolean inBatch = r == 1 || r == 4;
        for (int j = 0; j < w; j++) {
          if (inBatch) {
            assertFalse(before[i][r * w + j] == after[r * w + j], "batch row " + r + " moved");
          } else {
            assertEquals(before[i][r * w + j], after[r * w + j], 0f, "row " + r + " stays");
          }
        }
      }
    }
    assertEquals(1, opt.steps(1));
    assertEquals(0, opt.steps(0));
  }

  @Test
  void eachRowFollowsDenseAdamOnItsOwnGradientSequence() {
    // Row 2 is updated at three of six steps; dense Adam on a one-row parameter fed the same three gradients
    // must land on the same value, since the bias correction uses the row's own step count.
    List<Parameter> ps = params(3);
    float[] row2 = java.util.Arrays.copyOfRange(ps.get(0).value().toArray(), 6, 9);
    Parameter single = new Parameter("single", Tensor.wrap(row2, 1, 3));
    RowAdam opt = new RowAdam(ps, LearningRate.constant(0.1));
    Adam adam = new Adam(List.of(single), LearningRate.constant(0.1));
    for (int s = 0; s < 6; s++) {
      setGradients(ps, s);
      boolean hit = s % 2 == 0;
      if (hit) {
        System.arraycopy(ps.get(0).gradBuffer(), 6, single.gradBuffer(), 0, 3);
        adam.step();
      }
      opt.step(hit ? new int[] {2, 0} : new int[] {0});
    }
    assertArrayEquals(single.value().toArray(), java.util.Arrays.copyOfRange(ps.get(0).value().toArray(), 6, 9));
    assertEquals(3, opt.steps(2));
    assertEquals(6, opt.steps(0));
  }

  /** As for {@link Adam}: a gradient whose square overflows leaves the second moments at the largest float. */
  @Test
  void aGradientWhoseSquareOverflowsLeavesTheStateFinite() {
    List<Parameter> ps = params(6);
    RowAdam opt = new RowAdam(ps, LearningRate.constant(0.05));
    for (int s = 0; s < 3; s++) {
      setGradients(ps, s);
      ps.get(0).gradBuffer()[3 * 2 + 1] = -3e30f;
      opt.step(new int[] {2, 4});
    }
    opt.state().forEach((name, values) -> {
      for (int j = 0; j < values.length; j++) {
        assertTrue(Float.isFinite(values[j]), name + " element " + j + " is " + values[j]);
      }
    });
    for (float w : ps.get(0).value().toArray()) {
      assertTrue(Float.isFinite(w), "weight " + w);
    }
  }

  @Test
  void stateRoundTripContinuesIdentically() {
    List<Parameter> a = params(4);
    List<Parameter> b = params(4);
    RowAdam oa = new RowAdam(a, LearningRate.constant(0.05));
    RowAdam ob = new RowAdam(b, LearningRate.constant(0.05));
    for (int s = 0; s < 4; s++) {
      setGradients(a, s);
      setGradients(b, s);
      oa.step(new int[] {s % ROWS, 3});
      ob.step(new int[] {s % ROWS, 3});
    }
    RowAdam restored = new RowAdam(b, LearningRate.constant(0.05));
    restored.restore(ob.state());
    for (int s = 4; s < 9; s++) {
      setGradients(a, s);
      setGradients(b, s);
      oa.step(new int[] {s % ROWS, 3});
      restored.step(new int[] {s % ROWS, 3});
    }
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray());
    }
  }
}
