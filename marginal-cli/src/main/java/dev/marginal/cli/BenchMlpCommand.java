package dev.marginal.cli;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.nn.Activation;
import dev.marginal.nn.Mlp;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import picocli.CommandLine.Command;

/**
 * {@code marginal bench mlp}: one forward and backward pass of a 784-200-200-50 encoder and a 50-200-200-784 decoder
 * (tanh) on 5000 rows, the workload of one large deep-LVM step; and the per-primitive overhead of the tape on a
 * small tensor.
 */
@Command(name = "mlp", mixinStandardHelpOptions = true,
    description = "Time an MLP forward+backward step (ms) and the autodiff per-op overhead (ns).")
final class BenchMlpCommand extends BenchWorkload {
  static final int ROWS = 5000;
  static final int[] ENCODER = {784, 200, 200, 50};
  static final int[] DECODER = {50, 200, 200, 784};

  @Override
  void fill(BenchTable table) {
    RngKey key = RngKey.of(7);
    Mlp enc = Mlp.create("encoder", ENCODER, Activation.TANH, key.foldIn(1));
    Mlp dec = Mlp.create("decoder", DECODER, Activation.TANH, key.foldIn(2));
    Tensor x = Tensor.wrap(key.foldIn(3).uniforms(ROWS * ENCODER[0]), ROWS, ENCODER[0]);
    Tensor z = Tensor.wrap(key.foldIn(4).normals(ROWS * DECODER[0]), ROWS, DECODER[0]);
    double[] nanos = BenchTiming.nanosPerCall(() -> {
      Tape tape = new Tape();
      Var h = enc.apply(tape, tape.constant(x));
      Var o = dec.apply(tape, tape.constant(z));
      tape.backward(h.square().mean().add(o.square().mean()));
      for (var p : enc.parameters()) {
        p.zeroGrad();
      }
      for (var p : dec.parameters()) {
        p.zeroGrad();
      }
    }, options.repeats);
    long flops = (gemmFlopsPerRow(ENCODER) + gemmFlopsPerRow(DECODER)) * ROWS;
    var row = table.row("mlp");
    row.put("workload", "784-200-200-50 + 50-200-200-784 tanh, fwd+bwd");
    row.put("rows", ROWS);
    row.put("kernels", Kernels.get().name());
    row.put("threads", Parallel.threads());
    row.put("best_ms", nanos[0] / 1e6);
    row.put("median_ms", BenchTiming.median(nanos) / 1e6);
    row.put("gemm_gflops", flops / nanos[0]);
    overhead(table);
  }

  /**
   * Floating-point operations of the GEMMs in one forward and backward pass of an MLP with layer widths
   * {@code sizes} whose input is a constant: 2 per multiply-add forward, 2 for each weight gradient, and 2 for each
   * input gradient except the first layer's, which the tape skips because nothing needs the gradient of the input.
   */
  static long gemmFlopsPerRow(int[] sizes) {
    long macs = 0;
    for (int l = 0; l + 1 < sizes.length; l++) {
      macs += (long) sizes[l] * sizes[l + 1];
    }
    return 6 * macs - 2L * sizes[0] * sizes[1];
  }

  /** Forward and backward of {@code tanh(a·b)} on two [32, 8] variables: two primitives per call. */
  private void overhead(BenchTable table) {
    Tensor a = Tensor.wrap(RngKey.of(1).normals(256), 32, 8);
    Tensor b = Tensor.wrap(RngKey.of(2).normals(256), 32, 8);
    double[] nanos = BenchTiming.nanosPerCall(() -> {
      Tape tape = new Tape();
      Var y = tape.variable(a).mul(tape.variable(b)).tanh();
      tape.backward(y, Tensor.full(1f, 32, 8));
    }, options.repeats);
    var row = table.row("overhead");
    row.put("workload", "tanh(a*b) on [32,8], fwd+bwd, per primitive");
    row.put("best_ns", nanos[0] / 2);
    row.put("median_ns", BenchTiming.median(nanos) / 2);
  }
}
