package dev.marginal.cli;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.Elbo;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code marginal bench estimators}: time per batch of each log p(x) estimator with gradients on the funnel-sized
 * (2-128-8) and image-sized (784-200-200-50) models; deep-LVM training throughput (examples/s) for IWAE with K = 5
 * and 50 at batch 20; evaluation throughput with K = 5000; and one reverse-KL iteration on the funnel.
 */
@Command(name = "estimators", mixinStandardHelpOptions = true,
    description = "Time ELBO/IWAE/SUMO with gradients, LVM training and evaluation, and a reverse-KL step.")
final class BenchEstimatorsCommand extends BenchWorkload {
  @Override
  void fill(BenchTable table) {
    DeepLvm small = DeepLvm.create(new DeepLvm.Config(2, 8, new int[] {128}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN), RngKey.of(1), null);
    DeepLvm image = IwaeWorkloads.imageModel();
    // The first workload would otherwise be timed while the JIT is still compiling the shared tape and tensor
    // code in the background (it measured five times slower than the same workload run later).
    estimatorRow(new BenchTable(), "warm-up", small, 32, estimators().get(0));
    for (LogMarginalEstimator est : estimators()) {
      estimatorRow(table, "2-128-8", small, 32, est);
    }
    for (LogMarginalEstimator est : estimators()) {
      estimatorRow(table, "784-200-200-50", image, 20, est);
    }
    IwaeWorkloads.trainingRow(table, image, 5, options.repeats);
    IwaeWorkloads.trainingRow(table, image, 50, options.repeats);
    IwaeWorkloads.evaluationRow(table, image, 5000, Math.max(1, options.repeats / 3));
    BenchReverseKlCommand.row(table, options.repeats);
  }

  private static List<LogMarginalEstimator> estimators() {
    List<LogMarginalEstimator> l = new ArrayList<>();
    l.add(Elbo.of(5));
    l.add(Iwae.of(5));
    l.add(Elbo.of(50));
    l.add(Iwae.of(50));
    l.add(Sumo.of(4));
    return l;
  }

  private void estimatorRow(BenchTable table, String name, DeepLvm m, int batch, LogMarginalEstimator est) {
    Tensor x = IwaeWorkloads.data(m, batch, RngKey.of(3));
    long[] step = {0};
    double[] nanos = BenchTiming.nanosPerCall(() -> {
      Tape tape = new Tape();
      Var xv = tape.constant(x);
      DiagNormal q = m.posterior(tape, xv);
      tape.backward(est.logMarginal(m, xv, q, RngKey.of(4).foldIn(step[0]++)).mean().neg());
      m.parameters().forEach(p -> p.zeroGrad());
    }, options.repeats);
    var row = table.row("estimators");
    row.put("model", name);
    row.put("batch", batch);
    row.put("estimator", est.toString());
    row.put("threads", Parallel.threads());
    row.put("best_ms", nanos[0] / 1e6);
    row.put("median_ms", BenchTiming.median(nanos) / 1e6);
  }
}
