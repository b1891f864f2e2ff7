package dev.marginal.cli;

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
      description = "IWAE sample counts of the training workloads, comma-separated; 0 for none (default: ${DEFAULT-VALUE}).")
  List<Integer> trainK;

  @Option(names = "--eval-k", split = ",", paramLabel = "K", defaultValue = "5000",
      description = "IWAE sample counts of the evaluation workloads, comma-separated; 0 for none (default: ${DEFAULT-VALUE}).")
  List<Integer> evalK;

  @Override
  void fill(BenchTable table) {
    for (List<Integer> ks : List.of(trainK, evalK)) {
      for (int k : ks) {
        if (k < 0) {
          throw new UserInputException("--train-k and --eval-k values must be at least 0, got " + k);
        }
      }
    }
    DeepLvm image = IwaeWorkloads.imageModel();
    for (int k : trainK.stream().filter(v -> v > 0).toList()) {
      IwaeWorkloads.trainingRow(table, image, k, options.repeats);
    }
    for (int k : evalK.stream().filter(v -> v > 0).toList()) {
      IwaeWorkloads.evaluationRow(table, image, k, options.repeats);
    }
  }
}
