package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Kernels that split large tensors into fixed chunks for the kernel threads: on one thread and on several they give
 * the bits of the plain loop, for sizes that are not a multiple of the chunk.
 */
class ChunkedKernelsTest {
  private static final int ROWS = 1003;
  private static final int COLS = 50;
  private final Tensor a = Tensor.wrap(RngKey.of(11).normals(ROWS * COLS), ROWS, COLS);
  private final Tensor b = Tensor.wrap(RngKey.of(12).normals(ROWS * COLS), ROWS, COLS);

  @Test
  void theTensorsSpanSeveralChunks() {
    assertTrue(ROWS * COLS > 4 * Elementwise.CHUNK);
  }

  @Test
  void sameShapeBinaryOpsAreThePlainLoop() {
    float[] x = a.buffer();
    float[] y = b.buffer();
    int n = x.length;
    float[] add = new float[n];
    float[] sub = new float[n];
    float[] mul = new float[n];
    float[] div = new float[n];
    for (int i = 0; i < n; i++) {
      add[i] = x[i] + y[i];
      sub[i] = x[i] - y[i];
      mul[i] = x[i] * y[i];
      div[i] = x[i] / y[i];
    }
    onEveryThreadCount(add, () -> a.add(b));
    onEveryThreadCount(sub, () -> a.sub(b));
    onEveryThreadCount(mul, () -> a.mul(b));
    onEveryThreadCount(div, () -> a.div(b));
  }

  @Test
  void rowSumsAreEachRowsOwnRunSum() {
    float[] x = a.buffer();
    float[] expected = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      expected[r] = (float) Reductions.sumRun(x, r * COLS, COLS);
    }
    onEveryThreadCount(expected, () -> a.sum(-1, false));
  }

  @Test
  void gatherCopiesTheIndexedRows() {
    int[] index = new int[2 * ROWS + 7];
    for (int i = 0; i < index.length; i++) {
      index[i] = (int) ((i * 7919L) % ROWS);
    }
    float[] x = a.buffer();
    float[] expected = new float[index.length * COLS];
    for (int i = 0; i < index.length; i++) {
      System.arraycopy(x, index[i] * COLS, expected, i * COLS, COLS);
    }
    onEveryThreadCount(expected, () -> a.gather(index));
    int[] bad = index.clone();
    bad[index.length - 1] = ROWS;
    assertThrows(IndexOutOfBoundsException.class, () -> Parallel.withThreads(2, () -> a.gather(bad)));
  }

  /** Log-sum-exp of each line, along the rows' axis (contiguous lines) and down the columns (strided ones). */
  @Test
  void logSumExpIsEachLinesOwn() {
    float[] x = a.buffer();
    assertTrue(ROWS > 2 * Reductions.LOG_SUM_EXP_CHUNK / COLS, "several chunks of lines");
    float[] rows = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      rows[r] = logSumExp(x, r * COLS, 1, COLS);
    }
    onEveryThreadCount(rows, () -> a.logSumExp(-1, false));
    Tensor tall = Tensor.wrap(x, COLS, ROWS);
    float[] columns = new float[ROWS];
    for (int c = 0; c < ROWS; c++) {
      columns[c] = logSumExp(x, c, ROWS, COLS);
    }
    onEveryThreadCount(columns, () -> tall.logSumExp(0, false));
  }

  private static float logSumExp(float[] x, int base, int stride, int len) {
    double m = Double.NEGATIVE_INFINITY;
    for (int l = 0; l < len; l++) {
      m = Math.max(m, x[base + l * stride]);
    }
    double s = 0;
    for (int l = 0; l < len; l++) {
      s += StrictMath.exp(x[base + l * stride] - m);
    }
    return (float) (m + StrictMath.log(s));
  }

  /** One value per row repeated along the last axis (a row sum's gradient). */
  @Test
  void broadcastAlongTheLastAxisRepeatsEachRow() {
    float[] x = a.buffer();
    Tensor column = Tensor.wrap(java.util.Arrays.copyOf(x, ROWS), ROWS, 1);
    float[] expected = new float[ROWS * COLS];
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < COLS; c++) {
        expected[r * COLS + c] = x[r];
      }
    }
    onEveryThreadCount(expected, () -> column.broadcastTo(ROWS, COLS));
  }

  private static void onEveryThreadCount(float[] expected, Supplier<Tensor> op) {
    for (int threads : new int[] {1, 2, 3}) {
      Tensor out = Parallel.withThreads(threads, op);
      assertArrayEquals(expected, out.buffer(), "threads " + threads);
    }
  }
}
