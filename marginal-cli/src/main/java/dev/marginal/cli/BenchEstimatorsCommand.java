package dev.marginal.cli;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.data.Binarization;
import dev.marginal.data.Dataset;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.Elbo;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Targets;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import dev.marginal.train.LvmTrainer;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.ReverseKlTrainer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code marginal bench estimators}: time per batch of each log p(x) estimator with gradients on the funnel-sized
 * (2-128-8) and image-sized (784-200-200-50) models; deep-LVM training throughput (examples/s) for IWAE with K = 5
 * and 50 at batch 20; evaluation throughput with K = 5000; and one reverse-KL iteration on the funnel.
 */
@Command(name = "estimators", mixinStandardHelpOptions = true,
    description = "Time ELBO/IWAE/SUMO with gradients, LVM training and evaluation, and a reverse-KL step.")
final class BenchEstimatorsCommand implements Runnable {
  @Mixin BenchOptions options;

  @Override
  public void run() {
    options.apply();
    BenchTable table = new BenchTable();
    DeepLvm small = DeepLvm.create(new DeepLvm.Config(2, 8, new int[] {128}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN), RngKey.of(1), null);
    DeepLvm image = DeepLvm.create(new DeepLvm.Config(784, 50, new int[] {200, 200}, Activation.TANH,
        DeepLvm.Decoder.BERNOULLI), RngKey.of(2), null);
    // The first workload would otherwise be timed while the JIT is still compiling the shared tape and tensor
    // code in the background (it measured five times slower than the same workload run later).
    estimatorRow(new BenchTable(), "warm-up", small, 32, estimators().get(0));
    for (LogMarginalEstimator est : estimators()) {
      estimatorRow(table, "2-128-8", small, 32, est);
    }
    for (LogMarginalEstimator est : estimators()) {
      estimatorRow(table, "784-200-200-50", image, 20, est);
    }
    trainingRow(table, image, 5);
    trainingRow(table, image, 50);
    evaluationRow(table, image, 5000);
    reverseKlRow(table);
    table.print(System.out, options.json);
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

  private static Tensor data(DeepLvm m, int rows, RngKey key) {
    float[] x = key.uniforms(rows * m.dataDim());
    if (m.config().decoder() == DeepLvm.Decoder.BERNOULLI) {
      x = Binarization.binarize(x, key.foldIn(1));
    }
    return Tensor.wrap(x, rows, m.dataDim());
  }

  private void estimatorRow(BenchTable table, String name, DeepLvm m, int batch, LogMarginalEstimator est) {
    Tensor x = data(m, batch, RngKey.of(3));
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

  private void trainingRow(BenchTable table, DeepLvm m, int k) {
    int rows = 2000;
    Dataset d = Dataset.of("bench", columns(m.dataDim()), data(m, rows, RngKey.of(5)).buffer());
    LvmTrainingOptions o = LvmTrainingOptions.defaults().withNumSamples(k).withBatchSize(20)
        .withBinarization(Binarization.NONE);
    LvmTrainer trainer = new LvmTrainer(m, o);
    int[] idx = new int[20];
    long[] step = {0};
    double[] nanos = BenchTiming.nanosPerCall(() -> {
      int start = (int) (step[0] * 20 % rows);
      for (int i = 0; i < 20; i++) {
        idx[i] = start + i;
      }
      trainer.step(d, idx, RngKey.of(6).foldIn(step[0]++));
    }, options.repeats);
    var row = table.row("training");
    row.put("workload", "784-200-200-50 Bernoulli, IWAE K=" + k + ", batch 20, Adam");
    row.put("threads", Parallel.threads());
    row.put("best_examples_per_s", 20 / (nanos[0] / 1e9));
    row.put("median_examples_per_s", 20 / (BenchTiming.median(nanos) / 1e9));
  }

  private void evaluationRow(BenchTable table, DeepLvm m, int k) {
    Tensor x = data(m, 1, RngKey.of(7));
    LogMarginalEstimator est = Iwae.of(k);
    double[] nanos = BenchTiming.nanosPerCall(() -> {
      Tape tape = new Tape();
      DiagNormal q = m.posterior(tape, tape.constant(x));
      est.estimate(m, x, q, RngKey.of(8), 1);
    }, Math.max(1, options.repeats / 3));
    var row = table.row("evaluation");
    row.put("workload", "784-200-200-50 Bernoulli, IWAE K=" + k + ", one image per pass");
    row.put("threads", Parallel.threads());
    row.put("best_images_per_s", 1 / (nanos[0] / 1e9));
    row.put("median_images_per_s", 1 / (BenchTiming.median(nanos) / 1e9));
  }

  private void reverseKlRow(BenchTable table) {
    var target = Targets.of("funnel");
    ReverseKlOptions o = ReverseKlOptions.defaults();
    ReverseKlTrainer trainer = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(target, o), target, o);
    double[] nanos = BenchTiming.nanosPerCall(trainer::step, options.repeats);
    var row = table.row("reverse-kl");
    row.put("workload", "funnel, 2-128-8 surrogate, SUMO m=4, batch 32, decoder+encoder steps");
    row.put("threads", Parallel.threads());
    row.put("best_ms_per_iter", nanos[0] / 1e6);
    row.put("median_ms_per_iter", BenchTiming.median(nanos) / 1e6);
  }

  private static List<String> columns(int d) {
    List<String> c = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      c.add("px" + j);
    }
    return c;
  }
}
