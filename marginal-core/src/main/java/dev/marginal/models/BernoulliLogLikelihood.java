package dev.marginal.models;

import dev.marginal.autodiff.Tape;
import dev.marginal.distributions.Bernoulli;
import dev.marginal.nn.Activation;
import dev.marginal.nn.Mlp;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.PreparedOperand;
import dev.marginal.tensor.Tensor;

/**
 * log p(x|z) of a Bernoulli MLP decoder for evaluation, without gradients, a block of at most
 * {@value #ROWS_PER_BLOCK} rows at a time: each block runs the whole decoder (product, bias and activation per layer) and sums the log mass
 * of its logits while they are still in cache, so the {@code [N, D]} logits are never held whole. Blocks are the
 * unit of parallel work (each thread takes whole blocks, whose products then run on that thread alone), which
 * replaces the many hand-overs of layer-by-layer parallel products with one. The observation rows are read in
 * place by index rather than gathered into an {@code [N, D]} copy, and each thread keeps its block's layer outputs
 * from call to call instead of allocating them (tanh hidden layers run without a tape). The weights are prepared
 * for the products once ({@link Kernels#prepare}), not packed again by every block.
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
    int blocks = blocks(n, Parallel.threads());
    float[] out = new float[n];
    int[] sizes = decoder.sizes();
    int last = sizes.length - 2;
    boolean tanh = decoder.activation() == Activation.TANH;
    PreparedOperand[] weights = new PreparedOperand[last + 1];
    int rowsPerBlock = blocks == 0 ? 0 : (n + blocks - 1) / blocks;
    for (int l = tanh ? 0 : last; l <= last; l++) {
      // Packed once for all blocks rather than by every block's products.
      float[] w = decoder.weights().get(l).value().buffer();
      weights[l] = Kernels.get().prepare(false, sizes[l], sizes[l + 1], w, 0, rowsPerBlock);
    }
    Parallel.forEach(blocks, blocks > 1, blk -> {
      int r0 = (int) ((long) n * blk / blocks);
      int r1 = (int) ((long) n * (blk + 1) / blocks);
      block(decoder, weights, x.buffer(), rows, z, r0, r1 - r0, out);
    });
    return Tensor.wrap(out, n);
  }

  /**
   * Blocks for {@code n} rows: as few as keep each within {@value #ROWS_PER_BLOCK} rows, rounded up to a multiple of
   * the threads, so that the threads get the same number of blocks of near-equal length (5,000 rows on two threads:
   * 20 blocks of 250, where blocks of 256 left one thread 136 rows short; 2% faster on a Zen 1, BENCHMARKS.md). Which
   * rows share a block changes no value.
   */
  static int blocks(int n, int threads) {
    int blocks = (n + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK;
    if (blocks > 1 && threads > 1) {
      blocks = (blocks + threads - 1) / threads * threads;
    }
    return Math.min(blocks, n);
  }

  /** Rows {@code [r0, r0 + m)}: the whole decoder on their latents, then the log mass of each. */
  private static void block(Mlp decoder, PreparedOperand[] weights, float[] x, int[] rows, Tensor z, int r0, int m,
      float[] out) {
    int[] sizes = decoder.sizes();
    int last = sizes.length - 2;
    float[][] layers = layerBuffers(sizes);
    float[] h;
    int hOff;
    if (decoder.activation() == Activation.TANH) {
      h = z.buffer();
      hOff = r0 * sizes[0];
      for (int l = 0; l < last; l++) {
        layer(decoder, weights[l], l, m, h, hOff, layers[l], true);
        h = layers[l];
        hOff = 0;
      }
    } else {
      Tape tape = Tape.forEvaluation();
      h = decoder.hidden(tape, tape.constant(z.slice(0, r0, r0 + m))).value().buffer();
      hOff = 0;
    }
    float[] logits = layers[last];
    layer(decoder, weights[last], last, m, h, hOff, logits, false);
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
  private static void layer(Mlp decoder, PreparedOperand w, int l, int m, float[] h, int hOff, float[] y,
      boolean tanh) {
    float[] bias = decoder.biases().get(l).value().buffer();
    int width = bias.length;
    Kernels.get().gemmPrepared(false, m, h, hOff, w, y, 0, false);
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
