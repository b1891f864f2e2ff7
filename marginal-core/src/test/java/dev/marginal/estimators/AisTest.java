package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * AIS and reverse AIS against the exact log p(x) of the linear-Gaussian model (which is probabilistic PCA when, as
 * here, the noise is isotropic): each forward chain's weight is unbiased for p(x) and each reverse chain's for
 * 1/p(x), so {@code mean_c exp(log w_c ∓ log p(x))} must be 1 within 4 standard errors; and the two bounds must
 * sandwich log p(x), tightly once the path has enough steps.
 */
class AisTest {
  private final LinearGaussianModel model = Fixtures.correlatedModel();
  private final Tensor x = Fixtures.data(model);
  private final double[] logPx = model.exactLogMarginal(x);

  private DiagNormal proposal() {
    return Fixtures.imperfectProposal(new Tape(), model, x, 0.3f, 1.3f);
  }

  /** {@code perPoint} exact posterior draws per point: mean + L ε with L Lᵀ the posterior covariance. */
  private Tensor posteriorSamples(RngKey key, int perPoint) {
    double[][] mean = model.posteriorMean(x);
    double[][] c = model.posteriorCovariance();
    double l00 = Math.sqrt(c[0][0]);
    double l10 = c[1][0] / l00;
    double l11 = Math.sqrt(c[1][1] - l10 * l10);
    int n = x.dim(0) * perPoint;
    double[] z = new double[n * 2];
    for (int r = 0; r < n; r++) {
      int i = r / perPoint;
      float[] e = key.foldIn(r).normals(2);
      z[2 * r] = mean[i][0] + l00 * e[0];
      z[2 * r + 1] = mean[i][1] + l10 * e[0] + l11 * e[1];
    }
    return Tensor.of(z, n, 2);
  }

  private static void assertWeightsUnbiased(String what, double[] logW, double shift) {
    double[] ratio = new double[logW.length];
    for (int c = 0; c < logW.length; c++) {
      ratio[c] = Math.exp(logW[c] + shift);
    }
    Fixtures.assertWithinFourSe(what, Fixtures.mean(ratio), Fixtures.stdErr(ratio), 1.0);
  }

  @Test
  void forwardWeightsAreUnbiasedForTheMarginal() {
    Ais.Result r = Ais.of(10).withChains(4000).forward(model, x, proposal(), RngKey.of(61));
    System.out.printf("AIS T = 10: acceptance %.2f%n", r.acceptance());
    for (int i = 0; i < x.dim(0); i++) {
      assertWeightsUnbiased("AIS w / p(x), point " + i, r.logWeights()[i], -logPx[i]);
    }
  }

  @Test
  void reverseWeightsAreUnbiasedForTheInverseMarginal() {
    Ais.Result r = Ais.of(10).withChains(4000).reverse(model, x, proposal(), posteriorSamples(RngKey.of(62), 4000),
        RngKey.of(63));
    for (int i = 0; i < x.dim(0); i++) {
      assertWeightsUnbiased("reverse AIS w · p(x), point " + i, r.logWeights()[i], logPx[i]);
    }
  }

  /**
   * Per chain, E[log w] ≤ log p(x) forward and E[−log w] ≥ log p(x) in reverse (Jensen on the unbiased weights),
   * each checked within 4 standard errors; with T = 200 the two sides are within 0.1 nats of each other.
   */
  @Test
  void forwardAndReverseSandwichTheExactLogMarginal() {
    Ais ais = Ais.of(200).withChains(64);
    Ais.Result lower = ais.forward(model, x, proposal(), RngKey.of(64));
    Ais.Result upper = ais.reverse(model, x, proposal(), posteriorSamples(RngKey.of(65), 64), RngKey.of(66));
    for (int i = 0; i < x.dim(0); i++) {
      double[] lw = lower.logWeights()[i];
      double[] up = upper.logWeights()[i].clone();
      for (int c = 0; c < up.length; c++) {
        up[c] = -up[c];
      }
      double lo = Fixtures.mean(lw);
      double hi = Fixtures.mean(up);
      System.out.printf("point %d: AIS %.5f ± %.5f ≤ log p(x) %.5f ≤ reverse AIS %.5f ± %.5f%n", i, lo,
          Fixtures.stdErr(lw), logPx[i], hi, Fixtures.stdErr(up));
      assertTrue(lo <= logPx[i] + 4 * Fixtures.stdErr(lw), "forward AIS above log p(x): " + lo);
      assertTrue(hi >= logPx[i] - 4 * Fixtures.stdErr(up), "reverse AIS below log p(x): " + hi);
      assertTrue(hi - lo < 0.1, "the two sides are " + (hi - lo) + " nats apart");
    }
    assertTrue(lower.acceptance() > 0.4 && lower.acceptance() < 0.95, "acceptance " + lower.acceptance());
  }

  @Test
  void scheduleRunsFromZeroToOneIncreasing() {
    double[] b = Ais.of(50).schedule();
    assertTrue(b[0] == 0 && b[50] == 1);
    for (int t = 1; t <= 50; t++) {
      assertTrue(b[t] > b[t - 1]);
    }
  }

  /** T + 1 temperatures must fit one array: T = Integer.MAX_VALUE would overflow T + 1 to a negative length. */
  @Test
  void stepsWhoseScheduleOverflowsAreRefused() {
    for (int steps : new int[] {Integer.MAX_VALUE, Ais.MAX_STEPS + 1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ais.of(steps));
      assertEquals("steps must be at most 2147483638 (T + 1 temperatures fill one array), got " + steps,
          e.getMessage());
    }
    assertEquals(Ais.MAX_STEPS, Ais.of(Ais.MAX_STEPS).steps());
  }
}
