package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.train.TrainingState;
import org.junit.jupiter.api.Test;

/** The steps a fit plans are the steps it runs, with and without a validation split and a step budget. */
class PlannedStepsTest {
  private static final Dataset MOONS = ToyData.generate("moons", 203, RngKey.of(3));
  private static final DeepLvmOptions SMALL = DeepLvmOptions.defaults().withEpochs(2).withBatchSize(20)
      .withArchitecture(new DeepLvmOptions.Architecture(2, new int[] {4}, Activation.TANH, null));

  private static void assertPlannedStepsAreRun(DeepLvmOptions o) {
    DeepLvmFit.Result fit = DeepLvmFit.fit(MOONS, o);
    assertEquals(TrainingState.Status.COMPLETED, fit.state().status());
    assertEquals(fit.state().step(), DeepLvmFit.plannedSteps(MOONS, o), o.toString());
  }

  @Test
  void plannedStepsAreTheStepsRun() {
    // 203 rows in batches of 20: 11 per epoch; 162 training rows after a 0.2 split: 9 per epoch.
    assertEquals(22, DeepLvmFit.plannedSteps(MOONS, SMALL));
    assertEquals(18, DeepLvmFit.plannedSteps(MOONS, SMALL.withValidationFraction(0.2)));
    assertPlannedStepsAreRun(SMALL);
    assertPlannedStepsAreRun(SMALL.withValidationFraction(0.2));
    assertPlannedStepsAreRun(SMALL.withTraining(SMALL.training().withMaxSteps(7)));
  }
}
