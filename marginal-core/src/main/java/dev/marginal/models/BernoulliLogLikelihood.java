package dev.marginal.models;

import dev.marginal.autodiff.Tape;
import dev.marginal.distributions.Bernoulli;
import dev.marginal.nn.Activation;
import dev.marginal.nn.Mlp;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;

/**
 * log p(x|z) of a Bernoulli MLP decoder for evaluation, without gradients, a block of {@value #ROWS_PER_BLOCK}
 * rows at a time: each block runs the whole decoder (product, bias and activation per layer) and sums the log mass
 * of its logits while they are still in cache, so the {@code [N, D]} logits are never held whole. Blocks are the
 * unit of parallel work (each thread takes whole blocks, whose products then run on that thread alone), which
 * replaces the many hand-overs of layer-by-layer parallel products with one. The observation rows are read in
 * place by index rather than gathered into an {@code [N, D]} copy, and each thread keeps its block's layer outputs
 * from call to call instead of allocating them (tanh hidden layers run without a tape).
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
    int blocks = (n + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK;
    float[] out = new float[n];
    Parallel.forEach(blocks, blocks > 1, blk -> {
      int r0 = blk * ROWS_PER_BLOCK;
      int m = Math.min(ROWS_PER_BLOCK, n - r0);
      block(decoder, x.buffer(), rows, z, r0, m, out);
    });
    return Tensor.wrap(out, n);
  }

  /** Rows {@code [r0, r0 + m)}: the whole decoder on their latents, then the log mass of each. */
  private static void block(Mlp decoder, float[] x, int[] rows, Tensor z, int r0, int m, float[] out) {
    int[] sizes = decoder.sizes();
    int last = sizes.length - 2;
    float[][] layers = layerBuffers(sizes);
    float[] h;
    int hOff;
    if (decoder.activation() == Activation.TANH) {
      h = z.buffer();
      hOff = r0 * sizes[0];
      for (int l = 0; l < last; l++) {
        layer(decoder, l, m, h, hOff, layers[l], true);
        h = layers[l];
        hOff = 0;
      }
    } else {
      Tape tape = Tape.forEvaluation();
      h = decoder.hidden(tape, tape.constant(z.slice(0, r0, r0 + m))).value().buffer();
      hOff = 0;
    }
    float[] logits = layers[last];
    layer(decoder, last, m, h, hOff, logits, false);
    int d = sizes[last + 1];
    int[] xOffsets = new int[m];
    for (int i = 0; i < m; i++) {
      xOffsets[i] = rows[r0 + i] * d;
    }
    Bernoulli.logProbOfRows(x, xOffsets, logits, 0, d, m, out, r0);
  }

  /**
   * Layer {@code l} on {@code m} rows of {@code h} into {@code y}: the product, then the bias added row by row, then
   * tanh in place when asked, the operations of {@code Var.linear} and {@code Var.linearTanh}.
   */
  private static void layer(Mlp decoder, int l, int m, float[] h, int hOff, float[] y, boolean tanh) {
    float[] w = decoder.weights().get(l).value().buffer();
    float[] bias = decoder.biases().get(l).value().buffer();
    int width = bias.length;
    int in = w.length / width;
    Kernels.get().gemm(false, false, m, width, in, h, hOff, w, 0, y, 0, false);
    Kernels.get().addToRows(y, 0, m, width, bias);
    if (tanh) {
      Kernels.get().tanh(y, 0, y, 0, m * width);
    }
  }

  /** This thread's output buffers of each layer for one block, kept from call to call. */
  private static float[][] layerBuffers(int[] sizes) {
    float[][] bufs = BUFFERS.get();
    if (bufs.length < sizes.length - 1) {
      bufs = java.util.Arrays.copyOf(bufs, sizes.length - 1);
      BUFFERS.set(bufs);
    }
    for (int l = 0; l + 1 < sizes.length; l++) {
      int size = ROWS_PER_BLOCK * sizes[l + 1];
      if (bufs[l] == null || bufs[l].length < size) {
        bufs[l] = new float[size];
      }
    }
    return bufs;
  }

  private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[0][]);
}
