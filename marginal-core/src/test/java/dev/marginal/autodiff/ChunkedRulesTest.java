package dev.marginal.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Backward rules split into fixed chunks give the plain loop's bits on any number of threads. */
class ChunkedRulesTest {
  private static final int ROWS = 1003;
  private static final int COLS = 50;
  private final Tensor g = Tensor.wrap(RngKey.of(21).normals(ROWS * COLS), ROWS, COLS);
  private final Tensor x = Tensor.wrap(RngKey.of(22).normals(ROWS * COLS), ROWS, COLS);

  @Test
  void theTensorsSpanSeveralChunks() {
    assertTrue(ROWS * COLS > 4 * Rules.ROW_CHUNK_ELEMENTS);
  }

  @Test
  void mulAffineIsThePlainLoop() {
    float[] gd = g.buffer();
    float[] xd = x.buffer();
    float[] expected = new float[gd.length];
    for (int i = 0; i < gd.length; i++) {
      expected[i] = gd[i] * (2f * xd[i] + 0.5f);
    }
    onEveryThreadCount(expected, () -> Rules.mulAffine(g, x, 2f, 0.5f));
  }

  /** Repeated rows add their gradients in order of the index, as the serial loop does, whatever the chunking. */
  @Test
  void scatterAddSumsEachRowInIndexOrder() {
    int outRows = 37;
    int[] index = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      index[i] = (int) ((i * 7919L + i / 3) % outRows);
    }
    float[] gd = g.buffer();
    float[] expected = new float[outRows * COLS];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < COLS; j++) {
        expected[index[i] * COLS + j] += gd[i * COLS + j];
      }
    }
    onEveryThreadCount(expected, () -> Rules.scatterAdd(g, index, new int[] {outRows, COLS}));
  }

  /** The softmax-weighted gradient of each line's log-sum-exp, contiguous lines and strided ones. */
  @Test
  void logSumExpGradIsEachLinesOwnSoftmax() {
    float[] xd = x.buffer();
    float[] gRows = java.util.Arrays.copyOf(g.buffer(), ROWS);
    float[] rows = new float[ROWS * COLS];
    for (int r = 0; r < ROWS; r++) {
      softmaxTimes(gRows[r], xd, r * COLS, 1, COLS, rows);
    }
    onEveryThreadCount(rows, () -> Rules.logSumExpGrad(Tensor.wrap(gRows, ROWS), x, -1));
    Tensor tall = Tensor.wrap(xd, COLS, ROWS);
    float[] columns = new float[ROWS * COLS];
    for (int c = 0; c < ROWS; c++) {
      softmaxTimes(gRows[c], xd, c, ROWS, COLS, columns);
    }
    onEveryThreadCount(columns, () -> Rules.logSumExpGrad(Tensor.wrap(gRows, ROWS), tall, 0));
  }

  /** {@code gi · softmax} of one line, each exponential computed where it is used. */
  private static void softmaxTimes(float gi, float[] v, int base, int stride, int len, float[] out) {
    double m = Double.NEGATIVE_INFINITY;
    for (int l = 0; l < len; l++) {
      m = Math.max(m, v[base + l * stride]);
    }
    double s = 0;
    for (int l = 0; l < len; l++) {
      s += StrictMath.exp(v[base + l * stride] - m);
    }
    for (int l = 0; l < len; l++) {
      out[base + l * stride] = (float) (gi / s * StrictMath.exp(v[base + l * stride] - m));
    }
  }

  private static void onEveryThreadCount(float[] expected, Supplier<Tensor> op) {
    for (int threads : new int[] {1, 2, 3}) {
      Tensor out = Parallel.withThreads(threads, op);
      assertArrayEquals(expected, out.buffer(), "threads " + threads);
    }
  }
}
