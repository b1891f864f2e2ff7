package dev.marginal.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LinearGaussianModel;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reparameterized, score-function, DReG and STL gradients on linear-Gaussian models with exact answers. */
class PathwiseGradientsTest {
  private static final int REPEATS = 4000;
  private static final int PER_REPEAT = 4;
  private final LinearGaussianModel model = LinearGaussianModel.of(
      new double[][] {{1.0, 0.5}, {-0.6, 0.8}, {0.3, -1.2}}, new double[] {0.5, -0.2, 0.1}, 0.7);
  private final float[] x = {1.2f, -0.4f, 0.3f};
  private final float[] mu = {0.4f, -0.3f};
  private final float[] logS = {-0.6f, -0.2f};

  /**
   * ∇ over (μ, log s) of E_{z~N(μ, s²)}[log p(x, z)] in closed form:
   * ∂/∂μ = Wᵀ(x − Wμ − b)/σ² − μ and ∂/∂log s_j = −s_j²(‖W_{:,j}‖²/σ² + 1).
   */
  private double[] exactGradient() {
    float[] w = model.weight().value().buffer();
    float[] b = model.bias().value().buffer();
    double s2 = Math.exp(2.0 * model.logNoiseStd().value().item());
    double[] r = new double[3];
    for (int i = 0; i < 3; i++) {
      r[i] = x[i] - b[i] - (w[2 * i] * mu[0] + w[2 * i + 1] * mu[1]);
    }
    double[] g = new double[4];
    for (int j = 0; j < 2; j++) {
      double wr = 0;
      double wn = 0;
      for (int i = 0; i < 3; i++) {
        wr += w[2 * i + j] * r[i];
        wn += w[2 * i + j] * w[2 * i + j];
      }
      g[j] = wr / s2 - mu[j];
      g[2 + j] = -Math.exp(2.0 * logS[j]) * (wn / s2 + 1);
    }
    return g;
  }

