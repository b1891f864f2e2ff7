package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;

/** Shared oracles and statistical assertions for the estimator tests. */
final class Fixtures {
  private Fixtures() {}

  /** A 3-D observation, 2-D latent model whose posterior is correlated (W's columns are not orthogonal). */
  static LinearGaussianModel correlatedModel() {
    return LinearGaussianModel.of(new double[][] {{1.0, 0.5}, {-0.6, 0.8}, {0.3, -1.2}},
        new double[] {0.5, -0.2, 0.1}, 0.7);
  }

  /** A model with orthogonal columns of W, so its posterior is exactly a diagonal Gaussian. */
  static LinearGaussianModel orthogonalModel() {
    return LinearGaussianModel.of(new double[][] {{1.0, 0.4}, {2.0, -0.2}, {0.0, 1.0}},
        new double[] {0.5, -0.2, 0.1}, 0.6);
  }

  /** Four observations drawn from the model with a fixed key. */
  static Tensor data(LinearGaussianModel model) {
    return model.sample(RngKey.of(11), 4);
  }

  /**
   * A deliberately imperfect proposal: the mean-field posterior with its mean shifted by {@code shift} and its
   * scale multiplied by {@code scaleFactor}.
   */
  static DiagNormal imperfectProposal(Tape tape, LinearGaussianModel model, Tensor x, float shift,
      float scaleFactor) {
    DiagNormal post = model.diagonalPosterior(tape, x);
    Var loc = tape.constant(post.loc().value().add(shift));
    Var logScale = tape.constant(post.logScale().value().add((float) Math.log(scaleFactor)));
    return DiagNormal.ofLogScale(loc, logScale);
  }

  /** (mean − target) / se. */
  static double zScore(double mean, double se, double target) {
    return (mean - target) / se;
  }

  /** Asserts |mean − target| ≤ 4·se and prints the z-score. */
  static void assertWithinFourSe(String what, double mean, double se, double target) {
    double z = zScore(mean, se, target);
    System.out.printf("%s: mean %.5f, target %.5f, se %.5f, z = %.2f%n", what, mean, target, se, z);
    assertTrue(Math.abs(z) <= 4, () -> String.format("%s: mean %.5f vs target %.5f (se %.5f): z = %.2f", what,
        mean, target, se, z));
  }

  /** The mean of an array. */
  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** The standard error of the mean of an array. */
  static double stdErr(double[] v) {
    double m = mean(v);
    double ss = 0;
    for (double x : v) {
      ss += (x - m) * (x - m);
    }
    return Math.sqrt(ss / (v.length - 1) / v.length);
  }

  /** The sample variance of an array. */
  static double variance(double[] v) {
    double se = stdErr(v);
    return se * se * v.length;
  }
}
