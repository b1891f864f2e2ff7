package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ManyModeMixtureTest {
  private final ManyModeMixture gmm = new ManyModeMixture();

  /** The means are the ones golden/hard_targets.py integrates (first, a close pair, last). */
  @Test
  void meansAreTheRecordedDraws() {
    double[][] m = gmm.means();
    assertEquals(40, m.length);
    assertEquals(20.013811952219875, m[0][0], 0);
    assertEquals(39.1329842427293, m[0][1], 0);
    assertEquals(27.019171284487136, m[4][0], 0);
    assertEquals(-28.036440912493124, m[11][1], 0);
    assertEquals(32.06961818267631, m[39][0], 0);
    assertEquals(11.642906823017123, m[39][1], 0);
  }

  /** log p against numpy (golden/hard_targets.py). */
  @Test
  void logDensityMatchesGolden() {
    float[][] pts = {{0.3f, -0.7f}, {-1.5f, 0.4f}, {20f, 39f}, {27.5f, -28f}, {-3f, 3f}};
    double[] golden = {-15.621732072099302, -14.800947105237984, -5.535694309942486, -4.881924890608959,
        -13.278250239231078};
    double[] got = gmm.logDensity(Tensor.ofRows(pts)).toDoubleArray();
    for (int i = 0; i < pts.length; i++) {
      assertEquals(golden[i], got[i], TargetChecks.GOLDEN_RELATIVE * Math.abs(golden[i]), "point " + i);
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    TargetChecks.assertGradient(gmm, 3, 8);
  }

  /** Simpson's rule on [−48, 48]² gives log Z = 0 and the stated entropy. */
  @Test
  void quadratureGivesLogZeroAndTheEntropy() {
    TargetChecks.Quadrature q = TargetChecks.quadrature(gmm, -48, 48, 961);
    assertEquals(0, q.logZ(), 1e-6);
    assertEquals(ManyModeMixture.ENTROPY, q.entropy(), 1e-5);
  }

  /** Exact samples: the Monte Carlo entropy matches, and every mode holds its share. */
  @Test
  void exactSamplesHaveTheEntropyAndCoverEveryMode() {
    Tensor x = gmm.sample(RngKey.of(5), 40_000);
    double[] h = TargetChecks.monteCarloEntropy(gmm, x);
    TargetChecks.assertWithinSe("gmm40 entropy", ManyModeMixture.ENTROPY, h[0], h[1]);
    Modes modes = gmm.modes().orElseThrow();
    assertEquals(1.0, modes.fractionCovered(x, Modes.DEFAULT_MIN_FRACTION), 0);
    double[] share = modes.shares(x);
    for (int k = 0; k < share.length; k++) {
      // Binomial share of 1/40 (nearest-centre cells of overlapping pairs trade a little mass: allow 8 se).
      double se = Math.sqrt(0.025 * 0.975 / 40_000);
      assertEquals(0.025, share[k], 8 * se, "mode " + k);
    }
    Tensor oneMode = Tensor.wrap(new float[] {(float) gmm.means()[7][0], (float) gmm.means()[7][1]}, 1, 2);
    assertEquals(1.0 / 40, modes.fractionCovered(oneMode, Modes.DEFAULT_MIN_FRACTION), 0);
  }
}
