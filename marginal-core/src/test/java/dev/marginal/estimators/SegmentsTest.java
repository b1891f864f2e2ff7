package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.GradCheck;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SegmentsTest {
  private static final int[] LENGTHS = {1, 3, 6, 2};
  private static final int[] STARTS = Segments.starts(LENGTHS);

  private static Tensor logWeights(float scale, float shift) {
    float[] v = RngKey.of(21).normals(STARTS[LENGTHS.length]);
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] * scale + shift;
    }
    return Tensor.wrap(v, v.length);
  }

  private static double[] weights(double base) {
    double[] a = new double[STARTS[LENGTHS.length]];
    for (int i = 0; i < a.length; i++) {
      a[i] = base + 0.7 * i;
    }
    return a;
  }

  @Test
  void unitWeightsGiveTheFullIwaeBoundOfEachSegment() {
    Tensor x = logWeights(2f, 0f);
    double[] ones = new double[x.size()];
    java.util.Arrays.fill(ones, 1.0);
    float[] out = Segments.prefixSeries(new Tape().constant(x), STARTS, ones).value().buffer();
    double[] xd = x.toDoubleArray();
    for (int s = 0; s < LENGTHS.length; s++) {
      double expected = LogSpace.logSumExp(xd, STARTS[s], STARTS[s + 1]) - Math.log(LENGTHS[s]);
      assertEquals(expected, out[s], 1e-5, "segment " + s);
    }
  }

  @Test
  void matchesTheDefinitionWithIncrementsOfPrefixBounds() {
    Tensor x = logWeights(1.5f, -3f);
    double[] a = weights(1.0);
    float[] out = Segments.prefixSeries(new Tape().constant(x), STARTS, a).value().buffer();
    double[] xd = x.toDoubleArray();
    for (int s = 0; s < LENGTHS.length; s++) {
      double value = xd[STARTS[s]];
      for (int j = 1; j < LENGTHS[s]; j++) {
        double next = LogSpace.logSumExp(xd, STARTS[s], STARTS[s] + j + 1) - Math.log(j + 1);
        double prev = LogSpace.logSumExp(xd, STARTS[s], STARTS[s] + j) - Math.log(j);
        value += a[STARTS[s] + j - 1] * (next - prev);
      }
      assertEquals(value, out[s], 1e-5, "segment " + s);
    }
  }

  @Test
  void shiftingAllLogWeightsShiftsTheSeriesWithoutOverflow() {
    double[] a = weights(2.0);
    float[] base = Segments.prefixSeries(new Tape().constant(logWeights(1f, 0f)), STARTS, a).value().buffer();
    float[] far = Segments.prefixSeries(new Tape().constant(logWeights(1f, -5000f)), STARTS, a).value().buffer();
    for (int s = 0; s < LENGTHS.length; s++) {
      // Float log-weights near −5000 carry rounding of ~2.4e-4 each; the coefficients sum to 1.
      assertEquals(base[s] - 5000.0, far[s], 2e-2, "segment " + s);
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    double[] a = weights(1.0);
    GradCheck.Result r = GradCheck.check(v -> Segments.prefixSeries(v[0], STARTS, a), RngKey.of(22),
        logWeights(1.5f, 0f));
    assertTrue(r.passed(), r::toString);
  }

  @Test
  void gradientMatchesFiniteDifferencesWithLargeTailWeights() {
    double[] a = weights(1.0);
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.pow(1.9, i);
    }
    GradCheck.Result r = GradCheck.check(v -> Segments.prefixSeries(v[0].mul(0.3f), STARTS, a), RngKey.of(23),
        logWeights(1f, 0f));
    assertTrue(r.passed(), r::toString);
  }

  @Test
  void gradientOfUnitWeightsIsTheSelfNormalizedWeight() {
    Tape tape = new Tape();
    Tensor x = logWeights(1f, 0f);
    Var v = tape.variable(x);
    double[] ones = new double[x.size()];
    java.util.Arrays.fill(ones, 1.0);
    tape.backward(Segments.prefixSeries(v, STARTS, ones).sum());
    float[] g = tape.grad(v).buffer();
    double[] xd = x.toDoubleArray();
    for (int s = 0; s < LENGTHS.length; s++) {
      double lse = LogSpace.logSumExp(xd, STARTS[s], STARTS[s + 1]);
      for (int i = STARTS[s]; i < STARTS[s + 1]; i++) {
        assertEquals(Math.exp(xd[i] - lse), g[i], 1e-6);
      }
    }
  }
}
