package dev.marginal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.api.DeepLvmOptions;
import dev.marginal.train.Annealing;
import dev.marginal.train.ForwardKl;
import dev.marginal.train.ReverseKlOptions;
import java.util.List;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.api.Test;

/**
 * Rates, gradient bounds and scales that training uses in float32 are refused in the library when float32 cannot
 * hold them (a positive value that would round to zero, or a finite one that would round to infinity), naming the
 * parameter; values it holds are kept, and 0 keeps its meaning of "off" or "automatic".
 */
class Float32SettingsTest {
  private static void refusedOutsideFloat32(String parameter, DoubleConsumer set) {
    for (double v : new double[] {1e-50, 1e39}) {
      ParameterException e = assertThrows(ParameterException.class, () -> set.accept(v), parameter + " " + v);
      assertEquals(List.of(parameter), e.parameters());
      assertEquals(parameter + " must be between " + Float.MIN_NORMAL + " and " + Float.MAX_VALUE + " (training runs"
          + " in float32, which rounds " + v + " to " + (v < 1 ? "zero" : "infinity") + "), got " + v, e.getMessage());
    }
    set.accept(Float.MIN_NORMAL);
    set.accept(1e-3);
    set.accept(Float.MAX_VALUE);
  }

  @Test
  void densityTrainingRatesAndBounds() {
    refusedOutsideFloat32("learningRate", v -> DeepLvmOptions.defaults().withLearningRate(v).resolvedTraining());
    refusedOutsideFloat32("clipNorm", v -> DeepLvmOptions.defaults().withClipNorm(v).resolvedTraining());
    DeepLvmOptions.defaults().withClipNorm(0).resolvedTraining();
  }

  @Test
  void surrogateTrainingRatesBoundsAndScales() {
    ReverseKlOptions o = ReverseKlOptions.defaults();
    refusedOutsideFloat32("decoderLr", v -> o.withOptimization(new ReverseKlOptions.Optimization(v, 1e-3, 0, 0, 1,
        0, 0.999)));
    refusedOutsideFloat32("encoderLr", v -> o.withOptimization(new ReverseKlOptions.Optimization(1e-3, v, 0, 0, 1,
        0, 0.999)));
    refusedOutsideFloat32("clipNorm", v -> o.withOptimization(new ReverseKlOptions.Optimization(1e-3, 1e-3, v, 0, 1,
        0, 0.999)));
    refusedOutsideFloat32("annealScale", v -> new Annealing(0.5, Annealing.DEFAULT_START_BETA, v));
    refusedOutsideFloat32("forwardScale", v -> new ForwardKl(0.5, ForwardKl.DEFAULT_PROPOSALS, v));
    new Annealing(0.5, Annealing.DEFAULT_START_BETA, 0);
    new ForwardKl(0.5, ForwardKl.DEFAULT_PROPOSALS, 0);
  }
}
