package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ManyWellTest {
  /** Moments of one double-well coordinate, scipy.integrate.quad (golden/hard_targets.py). */
  private static final double MEAN = 1.1879609833761462;
  private static final double SECOND = 2.9598060904889367;
  private static final double FOURTH = 9.277913394388827;
  private static final double RIGHT_WELL = 0.8443070962111395;

  @Test
  void logDensityMatchesGolden() {
    ManyWell t = ManyWell.of(32);
    float[] x = new float[32];
    for (int j = 0; j < 32; j++) {
      x[j] = (float) (-2.0 + 4.2 * j / 31);
    }
    double got = t.logDensity(Tensor.wrap(x, 1, 32)).item();
    assertEquals(67.5354252223826, got, TargetChecks.GOLDEN_RELATIVE * 67.5);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    TargetChecks.assertGradient(ManyWell.of(8), 4, 6);
  }

  /** log Z: Simpson's rule of the 1-D well in this test against scipy's quad, and the D = 32 sum. */
  @Test
  void logZIsTheSumOverIndependentPairs() {
    int n = 8001;
    double[] x = TargetChecks.nodes(n, -5, 5);
    double[] w = TargetChecks.simpsonWeights(n, -5, 5);
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += w[i] * Math.exp(0.5 * x[i] + 6 * x[i] * x[i] - Math.pow(x[i], 4));
    }
    assertEquals(ManyWell.LOG_WELL_INTEGRAL, Math.log(s), 1e-10);
    assertEquals(164.69567531318188, ManyWell.of(32).logZ().getAsDouble(), 1e-10);
    assertEquals(ManyWell.LOG_WELL_INTEGRAL + 0.5 * LogSpace.LOG_2PI, ManyWell.of(2).logZ().getAsDouble(), 1e-12);
  }

  /** Exact samples: moments and well occupancy of the double-well coordinates, moments of the normal ones. */
  @Test
  void exactSamplesHaveTheRightMoments() {
    int n = 20_000;
    ManyWell t = ManyWell.of(4);
    Tensor x = t.sample(RngKey.of(9), n);
    float[] b = x.buffer();
    double s1 = 0;
    double s2 = 0;
    double right = 0;
    int m = 2 * n;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 4; j += 2) {
        double v = b[4 * i + j];
        s1 += v;
        s2 += v * v;
        right += v > 0 ? 1 : 0;
      }
    }
    TargetChecks.assertWithinSe("well E[x]", MEAN, s1 / m, Math.sqrt((SECOND - MEAN * MEAN) / m));
    TargetChecks.assertWithinSe("well E[x²]", SECOND, s2 / m, Math.sqrt((FOURTH - SECOND * SECOND) / m));
    TargetChecks.assertWithinSe("well P(x > 0)", RIGHT_WELL, right / m,
        Math.sqrt(RIGHT_WELL * (1 - RIGHT_WELL) / m));
    TargetChecks.assertMoments(x, 1, 1, 3, "normal coordinate 1");
    TargetChecks.assertMoments(x, 3, 1, 3, "normal coordinate 3");
  }

  @Test
  void oddOrTinyDimensionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ManyWell.of(3));
    assertThrows(IllegalArgumentException.class, () -> Targets.of("many-well:0"));
    assertEquals("many-well:32", Targets.of("many-well").name());
    assertEquals(6, Targets.of("many-well:6").dim());
  }
}
