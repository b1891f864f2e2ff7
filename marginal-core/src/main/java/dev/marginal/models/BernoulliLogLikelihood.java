package dev.marginal.models;

import dev.marginal.autodiff.Tape;
import dev.marginal.distributions.Bernoulli;
import dev.marginal.nn.Mlp;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * log p(x|z) of a Bernoulli MLP decoder for evaluation, without gradients, a block of {@value #ROWS_PER_BLOCK}
 * rows at a time: each block runs the whole decoder (product, bias and activation per layer) and sums the log mass
 * of its logits while they are still in cache, so the {@code [N, D]} logits are never held whole. Blocks are the
 * unit of parallel work (each thread takes whole blocks, whose products then run on that thread alone), which
 * replaces the many hand-overs of layer-by-layer parallel products with one. The observation rows are read in
 * place by index rather than gathered into an {@code [N, D]} copy.
 *
 * <p>Every value is the same sequence of operations as {@code Bernoulli.ofLogits(decoder.apply(z)).logProb(x)}
 * (each element of a product is summed in the same order whatever the number of rows), so results are
 * bit-identical to the taped path.
 */
final class BernoulliLogLikelihood {
  /** Rows of logits per block: 256 × 784 floats (800 KB) stay in cache between the product and the sums. */
  static final int ROWS_PER_BLOCK = 256;

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
    int n = rows.length;
    int d = decoder.outputSize();
    int blocks = (n + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK;
    float[] out = new float[n];
    // Logit buffers are handed from block to block rather than allocated per block.
    ConcurrentLinkedDeque<float[][]> buffers = new ConcurrentLinkedDeque<>();
    Parallel.forEach(blocks, blocks > 1, blk -> {
      int r0 = blk * ROWS_PER_BLOCK;
      int m = Math.min(ROWS_PER_BLOCK, n - r0);
      float[][] buf = buffers.poll();
      if (buf == null) {
        buf = new float[1][ROWS_PER_BLOCK * d];
      }
      block(decoder, x.buffer(), rows, z, r0, m, buf, out);
      buffers.push(buf);
    });
    return Tensor.wrap(out, n);
  }

  /** Rows {@code [r0, r0 + m)}: the whole decoder on their latents, then the log mass of each. */
  private static void block(Mlp decoder, float[] x, int[] rows, Tensor z, int r0, int m, float[][] buf,
      float[] out) {
    float[] logits = buf[0];
    Tape tape = Tape.forEvaluation();
    float[] h = decoder.hidden(tape, tape.constant(z.slice(0, r0, r0 + m))).value().buffer();
    int last = decoder.weights().size() - 1;
    float[] w = decoder.weights().get(last).value().buffer();
    float[] bias = decoder.biases().get(last).value().buffer();
    int in = decoder.sizes()[last];
    int d = bias.length;
    Kernels.get().gemm(false, false, m, d, in, h, 0, w, 0, logits, 0, false);
    int[] xOffsets = new int[m];
    for (int i = 0; i < m; i++) {
      int base = i * d;
      for (int j = 0; j < d; j++) {
        logits[base + j] += bias[j];
      }
      xOffsets[i] = rows[r0 + i] * d;
    }
    Bernoulli.logProbOfRows(x, xOffsets, logits, 0, d, m, out, r0);
  }
}
