package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Var;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder's path gradient ({@link ReverseKlOptions#pathGradient()}) against the total gradient, on a surrogate
 * whose log q(x) estimate is exact. Without hidden layers and with a constant decoder variance the surrogate is
 * linear-Gaussian, q(x) = N(c, AAᵀ + σ²I); with orthogonal columns of A the exact posterior is a diagonal Gaussian,
 * linear in x, which the encoder is set to. Every importance weight then equals q(x), so SUMO returns log q(x)
 * exactly as a function of x, and:
 *
 * <ul>
 *   <li>against a target equal to q (times e^C) the path gradient is zero to rounding, while the total gradient
 *       keeps the score term ∇_θ log q_θ(x) at fixed x, which is not (a mutant that ignores the option fails);</li>
 *   <li>against another target both are unbiased for ∇ KL, so their paired difference has mean zero within 4
 *       standard errors per coordinate (a mutant that cuts x out of the log q estimate too is biased).</li>
 * </ul>
 */
class PathGradientTest {
  /** Columns (1.2, −0.4) and (0.3, 0.9) are orthogonal, so AᵀA is diagonal. */
  private static final double[][] A = {{1.2, 0.3}, {-0.4, 0.9}};
  private static final double[] C_MEAN = {0.5, -0.3};
  private static final double RAW_LOG_VAR = -1.0;
  private static final int BATCH = 8;

  private static double noiseVariance() {
    return Math.exp(DeepLvm.LOG_VAR_BOUND * Math.tanh(RAW_LOG_VAR / DeepLvm.LOG_VAR_BOUND));
  }

  private static DeepLvm surrogate() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(2, 2, new int[0], Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    double s2 = noiseVariance();
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
    // Exact posterior: precision I + AᵀA/σ² (diagonal), mean Σ_post Aᵀ (x − c)/σ².
    float[] we = m.encoderParameters().get(0).value().buffer();
    float[] be = m.encoderParameters().get(1).value().buffer();
    java.util.Arrays.fill(we, 0f);
    for (int k = 0; k < 2; k++) {
      double post = 1 / (1 + (A[0][k] * A[0][k] + A[1][k] * A[1][k]) / s2);
      double bias = 0;
      for (int j = 0; j < 2; j++) {
        double b = post * A[j][k] / s2;
        we[j * 4 + k] = (float) b;
        bias -= b * C_MEAN[j];
      }
      be[k] = (float) bias;
      be[2 + k] = (float) Math.log(post);
    }
    return m;
  }

  /** e^C N(x; mean, cov) for a 2 × 2 covariance, through the Cholesky factor R of the precision (P = RRᵀ). */
  private static Target gaussian(double[] mean, double[][] cov, double logZ) {
    double det = cov[0][0] * cov[1][1] - cov[0][1] * cov[1][0];
    double p00 = cov[1][1] / det;
    double p01 = -cov[0][1] / det;
    double p11 = cov[0][0] / det;
    double r00 = Math.sqrt(p00);
    double r10 = p01 / r00;
    double r11 = Math.sqrt(p11 - r10 * r10);
    // y = x R − mean R with R = [[r00, 0], [r10, r11]] as [in, out]; |y|² = (x − m)ᵀ P (x − m).
    float[] w = {(float) r00, 0f, (float) r10, (float) r11};
    float[] b = {(float) -(mean[0] * r00 + mean[1] * r10), (float) -(mean[1] * r11)};
    double constant = Math.log(r00 * r11) - Math.log(2 * Math.PI) + logZ;
    return new Target() {
      @Override
      public String name() {
        return "gaussian";
      }

      @Override
      public int dim() {
        return 2;
      }

      @Override
      public Var logDensity(Var x) {
        var tape = x.tape();
        Var y = x.linear(tape.constant(Tensor.of(w, 2, 2)), tape.constant(Tensor.of(b, 2)));
        return y.square().sum(1, false).mul(-0.5f).add((float) constant);
      }
    };
  }

  private static double[][] surrogateCovariance() {
    double s2 = noiseVariance();
    double[][] q = new double[2][2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        q[i][j] = A[i][0] * A[j][0] + A[i][1] * A[j][1] + (i == j ? s2 : 0);
      }
    }
    return q;
  }

  /** The decoder gradient of one step's loss with the given seed, as one vector. */
  private static double[] decoderGradient(DeepLvm m, Target target, long seed, boolean path) {
    ReverseKlOptions o = ReverseKlOptions.defaults().withBatchSize(BATCH).withSeed(seed).withPathGradient(path);
    for (Parameter p : m.parameters()) {
      p.zeroGrad();
    }
    new ReverseKlTrainer(m, target, o).accumulateGradients();
    List<Parameter> dec = m.decoderParameters();
    int n = 0;
    for (Parameter p : dec) {
      n += p.size();
    }
    double[] g = new double[n];
    int at = 0;
    for (Parameter p : dec) {
      for (float v : p.gradBuffer()) {
        g[at++] = v;
      }
    }
    return g;
  }

  private static double norm(double[] g) {
    double s = 0;
    for (double v : g) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  @Test
  void pathGradientVanishesWhereTheSurrogateEqualsTheTarget() {
    DeepLvm m = surrogate();
    Target exact = gaussian(C_MEAN, surrogateCovariance(), 0.7);
    for (long seed = 0; seed < 5; seed++) {
      double path = norm(decoderGradient(m, exact, seed, true));
      double total = norm(decoderGradient(m, exact, seed, false));
      System.out.printf("seed %d: |path gradient| = %.3g, |total gradient| = %.3g%n", seed, path, total);
      assertTrue(total > 0.05, "the total gradient should keep the score term, |g| = " + total);
      assertTrue(path < 1e-3 * total, "path gradient " + path + " against total " + total);
    }
  }

  @Test
  void pathGradientIsUnbiasedForTheTotalGradient() {
    DeepLvm m = surrogate();
    Target other = gaussian(new double[] {0.2, 0.4}, new double[][] {{2.0, 0.5}, {0.5, 1.2}}, 1.3);
    int repeats = 200;
    int n = decoderGradient(m, other, 0, true).length;
    double[] sum = new double[n];
    double[] sumSq = new double[n];
    double[] signal = new double[n];
    for (long seed = 0; seed < repeats; seed++) {
      double[] path = decoderGradient(m, other, seed, true);
      double[] total = decoderGradient(m, other, seed, false);
      for (int i = 0; i < n; i++) {
        double d = path[i] - total[i];
        sum[i] += d;
        sumSq[i] += d * d;
        signal[i] += path[i];
      }
    }
    double maxZ = 0;
    double maxSignal = 0;
    for (int i = 0; i < n; i++) {
      double mean = sum[i] / repeats;
      double var = (sumSq[i] - repeats * mean * mean) / (repeats - 1);
      double se = Math.sqrt(var / repeats);
      if (se > 0) {
        maxZ = Math.max(maxZ, Math.abs(mean / se));
      }
      maxSignal = Math.max(maxSignal, Math.abs(signal[i] / repeats));
    }
    System.out.printf("largest |z| of path − total over %d coordinates: %.2f; largest |mean path gradient| %.3g%n",
        n, maxZ, maxSignal);
    assertTrue(maxZ <= 4, "path and total gradients differ in mean: |z| = " + maxZ);
    assertTrue(maxSignal > 0.1, "the gradient should be away from zero here: " + maxSignal);
  }
}
