package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GaussianMixtureTargetTest {
  private static final GaussianMixtureTarget MIXTURE = new GaussianMixtureTarget();
  private static final int SAMPLES = 200_000;

  @Test
  void logDensityMatchesScipy() {
    // scipy 1.17.1, script golden/targets.py: log 2π + logaddexp(log ½ + mvn([−2,0], I), log ½ + mvn([2,0], 4I)).
    TargetChecks.assertGolden(MIXTURE, new double[] {
        -2.209879319015907, -0.8351220923609564, -2.2353143074491637, -3.263202260490649, -5.268369758703588});
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    TargetChecks.assertGradient(MIXTURE, 51, 8);
  }

  @Test
  void quadratureGivesLogTwoPiAndTheStatedEntropy() {
    // h = 0.05 resolves unit-variance components; beyond ±25 lies under 1e-30 of the mass.
    TargetChecks.Quadrature q = TargetChecks.quadrature(MIXTURE, -25, 25, 1001);
    assertEquals(Math.log(2 * Math.PI), q.logZ(), 1e-5);
    assertEquals(1.8379, MIXTURE.logZ().orElseThrow(), 5e-5);
    // The stated entropy carries 6 significant digits.
    assertEquals(MIXTURE.entropy().orElseThrow(), q.entropy(), 1e-5);
  }

  @Test
  void samplerHasTheExactMoments() {
    // x0: E[x0²] = ½(4 + 1) + ½(4 + 4) = 6.5; E[x0⁴] = Σ ½(μ⁴ + 6μ²σ² + 3σ⁴) = ½(43 + 160) = 101.5.
    // x1: E[x1²] = ½(1 + 4) = 2.5; E[x1⁴] = ½(3 + 48) = 25.5.
    Tensor x = MIXTURE.sample(RngKey.of(52), SAMPLES);
    TargetChecks.assertMoments(x, 0, 6.5, 101.5, "x0");
    TargetChecks.assertMoments(x, 1, 2.5, 25.5, "x1");
  }

  @Test
  void samplerPicksEachComponentHalfTheTime() {
    Tensor x = MIXTURE.sample(RngKey.of(53), SAMPLES);
    // P(x0 < 0) = ½Φ(2) + ½Φ(−1) = ½(0.977250 + 0.158655) = 0.567952.
    double p = 0.5 * (0.9772498680518208 + 0.15865525393145707);
    HardRegion left = new HardRegion("x0 < 0", p, 0, 0.0);
    TargetChecks.assertWithinSe("P(x0 < 0)", p, left.fractionInside(x), Math.sqrt(p * (1 - p) / SAMPLES));
  }

  @Test
  void monteCarloEntropyMatchesTheStatedEntropy() {
    double[] h = TargetChecks.monteCarloEntropy(MIXTURE, MIXTURE.sample(RngKey.of(54), SAMPLES));
    TargetChecks.assertWithinSe("mixture entropy", MIXTURE.entropy().orElseThrow(), h[0], h[1]);
  }
}
