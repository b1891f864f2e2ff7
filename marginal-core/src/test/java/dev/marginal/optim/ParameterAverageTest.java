package dev.marginal.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.autodiff.Parameter;
import dev.marginal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterAverageTest {
  private static final double DECAY = 0.9;

  /** w_i = (i, −i², sin i) at update i. */
  private static float[] valueAt(int i) {
    return new float[] {i, -(float) i * i, (float) Math.sin(i)};
  }

  private static void setValue(Parameter p, int i) {
    System.arraycopy(valueAt(i), 0, p.value().buffer(), 0, 3);
  }

  @Test
  void averageMatchesTheBiasCorrectedClosedForm() {
    Parameter p = new Parameter("w", Tensor.of(new float[] {100, 100, 100}, 3));
    ParameterAverage avg = new ParameterAverage(List.of(p), DECAY);
    int n = 30;
    for (int i = 1; i <= n; i++) {
      setValue(p, i);
      avg.updateInPlace();
    }
    avg.swapInPlace();
    float[] got = p.value().toArray();
    for (int j = 0; j < 3; j++) {
      double sum = 0;
      for (int i = 1; i <= n; i++) {
        sum += (1 - DECAY) * Math.pow(DECAY, n - i) * valueAt(i)[j];
      }
      double expected = sum / (1 - Math.pow(DECAY, n));
      assertEquals(expected, got[j], 1e-5 * Math.max(1, Math.abs(expected)), "coordinate " + j);
    }
    assertEquals(n, avg.count());
  }

  @Test
  void firstUpdateReplacesTheStartingValueExactly() {
    Parameter p = new Parameter("w", Tensor.of(new float[] {7, 7, 7}, 3));
    ParameterAverage avg = new ParameterAverage(List.of(p), 0.999);
    setValue(p, 3);
    avg.updateInPlace();
    avg.copyToParametersInPlace();
    assertArrayEquals(valueAt(3), p.value().toArray());
    assertEquals(0, ParameterAverage.weightOfPrevious(0.999, 1), 0);
    assertEquals(0.999, ParameterAverage.weightOfPrevious(0.999, 1_000_000), 1e-12);
  }

  @Test
  void swappingTwiceRestoresBothAndStateRoundTrips() {
    Parameter p = new Parameter("w", Tensor.of(new float[3], 3));
    ParameterAverage avg = new ParameterAverage(List.of(p), DECAY);
    for (int i = 1; i <= 5; i++) {
      setValue(p, i);
      avg.updateInPlace();
    }
    var state = avg.state();
    avg.swapInPlace();
    avg.swapInPlace();
    assertArrayEquals(valueAt(5), p.value().toArray());
    ParameterAverage other = new ParameterAverage(List.of(p), DECAY);
    other.restore(state);
    assertEquals(5, other.count());
    setValue(p, 6);
    avg.updateInPlace();
    other.updateInPlace();
    assertArrayEquals(avg.state().get("w"), other.state().get("w"));
  }

  @Test
  void decayOutsideTheOpenUnitIntervalIsRejected() {
    Parameter p = new Parameter("w", Tensor.of(new float[3], 3));
    assertThrows(IllegalArgumentException.class, () -> new ParameterAverage(List.of(p), 1));
    assertThrows(IllegalArgumentException.class, () -> new ParameterAverage(List.of(p), 0));
  }
}
