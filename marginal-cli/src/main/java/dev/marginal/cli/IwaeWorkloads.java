package dev.marginal.cli;

import dev.marginal.autodiff.Tape;
import dev.marginal.data.Binarization;
import dev.marginal.data.Dataset;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import dev.marginal.train.LvmTrainer;
import dev.marginal.train.LvmTrainingOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The deep-LVM workloads that the benchmarks time and the reference comparison ({@code bench/compare}) repeats in
 * PyTorch: the IWAE paper's 784-200-200-50 tanh model with a Bernoulli decoder, trained with IWAE at batch 20 and
 * Adam on 2,000 random binary images, and evaluated with IWAE K on one image per pass.
 */
final class IwaeWorkloads {
  /** Training rows the batches cycle through. */
  static final int TRAINING_ROWS = 2000;
  /** Batch size of the training workloads (the IWAE paper's). */
  static final int BATCH = 20;

  private IwaeWorkloads() {}

  /** The image-sized model's architecture: 784-200-200-50, tanh, Bernoulli decoder. */
  static final DeepLvm.Config IMAGE = new DeepLvm.Config(784, 50, new int[] {200, 200}, Activation.TANH,
      DeepLvm.Decoder.BERNOULLI);

  /** The image-sized model, freshly initialised from a fixed key. */
  static DeepLvm imageModel() {
    return DeepLvm.create(IMAGE, RngKey.of(2), null);
  }

  /** {@code rows} random rows for {@code m}: uniform, then binarized for a Bernoulli decoder. */
  static Tensor data(DeepLvm m, int rows, RngKey key) {
    float[] x = key.uniforms(rows * m.dataDim());
    if (m.config().decoder() == DeepLvm.Decoder.BERNOULLI) {
      x = Binarization.binarize(x, key.foldIn(1));
    }
    return Tensor.wrap(x, rows, m.dataDim());
  }

  /** Times training steps with IWAE K; adds a row with examples per second. */
  static void trainingRow(BenchTable table, DeepLvm m, int k, int repeats) {
    Dataset d = Dataset.of("bench", columns(m.dataDim()), data(m, TRAINING_ROWS, RngKey.of(5)).buffer());
    LvmTrainingOptions o = LvmTrainingOptions.defaults().withNumSamples(k).withBatchSize(BATCH)
        .withBinarization(Binarization.NONE);
    LvmTrainer trainer = new LvmTrainer(m, o);
    int[] idx = new int[BATCH];
    long[] step = {0};
    double[] before = {0};
    BenchTiming.Timing t = BenchTiming.timed(() -> {
      int start = (int) (step[0] * BATCH % TRAINING_ROWS);
      for (int i = 0; i < BATCH; i++) {
        idx[i] = start + i;
      }
      trainer.step(d, idx, RngKey.of(6).foldIn(step[0]++));
    }, repeats, () -> before[0] = roundTripNanos());
    double[] nanos = t.wall();
    var row = table.row("training");
    row.put("workload", "784-200-200-50 Bernoulli, IWAE K=" + k + ", batch " + BATCH + ", Adam");
    row.put("k", k);
    row.put("threads", Parallel.threads());
    row.put("best_examples_per_s", BATCH / (nanos[0] / 1e9));
    row.put("median_examples_per_s", BATCH / (BenchTiming.median(nanos) / 1e9));
    row.put("caller_cpu_ms_per_step", t.cpuMedian() / 1e6);
    row.put("round_trip_before_ns", before[0]);
    row.put("round_trip_after_ns", roundTripNanos());
  }

  /**
   * The median round trip of a value between two threads ({@link BenchThreadsCommand}) when the kernels run on more
   * than one, else 0: about 55 ns where the host runs the two processors on cores that share a cache, several times
   * that where it does not. Measured just before and just after a workload's timed batches; the host can move the
   * processors within seconds, so the two figures hint at the state the batches ran in rather than prove it.
   */
  static double roundTripNanos() {
    return Parallel.threads() > 1 ? BenchTiming.median(BenchThreadsCommand.roundTrips(20)) : 0;
  }

  /** Times IWAE K evaluation of one image per pass (encoder once, K decoder passes); adds images per second. */
  static void evaluationRow(BenchTable table, DeepLvm m, int k, int repeats) {
    Tensor x = data(m, 1, RngKey.of(7));
    LogMarginalEstimator est = Iwae.of(k);
    double[] before = {0};
    BenchTiming.Timing t = BenchTiming.timed(() -> {
      Tape tape = Tape.forEvaluation();
      DiagNormal q = m.posterior(tape, tape.constant(x));
      est.estimate(m, x, q, RngKey.of(8), 1);
    }, repeats, () -> before[0] = roundTripNanos());
    double[] nanos = t.wall();
    var row = table.row("evaluation");
    row.put("workload", "784-200-200-50 Bernoulli, IWAE K=" + k + ", one image per pass");
    row.put("k", k);
    row.put("threads", Parallel.threads());
    row.put("best_images_per_s", 1 / (nanos[0] / 1e9));
    row.put("median_images_per_s", 1 / (BenchTiming.median(nanos) / 1e9));
    row.put("caller_cpu_ms_per_image", t.cpuMedian() / 1e6);
    row.put("round_trip_before_ns", before[0]);
    row.put("round_trip_after_ns", roundTripNanos());
  }

  private static List<String> columns(int d) {
    List<String> c = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      c.add("px" + j);
    }
    return c;
  }
}
