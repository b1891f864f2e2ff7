package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NealFunnelTest {
  private static final NealFunnel TWO = NealFunnel.of(2);
  private static final NealFunnel TEN = NealFunnel.of(10);

  @Test
  void logDensityMatchesScipy() {
    // scipy 1.17.1, script golden/targets.py: norm.logpdf(v, 0, 3) + Σ norm.logpdf(x_i, 0, exp(v/2)).
    TargetChecks.assertGolden(TWO, new double[] {
        -3.272989819144476, -2.6700244807045, -4.372414154775556, -5.934220195531076, -92.32140550942196});
    float[] x10 = {0.8f, -0.3f, 1.2f, 0.0f, -2.1f, 0.5f, 0.9f, -1.4f, 0.2f, 1.7f};
    double got = TEN.logDensity(Tensor.of(x10, 1, 10)).item();
    assertEquals(-16.594813867947277, got, TargetChecks.GOLDEN_RELATIVE * 16.6);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    TargetChecks.assertGradient(TWO, 31, 8);
    TargetChecks.assertGradient(TEN, 32, 6);
  }

  @Test
  void gradientMatchesItsClosedForm() {
    // d/dv = −v/9 − (D − 1)/2 + ½e^{−v}·Σ x_i²,  d/dx_i = −x_i·e^{−v}, in double.
    Tensor x = Tensor.wrap(RngKey.of(33).normals(4 * 10), 4, 10);
    double[] g = TargetChecks.gradient(TEN, x);
    float[] b = x.buffer();
    for (int i = 0; i < 4; i++) {
      double v = b[i * 10];
      double sumSquares = 0;
      for (int j = 1; j < 10; j++) {
        double xj = b[i * 10 + j];
        sumSquares += xj * xj;
        assertEquals(-xj * Math.exp(-v), g[i * 10 + j], 1e-5 * Math.max(1, Math.abs(g[i * 10 + j])));
      }
      double dv = -v / 9 - 4.5 + 0.5 * Math.exp(-v) * sumSquares;
      assertEquals(dv, g[i * 10], 1e-5 * Math.max(1, Math.abs(dv)));
    }
  }

  @Test
  void integratesToOneOnAGridThatFollowsTheNeck() {
    // x = e^{v/2}·u turns the integral into ∫∫ p(v, e^{v/2}·u)·e^{v/2} du dv; v spans ±10 standard deviations.
    int n = 801;
    double[] v = TargetChecks.nodes(n, -30, 30);
    double[] u = TargetChecks.nodes(n, -10, 10);
    float[] points = new float[2 * n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        points[2 * (i * n + j)] = (float) v[i];
        points[2 * (i * n + j) + 1] = (float) (Math.exp(v[i] / 2) * u[j]);
      }
    }
    double[] logF = TWO.logDensity(Tensor.wrap(points, n * n, 2)).toDoubleArray();
    for (int k = 0; k < logF.length; k++) {
      logF[k] += v[k / n] / 2;
    }
    double logZ = TargetChecks.integrate(logF, TargetChecks.simpsonWeights(n, -30, 30),
        TargetChecks.simpsonWeights(n, -10, 10)).logZ();
    assertEquals(0.0, logZ, 1e-5);
  }

  @Test
  void closedFormEntropyMatchesTheQuotedValues() {
    assertEquals(3.9365, TWO.entropy().orElseThrow(), 5e-5);
    assertEquals(15.288, TEN.entropy().orElseThrow(), 5e-4);
  }

  @Test
  void samplerHasTheExactMoments() {
    // v ~ N(0, 9): E[v²] = 9, E[v⁴] = 243.
    // x_i | v ~ N(0, e^v): E[x²] = E[e^v] = e^{4.5}, E[x⁴] = 3·E[e^{2v}] = 3e^{18}.
    Tensor x = TEN.sample(RngKey.of(41), 100_000);
    TargetChecks.assertMoments(x, 0, 9, 243, "v");
    for (int c = 1; c < 10; c++) {
      TargetChecks.assertMoments(x, c, Math.exp(4.5), 3 * Math.exp(18), "x" + c);
    }
  }

  @Test
  void samplerHitsTheNeckWithItsStatedProbability() {
    TargetChecks.assertHardRegionMass(TWO, TWO.sample(RngKey.of(42), 200_000));
  }

  @Test
  void monteCarloEntropyMatchesTheClosedForm() {
    double[] h2 = TargetChecks.monteCarloEntropy(TWO, TWO.sample(RngKey.of(43), 200_000));
    TargetChecks.assertWithinSe("neal-funnel:2 entropy", TWO.entropy().orElseThrow(), h2[0], h2[1]);
    double[] h10 = TargetChecks.monteCarloEntropy(TEN, TEN.sample(RngKey.of(44), 100_000));
    TargetChecks.assertWithinSe("neal-funnel:10 entropy", TEN.entropy().orElseThrow(), h10[0], h10[1]);
  }

  @Test
  void rejectsDimensionBelowTwo() {
    assertThrows(IllegalArgumentException.class, () -> NealFunnel.of(1));
    assertEquals("neal-funnel:10", TEN.name());
  }
}
