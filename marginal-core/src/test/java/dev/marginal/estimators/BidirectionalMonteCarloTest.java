package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Bidirectional Monte Carlo on points simulated from the linear-Gaussian model: the exact mean log p(x) lies between
 * the forward and reverse AIS means (within 4 standard errors over points), and IWAE_K with a poor proposal lies
 * below the upper bound.
 */
class BidirectionalMonteCarloTest {
  @Test
  void aisBracketsTheExactMeanLogMarginalOfSimulatedPoints() {
    LinearGaussianModel model = Fixtures.correlatedModel();
    int n = 40;
    float[] w = model.weight().value().buffer();
    float[] b = model.bias().value().buffer();
    float sigma = (float) Math.exp(model.logNoiseStd().value().item());
    float[] z = RngKey.of(71).normals(n * 2);
    float[] noise = RngKey.of(72).normals(n * 3);
    float[] x = new float[n * 3];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = w[j * 2] * z[i * 2] + w[j * 2 + 1] * z[i * 2 + 1] + b[j] + sigma * noise[i * 3 + j];
      }
    }
    Tensor xs = Tensor.wrap(x, n, 3);
    double exact = Fixtures.mean(model.exactLogMarginal(xs));
    BidirectionalMonteCarlo.Report r = BidirectionalMonteCarlo.run(model, xs, Tensor.wrap(z, n, 2),
        Fixtures.imperfectProposal(new Tape(), model, xs, 0.5f, 0.8f), Ais.of(100).withChains(8), 5, 1,
        RngKey.of(73));
    System.out.println(r + ", exact mean " + exact);
    assertTrue(r.aisLower() <= exact + 4 * r.aisLowerSe(), "lower " + r.aisLower() + " vs exact " + exact);
    assertTrue(r.aisUpper() >= exact - 4 * r.aisUpperSe(), "upper " + r.aisUpper() + " vs exact " + exact);
    assertTrue(r.iwae() <= r.aisUpper(), "IWAE_5 " + r.iwae() + " above the upper bound " + r.aisUpper());
    java.util.Map<String, Object> m = r.toMap();
    assertEquals(r.iwae(), m.get("bdmc_iwae_5"));
    assertEquals(r.iwaeSe(), m.get("bdmc_iwae_5_se"), "the x / x_se convention");
    assertEquals(r.iwaeSe(), m.get("bdmc_iwae_se"), "the older name stays");
    for (String key : m.keySet()) {
      boolean paired = !key.endsWith("_se") || m.containsKey(key.substring(0, key.length() - "_se".length()));
      assertTrue(paired || key.equals(BidirectionalMonteCarlo.Report.IWAE_SE_ALIAS), key + " pairs with no field");
    }
  }
}
