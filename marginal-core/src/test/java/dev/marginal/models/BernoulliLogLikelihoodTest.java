package dev.marginal.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.data.Binarization;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.Iwae;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The evaluation path of a Bernoulli decoder gives the taped path's values bit for bit. */
class BernoulliLogLikelihoodTest {
  private static DeepLvm model(int dataDim, int[] hidden) {
    return model(dataDim, hidden, Activation.TANH);
  }

  private static DeepLvm model(int dataDim, int[] hidden, Activation activation) {
    float[] mean = RngKey.of(11).uniforms(dataDim);
    return DeepLvm.create(new DeepLvm.Config(dataDim, 3, hidden, activation, DeepLvm.Decoder.BERNOULLI),
        RngKey.of(12), mean);
  }

  /**
   * Rows that cross several blocks, with a partial last block, on a small and an image-sized decoder with tanh
   * (layers without a tape) and ReLU (layers on an evaluation tape), two hidden layers in the last case.
   */
  @Test
  void evaluationPathMatchesTheTapedPathBitForBit() {
    for (int[] shape : new int[][] {{2, 4, 0}, {37, 16, 0}, {784, 200, 0}, {37, 16, 1}, {784, 200, 2}}) {
      Activation act = shape[2] == 1 ? Activation.RELU : Activation.TANH;
      DeepLvm m = model(shape[0], shape[2] == 2 ? new int[] {shape[1], 64} : new int[] {shape[1]}, act);
      int b = 3;
      int n = 2 * BernoulliLogLikelihood.ROWS_PER_BLOCK + 7;
      Tensor x = Tensor.wrap(Binarization.binarize(RngKey.of(13).uniforms(b * shape[0]), RngKey.of(14)), b,
          shape[0]);
      int[] rows = new int[n];
      for (int t = 0; t < n; t++) {
        rows[t] = (t * 7) % b;
      }
      Tensor z = Tensor.wrap(RngKey.of(15).normals(n * 3), n, 3);
      Tape taped = new Tape();
      float[] expected = m.logLikelihood(taped.constant(x.gather(rows)), taped.constant(z)).value().toArray();
      // The blocks' rows depend on the thread count; the values must not.
      for (int threads = 1; threads <= 3; threads++) {
        float[][] actual = new float[1][];
        Parallel.withThreads(threads, () -> {
          Tape eval = Tape.forEvaluation();
          actual[0] = m.logLikelihood(eval.constant(x), rows, eval.constant(z)).value().toArray();
          assertEquals(0, eval.size());
        });
        assertArrayEquals(expected, actual[0], 0f, "data dimension " + shape[0] + ", " + act + ", " + threads
            + " threads");
      }
    }
  }

  /**
   * Blocks hold at most {@code ROWS_PER_BLOCK} rows, as few as that allows, in a number the threads share evenly
   * (where there is more than one), and never more blocks than rows.
   */
  @Test
  void blocksAreFewAndSharedEvenlyByTheThreads() {
    int max = BernoulliLogLikelihood.ROWS_PER_BLOCK;
    assertEquals(20, BernoulliLogLikelihood.blocks(5000, 1));
    assertEquals(20, BernoulliLogLikelihood.blocks(5000, 2));
    assertEquals(21, BernoulliLogLikelihood.blocks(5000, 3));
    assertEquals(1, BernoulliLogLikelihood.blocks(max, 2));
    assertEquals(2, BernoulliLogLikelihood.blocks(max + 1, 2));
    assertEquals(4, BernoulliLogLikelihood.blocks(max + 1, 4));
    assertEquals(0, BernoulliLogLikelihood.blocks(0, 2));
    for (int n = 1; n < 3000; n += 37) {
      for (int threads = 1; threads <= 4; threads++) {
        int blocks = BernoulliLogLikelihood.blocks(n, threads);
        int fewest = (n + max - 1) / max;
        assertEquals(true, blocks >= fewest && blocks <= n, n + " rows, " + threads + " threads: " + blocks);
        assertEquals(true, (n + blocks - 1) / blocks <= max, n + " rows in " + blocks + " blocks");
        if (fewest > 1) {
          assertEquals(0, blocks % threads, n + " rows, " + threads + " threads: " + blocks);
          assertEquals(true, blocks < fewest + threads, n + " rows, " + threads + " threads: " + blocks);
        }
      }
    }
  }

  @Test
  void iwaeEstimateIsTheSameForAnyThreadCount() {
    DeepLvm m = model(784, new int[] {200, 200});
    Tensor x = Tensor.wrap(Binarization.binarize(RngKey.of(16).uniforms(2 * 784), RngKey.of(17)), 2, 784);
    float[][] results = new float[2][];
    for (int t = 1; t <= 2; t++) {
      int index = t - 1;
      Parallel.withThreads(t, () -> {
        Tape tape = new Tape();
        DiagNormal q = m.posterior(tape, tape.constant(x));
        Var v = Iwae.of(600).logMarginal(m, tape.constant(x), q, RngKey.of(18).foldIn(0));
        double[] e = Iwae.of(600).estimate(m, x, q, RngKey.of(18), 1).mean();
        results[index] = new float[] {(float) e[0], (float) e[1]};
        assertArrayEquals(v.value().toArray(), results[index], 0f, "taped and evaluation paths");
      });
    }
    assertArrayEquals(results[0], results[1], 0f);
  }
}
