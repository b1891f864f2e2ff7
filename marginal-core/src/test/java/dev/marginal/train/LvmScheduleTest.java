package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.config.ParameterException;
import org.junit.jupiter.api.Test;

class LvmScheduleTest {
  /** A floor of 0 decays the rate by a cosine towards zero: finite, non-negative and falling at every step. */
  @Test
  void aFloorOfZeroDecaysTowardsZero() {
    LvmTrainingOptions options = LvmTrainingOptions.defaults().withLearningRate(1e-2).withLrFloor(0)
        .withBatchSize(10).withEpochs(5);
    LvmSchedule schedule = LvmSchedule.of(options, 100);
    assertEquals(50, schedule.totalSteps());
    assertEquals(1e-2, schedule.learningRate(0), 0.0);
    double previous = Double.POSITIVE_INFINITY;
    for (long t = 0; t < schedule.totalSteps(); t++) {
      double rate = schedule.learningRate(t);
      assertTrue(Double.isFinite(rate) && rate >= 0 && rate < previous, "step " + t + ": " + rate);
      previous = rate;
    }
    double last = 1e-2 * 0.5 * (1 + Math.cos(Math.PI * 49 / 50));
    assertEquals(last, schedule.learningRate(49), 1e-15);
    assertEquals(0.0, schedule.learningRate(50), 1e-18, "the cosine's end is the floor, 0");
  }

  @Test
  void theFloorMustLieInTheUnitInterval() {
    assertEquals(0.0, LvmScheduleOptions.constant().withLrFloor(0).lrFloor(), 0.0);
    assertEquals(1.0, LvmScheduleOptions.constant().withLrFloor(1).lrFloor(), 0.0);
    for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
      ParameterException e = assertThrows(ParameterException.class,
          () -> LvmScheduleOptions.constant().withLrFloor(bad));
      assertTrue(e.getMessage().contains("must be in [0, 1]"), e.getMessage());
    }
  }
}
