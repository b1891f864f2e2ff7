package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.models.Ppca;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * AIS against a fitted probabilistic PCA model, whose log p(x) comes from {@link Ppca#logProb(double[][])} (the
 * matrix determinant lemma on C = W Wᵀ + σ² I), a code path independent of both AIS and the linear-Gaussian
 * fixture: the PPCA fit's W, b and σ are run through AIS as an LVM, and each forward chain's weight must be unbiased
 * for p(x) and the AIS estimate of log p(x) must agree with the closed form.
 */
class AisOnPpcaTest {
  private static final int ROWS = 3;

  @Test
  void forwardAisRecoversTheExactLogDensityOfAFittedPpca() {
    double[][] loadings = {{1.2, 0.0}, {0.8, -0.5}, {-0.4, 1.0}, {0.3, 0.7}, {0.0, -0.9}};
    Ppca truth = Ppca.of(new double[] {0.5, -1.0, 0.2, 0.0, 1.5}, loadings, 0.25);
    double[][] train = truth.sample(RngKey.of(71), 2000);
    Ppca fitted = Ppca.fit(train, 2);
    double[][] rows = truth.sample(RngKey.of(72), ROWS);
    double[] exact = fitted.logProb(rows);

    LinearGaussianModel asLvm = LinearGaussianModel.of(fitted.loadings(), fitted.mean(),
        Math.sqrt(fitted.noiseVariance()));
    double[] flat = new double[ROWS * rows[0].length];
    for (int i = 0; i < ROWS; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    }
    Tensor x = Tensor.of(flat, ROWS, rows[0].length);
    double[] viaFixture = asLvm.exactLogMarginal(x);
    for (int i = 0; i < ROWS; i++) {
      assertEquals(exact[i], viaFixture[i], 1e-3, "PPCA and linear-Gaussian closed forms, row " + i);
    }

    DiagNormal q = Fixtures.imperfectProposal(new Tape(), asLvm, x, 0.3f, 1.3f);
    Ais.Result r = Ais.of(50).withChains(2000).forward(asLvm, x, q, RngKey.of(73));
    for (int i = 0; i < ROWS; i++) {
      double[] logW = r.logWeights()[i];
      double[] ratio = new double[logW.length];
      for (int c = 0; c < logW.length; c++) {
        ratio[c] = Math.exp(logW[c] - exact[i]);
      }
      Fixtures.assertWithinFourSe("AIS w / p(x) on fitted PPCA, row " + i, Fixtures.mean(ratio),
          Fixtures.stdErr(ratio), 1.0);
      double gap = r.logMarginal()[i] - exact[i];
      System.out.printf("row %d: AIS log p(x) %.5f, PPCA %.5f, gap %.5f%n", i, r.logMarginal()[i], exact[i], gap);
      assertTrue(Math.abs(gap) < 0.02, "AIS log p(x) is " + gap + " nats from the PPCA closed form, row " + i);
    }
  }
}