  /** Per-repeat gradients of (μ, log s), each repeat averaging PER_REPEAT samples; all repeats in one pass. */
  private double[][] gradients(boolean reparameterized, long seed) {
    int n = REPEATS * PER_REPEAT;
    Tape tape = new Tape();
    Var loc = tape.variable(Tensor.of(mu, 2).broadcastTo(REPEATS, 2));
    Var logScale = tape.variable(Tensor.of(logS, 2).broadcastTo(REPEATS, 2));
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i / PER_REPEAT;
    }
    DiagNormal q = DiagNormal.ofLogScale(loc, logScale).gather(rows);
    Var xs = tape.constant(Tensor.of(x, 1, 3).broadcastTo(n, 3));
    Var z = q.rsample(RngKey.of(seed));
    if (reparameterized) {
      tape.backward(model.logLikelihood(xs, z).add(model.logPrior(z)).mean());
    } else {
      Var zc = z.stopGradient();
      Tensor f = model.logLikelihood(xs, zc).add(model.logPrior(zc)).value();
      Tensor baseline = ScoreFunction.leaveOneOutBaseline(f.reshape(REPEATS, PER_REPEAT)).reshape(n);
      tape.backward(ScoreFunction.surrogate(q.logProb(zc), f, baseline));
    }
    double[][] gl = GradStats.rows(tape.grad(loc).buffer(), REPEATS, REPEATS);
    double[][] gs = GradStats.rows(tape.grad(logScale).buffer(), REPEATS, REPEATS);
    double[][] out = new double[REPEATS][];
    for (int r = 0; r < REPEATS; r++) {
      out[r] = new double[] {gl[r][0], gl[r][1], gs[r][0], gs[r][1]};
    }
    return out;
  }

  @Test
  void reparameterizedGradientMatchesTheClosedForm() {
    GradStats.assertMeanWithinFourSe("reparameterized", gradients(true, 1), exactGradient());
  }

  @Test
  void scoreFunctionGradientMatchesTheClosedForm() {
    GradStats.assertMeanWithinFourSe("score function (leave-one-out)", gradients(false, 2), exactGradient());
  }

  @Test
  void reparameterizedAndScoreFunctionGradientsAgreeAndReparameterizationHasLessVariance() {
    double[][] rep = gradients(true, 3);
    double[][] score = gradients(false, 4);
    double[] mr = GradStats.mean(rep);
    double[] ms = GradStats.mean(score);
    double[] vr = GradStats.variance(rep);
    double[] vs = GradStats.variance(score);
    for (int j = 0; j < mr.length; j++) {
      double z = (mr[j] - ms[j]) / Math.sqrt((vr[j] + vs[j]) / REPEATS);
      System.out.printf("reparameterized vs score, component %d: z = %.2f%n", j, z);
      assertTrue(Math.abs(z) <= 4, "component " + j + ": z = " + z);
    }
    System.out.printf("total variance: reparameterized %.4f, score %.4f%n", GradStats.totalVariance(rep),
        GradStats.totalVariance(score));
    assertTrue(GradStats.totalVariance(rep) < GradStats.totalVariance(score));
  }

  // ------------------------------------------------------------------ DReG

  private static final int DREG_REPEATS = 1500;
  private static final int K = 8;

  /** Gradients [encoder loc, encoder logScale, decoder W] for one repeat of IWAE or DReG. */
  private double[] iwaeOrDregGradient(boolean dreg, RngKey key, Tensor data, DiagNormal base) {
    Tape tape = new Tape();
    Var loc = tape.variable(base.loc().value());
    Var logScale = tape.variable(base.logScale().value());
    DiagNormal q = DiagNormal.ofLogScale(loc, logScale);
    Var xs = tape.constant(data);
    RngKey[] keys = ImportanceSamples.pointKeys(key, data.dim(0));
    model.weight().zeroGrad();
    if (dreg) {
      tape.backward(Dreg.surrogate(model, xs, q, K, keys).surrogate());
    } else {
      tape.backward(Iwae.of(K).logMarginal(model, xs, q, keys).mean());
    }
    float[] a = tape.grad(loc).buffer();
    float[] b = tape.grad(logScale).buffer();
    float[] c = model.weight().grad().buffer();
    double[] out = new double[a.length + b.length + c.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    for (int i = 0; i < b.length; i++) {
      out[a.length + i] = b[i];
    }
    for (int i = 0; i < c.length; i++) {
      out[a.length + b.length + i] = c[i];
    }
    return out;
  }

  @Test
  void dregMatchesTheIwaeGradientInExpectationWithLessEncoderVariance() {
    Tensor data = Tensor.ofRows(x, new float[] {-0.5f, 0.9f, 1.4f});
    DiagNormal base = model.diagonalPosterior(new Tape(), data);
    Tape t = new Tape();
    base = DiagNormal.ofLogScale(t.constant(base.loc().value().add(0.3f)),
        t.constant(base.logScale().value().broadcastTo(2, 2).add(0.2f)));
    double[][] diff = new double[DREG_REPEATS][];
    double[][] iwae = new double[DREG_REPEATS][];
    double[][] dreg = new double[DREG_REPEATS][];
    int encoder = 8;
    for (int r = 0; r < DREG_REPEATS; r++) {
      RngKey key = RngKey.of(7).foldIn(r);
      iwae[r] = iwaeOrDregGradient(false, key, data, base);
      dreg[r] = iwaeOrDregGradient(true, key, data, base);
      diff[r] = new double[iwae[r].length];
      for (int j = 0; j < diff[r].length; j++) {
        diff[r][j] = dreg[r][j] - iwae[r][j];
      }
      // Same samples, same self-normalized weights: the decoder gradients agree draw by draw.
      for (int j = encoder; j < diff[r].length; j++) {
        assertEquals(iwae[r][j], dreg[r][j], 1e-4 * (1 + Math.abs(iwae[r][j])), "decoder component " + j);
      }
    }
    // Paired differences on the encoder: zero mean if DReG is unbiased for the IWAE gradient.
    double[][] encoderDiff = new double[DREG_REPEATS][];
    double[][] encoderIwae = new double[DREG_REPEATS][];
    double[][] encoderDreg = new double[DREG_REPEATS][];
    for (int r = 0; r < DREG_REPEATS; r++) {
      encoderDiff[r] = java.util.Arrays.copyOf(diff[r], encoder);
      encoderIwae[r] = java.util.Arrays.copyOf(iwae[r], encoder);
      encoderDreg[r] = java.util.Arrays.copyOf(dreg[r], encoder);
    }
    GradStats.assertMeanWithinFourSe("DReG − IWAE encoder gradient", encoderDiff, new double[encoder]);
    double vi = GradStats.totalVariance(encoderIwae);
    double vd = GradStats.totalVariance(encoderDreg);
    System.out.printf("encoder gradient variance: IWAE %.5f, DReG %.5f%n", vi, vd);
    assertTrue(vd < vi, "DReG should reduce the encoder gradient's variance");
  }

  // ------------------------------------------------------------------ STL

  @Test
  void stickingTheLandingHasZeroEncoderGradientAtTheExactPosterior() {
    LinearGaussianModel orthogonal = LinearGaussianModel.of(new double[][] {{1.0, 0.4}, {2.0, -0.2}, {0.0, 1.0}},
        new double[] {0.5, -0.2, 0.1}, 0.6);
    Tensor data = Tensor.ofRows(x, new float[] {-0.5f, 0.9f, 1.4f});
    DiagNormal post = orthogonal.diagonalPosterior(new Tape(), data);
    Tape tape = new Tape();
    Var loc = tape.variable(post.loc().value());
    Var logScale = tape.variable(post.logScale().value().broadcastTo(2, 2));
    DiagNormal q = DiagNormal.ofLogScale(loc, logScale);
    RngKey[] keys = ImportanceSamples.pointKeys(RngKey.of(8), 2);
    tape.backward(StickingTheLanding.elboSurrogate(orthogonal, tape.constant(data), q, 16, keys));
    float stl = tape.grad(loc).abs().sum() + tape.grad(logScale).abs().sum();
    Tape tape2 = new Tape();
    Var loc2 = tape2.variable(post.loc().value());
    Var logScale2 = tape2.variable(post.logScale().value().broadcastTo(2, 2));
    int[] counts = {16, 16};
    tape2.backward(ImportanceSamples.draw(orthogonal, tape2.constant(data), DiagNormal.ofLogScale(loc2, logScale2),
        counts, keys).logWeights().mean());
    float plain = tape2.grad(loc2).abs().sum() + tape2.grad(logScale2).abs().sum();
    System.out.printf("encoder gradient L1 at the exact posterior: STL %.2e, reparameterized ELBO %.2e%n", stl,
        plain);
    assertTrue(stl < 1e-4, "STL gradient should vanish at the exact posterior, got " + stl);
    assertTrue(plain > 100 * stl, "the plain reparameterized gradient is noisy there: " + plain);
  }
}
