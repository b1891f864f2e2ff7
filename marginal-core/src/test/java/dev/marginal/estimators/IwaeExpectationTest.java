package dev.marginal.estimators;

import dev.marginal.autodiff.Tape;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * E[IWAE_K] for K = 2 and 3 against its exact value by quadrature, on a linear-Gaussian model with a 1-D latent:
 * {@code E[IWAE_K] = ∫ Π_k φ(ε_k) log((1/K) Σ_k w(μ + s ε_k)) dε}, with the trapezoidal rule on [−10, 10] in steps
 * of 0.2 per axis (spectrally accurate for these smooth Gaussian-weighted integrands; halving the step changes the
 * value by less than 1e-9). A mutant that drops or repeats a sample, or averages log-weights instead of weights,
 * fails by many standard errors.
 */
class IwaeExpectationTest {
  private static final int REPEATS = 20_000;
  private static final double STEP = 0.2;
  private static final int NODES = 101;

  private final LinearGaussianModel model = LinearGaussianModel.of(new double[][] {{1.0}, {0.5}, {-0.3}},
      new double[] {0.5, -0.2, 0.1}, 0.7);
  private final Tensor x = model.sample(RngKey.of(12), 3);

  /** log w(z) = log p(x|z) + log N(z; 0, 1) − log N(z; μ, s²) in double, from the model's float parameters. */
  private double logWeight(int point, double z, double mu, double s) {
    float[] w = model.weight().value().buffer();
    float[] b = model.bias().value().buffer();
    double sigma = StrictMath.exp(model.logNoiseStd().value().item());
    double ll = 0;
    for (int j = 0; j < w.length; j++) {
      double r = (x.get(point, j) - (w[j] * z + b[j])) / sigma;
      ll += -0.5 * r * r - StrictMath.log(sigma) - 0.5 * StrictMath.log(2 * Math.PI);
    }
    double e = (z - mu) / s;
    return ll + (-0.5 * z * z) - (-0.5 * e * e - StrictMath.log(s));
  }

  private double exactIwae(int point, int k, double mu, double s) {
    double[] lw = new double[NODES];
    double[] weight = new double[NODES];
    for (int i = 0; i < NODES; i++) {
      double eps = -10 + i * STEP;
      lw[i] = logWeight(point, mu + s * eps, mu, s);
      weight[i] = STEP * StrictMath.exp(-0.5 * eps * eps) / StrictMath.sqrt(2 * Math.PI);
    }
    int[] idx = new int[k];
    double total = 0;
    while (true) {
      double max = Double.NEGATIVE_INFINITY;
      double prob = 1;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, lw[idx[j]]);
        prob *= weight[idx[j]];
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += StrictMath.exp(lw[idx[j]] - max);
      }
      total += prob * (max + StrictMath.log(sum / k));
      int j = 0;
      while (j < k && ++idx[j] == NODES) {
        idx[j++] = 0;
      }
      if (j == k) {
        return total;
      }
    }
  }

  @Test
  void iwaeMatchesItsExactExpectationForTwoAndThreeSamples() {
    Tape tape = new Tape();
    DiagNormal post = model.diagonalPosterior(tape, x);
    // A proposal shifted by 0.5 and widened by 1.4 from the exact posterior, so that E[IWAE_K] moves with K.
    DiagNormal q = DiagNormal.ofLogScale(tape.constant(post.loc().value().add(0.5f)),
        tape.constant(post.logScale().value().add((float) Math.log(1.4))));
    for (int k : new int[] {1, 2, 3}) {
      Estimate e = Iwae.of(k).estimate(model, x, q, RngKey.of(100 + k), REPEATS);
      for (int i = 0; i < x.dim(0); i++) {
        double mu = q.loc().value().get(i, 0);
        double s = StrictMath.exp(q.logScale().value().get(i, 0));
        Fixtures.assertWithinFourSe("E[IWAE_" + k + "] point " + i, e.mean()[i], e.stdErr()[i],
            exactIwae(i, k, mu, s));
      }
    }
  }
}
