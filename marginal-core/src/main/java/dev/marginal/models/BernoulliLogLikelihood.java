package dev.marginal.models;

import dev.marginal.autodiff.Tape;
import dev.marginal.distributions.Bernoulli;
import dev.marginal.nn.Mlp;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;

/**
 * log p(x|z) of a Bernoulli MLP decoder for evaluation, without gradients: the hidden layers as usual, then the
 * output layer a block of rows at a time (product, bias, log mass), so the {@code [N, D]} logits are never held
 * whole and each block is summed while it is still in cache. The observation rows are read in place by index
 * rather than gathered into an {@code [N, D]} copy.
 *
 * <p>Every value is the same sequence of operations as {@code Bernoulli.ofLogits(decoder.apply(z)).logProb(x)}
 * (each element of a product is summed in the same order whatever the number of rows), so results are
 * bit-identical to the taped path.
 */
final class BernoulliLogLikelihood {
  /** Rows of logits per block: 256 × 784 floats (800 KB) stay in cache between the product and the sums. */
  static final int ROWS_PER_BLOCK = 256;
  /** Elements per chunk of the row sums; whole rows, fixed by shape, so results never depend on threads. */
  private static final int ROW_CHUNK_ELEMENTS = 1 << 15;

  private BernoulliLogLikelihood() {}

  /**
   * log p(x_{rows[t]} | z_t) for each t.
   *
   * @param decoder the decoder, giving logits {@code [N, D]}
   * @param x observations {@code [B, D]}
   * @param rows the row of {@code x} for each latent row
   * @param z latents {@code [N, d]}
   * @return shape {@code [N]}
   */
  static Tensor evaluate(Mlp decoder, Tensor x, int[] rows, Tensor z) {
    Tape tape = Tape.forEvaluation();
    float[] h = decoder.hidden(tape, tape.constant(z)).value().buffer();
    int last = decoder.weights().size() - 1;
    float[] w = decoder.weights().get(last).value().buffer();
    float[] bias = decoder.biases().get(last).value().buffer();
    int in = decoder.sizes()[last];
    int d = decoder.outputSize();
    int n = rows.length;
    float[] out = new float[n];
    float[] logits = new float[Math.min(n, ROWS_PER_BLOCK) * d];
    for (int r0 = 0; r0 < n; r0 += ROWS_PER_BLOCK) {
      int m = Math.min(ROWS_PER_BLOCK, n - r0);
      Kernels.get().gemm(false, false, m, d, in, h, r0 * in, w, 0, logits, 0, false);
      sumBlock(x.buffer(), rows, r0, m, logits, bias, out);
    }
    return Tensor.wrap(out, n);
  }

  /** Adds the bias to rows {@code [r0, r0 + m)} of logits held from index 0 and writes their log mass. */
  private static void sumBlock(float[] x, int[] rows, int r0, int m, float[] logits, float[] bias, float[] out) {
    int d = bias.length;
    int rowsPerChunk = Math.max(1, ROW_CHUNK_ELEMENTS / d);
    int chunks = (m + rowsPerChunk - 1) / rowsPerChunk;
    Parallel.forEach(chunks, chunks > 1, c -> {
      int from = c * rowsPerChunk;
      int count = Math.min(m, from + rowsPerChunk) - from;
      int[] xOffsets = new int[count];
      for (int i = 0; i < count; i++) {
        int base = (from + i) * d;
        for (int j = 0; j < d; j++) {
          logits[base + j] += bias[j];
        }
        xOffsets[i] = rows[r0 + from + i] * d;
      }
      Bernoulli.logProbOfRows(x, xOffsets, logits, from * d, d, count, out, r0 + from);
    });
  }
}
