package dev.marginal.cli;

import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.models.DeepLvm;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code marginal bench iwae}: deep-LVM training throughput (examples/s) with IWAE K at batch 20 and evaluation
 * throughput (images/s) with IWAE K on the 784-200-200-50 Bernoulli model, the workloads the reference comparison
 * ({@code bench/compare/run}) repeats in PyTorch.
 */
@Command(name = "iwae", mixinStandardHelpOptions = true,
    description = "Time IWAE training (batch 20) and evaluation (one image) on the 784-200-200-50 model.")
final class BenchIwaeCommand extends BenchWorkload {
  @Option(names = "--train-k", split = ",", paramLabel = "K", defaultValue = "5,50",
      description = "IWAE sample counts of the training workloads, comma-separated, each once; 0 for none "
          + "(default: ${DEFAULT-VALUE}). A K whose samples cannot fit the heap is refused, as is 0 for both options.")
  List<Integer> trainK;

  @Option(names = "--eval-k", split = ",", paramLabel = "K", defaultValue = "5000",
      description = "IWAE sample counts of the evaluation workloads, comma-separated, each once; 0 for none "
          + "(default: ${DEFAULT-VALUE}).")
  List<Integer> evalK;

  @Override
  void fill(BenchTable table) {
    checkSampleCounts();
    DeepLvm image = IwaeWorkloads.imageModel();
    for (int k : trainK.stream().filter(v -> v > 0).toList()) {
      IwaeWorkloads.trainingRow(table, image, k, options.repeats);
    }
    for (int k : evalK.stream().filter(v -> v > 0).toList()) {
      IwaeWorkloads.evaluationRow(table, image, k, options.repeats);
    }
  }

  @Override
  List<String> sizeOptions() {
    return List.of("--train-k", "--eval-k");
  }

  /**
   * Refuses, before anything is timed, an empty list, a K listed twice, a negative K, no K at all, and a K whose
   * samples cannot fit: a training step passes {@link IwaeWorkloads#BATCH} rows of K samples through the model at
   * once, an evaluation one row of K.
   */
  private void checkSampleCounts() {
    DeepLvm.Config config = IwaeWorkloads.IMAGE;
    distinct("--train-k", trainK);
    distinct("--eval-k", evalK);
    for (int k : trainK) {
      check("--train-k", k, (long) IwaeWorkloads.BATCH * k, config,
          "a training batch of " + IwaeWorkloads.BATCH + " rows of K importance samples");
    }
    for (int k : evalK) {
      check("--eval-k", k, k, config, "K importance samples of one image");
    }
    if (trainK.stream().allMatch(k -> k == 0) && evalK.stream().allMatch(k -> k == 0)) {
      throw new UserInputException("--train-k and --eval-k are all 0: nothing to measure; give a K above 0 to either");
    }
  }

  /** Refuses an empty list ({@code --train-k ,}) and a K above 0 listed twice. */
  private static void distinct(String option, List<Integer> ks) {
    if (ks.isEmpty()) {
      throw new UserInputException(option + ": no K given; give K[,K...], or 0 for none");
    }
    for (int i = 0; i < ks.size(); i++) {
      if (ks.get(i) > 0 && ks.subList(0, i).contains(ks.get(i))) {
        throw new UserInputException(option + ": K = " + ks.get(i) + " is given twice");
      }
    }
  }

  private static void check(String option, int k, long samples, DeepLvm.Config config, String what) {
    if (k < 0) {
      throw new UserInputException(option + " values must be at least 0, got " + k);
    }
    Limits.fitsInHeap(option, k, Limits.activationBytes(config, samples), what);
    if (samples * config.dataDim() > ImportanceSamples.MAX_ARRAY_LENGTH) {
      throw new UserInputException(option + " " + k + ": " + what + " would exceed the "
          + ImportanceSamples.MAX_ARRAY_LENGTH + " values of one array; lower " + option);
    }
  }
}
