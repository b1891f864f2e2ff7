package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Var;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The reverse-KL metrics against an exact KL. A surrogate without hidden layers and with a constant decoder variance
 * is a linear-Gaussian model, so q(x) = N(c, AAᵀ + σ²I) exactly; the target is an unnormalized Gaussian
 * {@code p̃ = e^C N(m, diag(s²))} with log Z = C. Then
 *
 * <pre>
 *   KL(q‖p) = ½ [tr(S⁻¹Σ_q) + (m − c)ᵀ S⁻¹ (m − c) − 2 + log(det S / det Σ_q)],
 *   E_q[−log p] = ½ [tr(S⁻¹Σ_q) + (m − c)ᵀ S⁻¹ (m − c)] + ½ log det(2πS),
 * </pre>
 *
 * and {@code klSumo} (unbiased) and {@code crossEntropy} must match them within 4 standard errors, while
 * {@code klIwae} (biased low) must not exceed the KL by more than 4. A mutant that forgets log Z, or subtracts it,
 * is off by |C| = 1.3 nats.
 */
class SurrogateMetricsExactTest {
  private static final double[][] A = {{1.2, 0.3}, {-0.4, 0.8}};
  private static final double[] C_MEAN = {0.5, -0.3};
  private static final double RAW_LOG_VAR = -1.0;
  private static final double[] M = {0.2, 0.1};
  private static final double[] S = {1.5, 1.1};
  private static final double LOG_Z = 1.3;

  /** The unnormalized Gaussian target. */
  private static final class ShiftedGaussian implements Target {
    @Override
    public String name() {
      return "shifted-gaussian";
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public Var logDensity(Var x) {
      var tape = x.tape();
      Var r = x.sub(tape.constant(dev.marginal.tensor.Tensor.of(M, 2)))
          .mul(tape.constant(dev.marginal.tensor.Tensor.of(new double[] {1 / S[0], 1 / S[1]}, 2)));
      double constant = -Math.log(S[0]) - Math.log(S[1]) - Math.log(2 * Math.PI) + LOG_Z;
      return r.square().sum(1, false).mul(-0.5f).add((float) constant);
    }

    @Override
    public OptionalDouble logZ() {
      return OptionalDouble.of(LOG_Z);
    }
  }

  private static DeepLvm surrogate() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(2, 2, new int[0], Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    double sigma2 = noiseVariance();
    // Decoder z → [mean (2), raw log-variance (2)]: W is [in, out].
    float[] wd = m.decoderParameters().get(0).value().buffer();
    float[] bd = m.decoderParameters().get(1).value().buffer();
    java.util.Arrays.fill(wd, 0f);
    for (int j = 0; j < 2; j++) {
      for (int k = 0; k < 2; k++) {
        wd[j * 4 + k] = (float) A[k][j];
      }
      bd[j] = (float) C_MEAN[j];
      bd[2 + j] = (float) RAW_LOG_VAR;
    }
    // Encoder x → [mean, log-variance] of the mean-field posterior: Σ_post = (I + AᵀA/σ²)⁻¹, μ = Σ_post Aᵀ (x − c)/σ².
    double[][] prec = new double[2][2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        prec[i][j] = (i == j ? 1 : 0) + (A[0][i] * A[0][j] + A[1][i] * A[1][j]) / sigma2;
      }
    }
    double det = prec[0][0] * prec[1][1] - prec[0][1] * prec[1][0];
    double[][] post = {{prec[1][1] / det, -prec[0][1] / det}, {-prec[1][0] / det, prec[0][0] / det}};
    double[][] b = new double[2][2]; // B = Σ_post Aᵀ / σ²
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        b[i][j] = (post[i][0] * A[j][0] + post[i][1] * A[j][1]) / sigma2;
      }
    }
    float[] we = m.encoderParameters().get(0).value().buffer();
    float[] be = m.encoderParameters().get(1).value().buffer();
    java.util.Arrays.fill(we, 0f);
    for (int k = 0; k < 2; k++) {
      for (int j = 0; j < 2; j++) {
        we[j * 4 + k] = (float) b[k][j];
      }
      be[k] = (float) -(b[k][0] * C_MEAN[0] + b[k][1] * C_MEAN[1]);
      be[2 + k] = (float) Math.log(post[k][k]);
    }
    return m;
  }

  /** σ² = exp(20 tanh(raw/20)), the decoder's soft log-variance bound. */
  private static double noiseVariance() {
    return Math.exp(DeepLvm.LOG_VAR_BOUND * Math.tanh(RAW_LOG_VAR / DeepLvm.LOG_VAR_BOUND));
  }

  @Test
  void metricsMatchTheExactKlOfAGaussianSurrogate() {
    double s2 = noiseVariance();
    double[][] q = new double[2][2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        q[i][j] = A[i][0] * A[j][0] + A[i][1] * A[j][1] + (i == j ? s2 : 0);
      }
    }
    double trace = q[0][0] / (S[0] * S[0]) + q[1][1] / (S[1] * S[1]);
    double quad = Math.pow(M[0] - C_MEAN[0], 2) / (S[0] * S[0]) + Math.pow(M[1] - C_MEAN[1], 2) / (S[1] * S[1]);
    double logDetS = 2 * Math.log(S[0]) + 2 * Math.log(S[1]);
    double logDetQ = Math.log(q[0][0] * q[1][1] - q[0][1] * q[1][0]);
    double kl = 0.5 * (trace + quad - 2 + logDetS - logDetQ);
    double crossEntropy = 0.5 * (trace + quad) + 0.5 * logDetS + Math.log(2 * Math.PI);

    SurrogateMetrics m = SurrogateMetrics.evaluate(surrogate(), new ShiftedGaussian(), 0,
        new SurrogateMetrics.Settings(4000, 200, 4, 2000), RngKey.of(9));
    assertTrue(m.normalized());
    assertWithinFourSe("klSumo", m.klSumo(), m.klSumoSe(), kl);
    assertWithinFourSe("crossEntropy", m.crossEntropy(), m.crossEntropySe(),
        crossEntropy);
    assertTrue(m.klIwae() <= kl + 4 * m.klIwaeSe(), "klIwae " + m.klIwae() + " above the exact KL " + kl);
  }

  private static void assertWithinFourSe(String what, double mean, double se, double target) {
    double z = (mean - target) / se;
    System.out.printf("%s: %.5f vs exact %.5f (se %.5f): z = %.2f%n", what, mean, target, se, z);
    assertTrue(Math.abs(z) <= 4, what + ": z = " + z);
  }
}
