package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.Standardizer;
import dev.marginal.density.DensityModel;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.train.EpochMetrics;
import dev.marginal.train.Progress;
import dev.marginal.train.TrainingState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A deep LVM fitted to standardized data reports its objectives in the data's units, as its scores are: the model's
 * (standardized) objectives plus the log-Jacobian −Σ log sd.
 */
class StandardizedObjectivesTest {
  /** Two columns of sd about 50 and 10: the log-Jacobian is about −log 500 = −6.2 nats. */
  private static Dataset wide(int rows, long seed) {
    float[] v = new float[rows * 2];
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < rows; i++) {
      double z = r.nextGaussian();
      v[2 * i] = (float) (100 + 50 * z);
      v[2 * i + 1] = (float) (-3 + 10 * (0.6 * z + 0.8 * r.nextGaussian()));
    }
    return Dataset.of("wide", List.of("a", "b"), v);
  }

  private static DeepLvmOptions options() {
    return DeepLvmOptions.defaults().withEpochs(3).withSeed(7).withStandardize(true)
        .withArchitecture(new DeepLvmOptions.Architecture(1, new int[] {8}, Activation.TANH, null));
  }

  @Test
  void objectivesOfAStandardizedFitAreInDataUnits() {
    Dataset train = wide(400, 1);
    Dataset held = wide(200, 2);
    List<EpochMetrics> epochs = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    Progress listener = new Progress() {
      @Override
      public void update(long step, long examples, double objective) {
        steps.add(objective);
      }

      @Override
      public void epoch(EpochMetrics m) {
        epochs.add(m);
      }
    };
    DeepLvmFit.Result fit = DeepLvmFit.fit(train, options(),
        DeepLvmFit.Control.none().withValidation(held).withProgress(listener));
    double jac = Standardizer.fit(train).logJacobian();
    assertEquals(-Math.log(Arrays.stream(Standardizer.fit(train).sd()).reduce(1, (a, b) -> a * b)), jac, 1e-9);
    assertTrue(jac < -5.5 && jac > -7, "sd about 50 and 10: " + jac);
    assertEquals(jac, fit.logJacobian(), 0.0);

    TrainingState.EpochRecord last = fit.state().history().get(2);
    double validation = ((Number) fit.summary().get("validation_objective")).doubleValue();
    double training = ((Number) fit.summary().get("train_objective")).doubleValue();
    assertEquals(last.validation() + jac, validation, 1e-12, "the model's objective plus the log-Jacobian");
    assertEquals(last.train() + jac, training, 1e-12);
    assertEquals(validation, epochs.get(2).validationObjective(), 1e-12, "the listener hears the same numbers");
    assertEquals(training, epochs.get(2).trainingObjective(), 1e-12);
    assertTrue(steps.stream().allMatch(o -> o < -4), "step objectives in data units too: " + steps.get(0));

    // The same rows scored by the fitted model, whose densities are in data units: the training estimator (IWAE-5)
    // agrees with the reported validation objective to Monte Carlo error, far from the 6.2-nat gap.
    double[] scores = fit.model().logDensity(held, DensityModel.ScoreOptions.iwae(5), RngKey.of(3)).value();
    double mean = Arrays.stream(scores).average().orElseThrow();
    assertEquals(mean, validation, 0.5, "validation objective " + validation + " vs the model's score " + mean);
  }

  @Test
  void anUnstandardizedFitReportsTheTrainersNumbers() {
    Dataset train = wide(200, 1);
    DeepLvmFit.Result fit = DeepLvmFit.fit(train, options().withStandardize(false).withEpochs(1));
    assertEquals(0.0, fit.logJacobian(), 0.0);
    assertEquals(fit.state().history().get(0).train(),
        ((Number) fit.summary().get("train_objective")).doubleValue(), 0.0);
  }
}
