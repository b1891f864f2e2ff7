package dev.marginal.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.Categorical;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Score-function gradients on a discrete-latent model, checked against exact gradients by enumeration. Model:
 * z ∈ {0..3} with prior π, x | z ~ N(μ_z, 1); proposal q(z) = Categorical(θ); f(z) = log p(x, z).
 */
class ScoreFunctionTest {
  private static final double[] LOG_PRIOR = {Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.4)};
  private static final double[] MU = {-2, 0, 1, 3};
  private static final double X = 2.2;
  private static final float[] THETA = {0.3f, -0.4f, 0.1f, 0.5f};
  private static final int C = 4;
  private static final int REPEATS = 4000;
  private static final int PER_REPEAT = 4;

  private static double logJoint(int c) {
    double e = X - MU[c];
    return LOG_PRIOR[c] - 0.5 * e * e - 0.5 * LogSpace.LOG_2PI;
  }

  private static double[] probs(float[] theta) {
    double[] t = new double[theta.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = theta[i];
    }
    double lse = LogSpace.logSumExp(t);
    double[] p = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      p[i] = Math.exp(t[i] - lse);
    }
    return p;
  }

  /** ∇_θ Σ_c q_c f_c = q_c (f_c − Σ_c' q_c' f_c') by enumeration. */
  private static double[] exactGradient() {
    double[] q = probs(THETA);
    double ef = 0;
    for (int c = 0; c < C; c++) {
      ef += q[c] * logJoint(c);
    }
    double[] g = new double[C];
    for (int c = 0; c < C; c++) {
      g[c] = q[c] * (logJoint(c) - ef);
    }
    return g;
  }

  private enum Baseline { NONE, RUNNING_MEAN, LEAVE_ONE_OUT }

  /** REPEATS independent estimates, each from PER_REPEAT samples, computed with one tape and one backward pass. */
  private static double[][] estimates(Baseline kind, long seed) {
    int n = REPEATS * PER_REPEAT;
    Tape tape = new Tape();
    Var theta = tape.variable(Tensor.of(THETA, C).broadcastTo(REPEATS, C));
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i / PER_REPEAT;
    }
    int[] labels = Categorical.ofLogits(tape.constant(Tensor.of(THETA, C))).sample(RngKey.of(seed), n);
    Var logQ = Categorical.ofLogits(theta.gather(rows)).logProb(labels);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) logJoint(labels[i]);
    }
    Tensor fT = Tensor.wrap(f, n);
    Tensor baseline = switch (kind) {
      case NONE -> Tensor.scalar(0f);
      case LEAVE_ONE_OUT -> ScoreFunction.leaveOneOutBaseline(fT.reshape(REPEATS, PER_REPEAT)).reshape(n);
      case RUNNING_MEAN -> runningMean(f);
    };
    tape.backward(ScoreFunction.surrogate(logQ, fT, baseline));
    // The surrogate averages over all n samples; one repeat's estimate averages over its own PER_REPEAT.
    return GradStats.rows(tape.grad(theta).buffer(), REPEATS, REPEATS);
  }

  /** Each repeat's baseline is the running mean before that repeat, then updated with its signals. */
  private static Tensor runningMean(float[] f) {
    RunningMeanBaseline b = new RunningMeanBaseline();
    float[] out = new float[f.length];
    for (int r = 0; r < REPEATS; r++) {
      double sum = 0;
      for (int k = 0; k < PER_REPEAT; k++) {
        out[r * PER_REPEAT + k] = (float) b.value();
        sum += f[r * PER_REPEAT + k];
      }
      b.update(sum / PER_REPEAT);
    }
    return Tensor.wrap(out, f.length);
  }

  @Test
  void scoreFunctionGradientMatchesEnumerationWithoutBaseline() {
    GradStats.assertMeanWithinFourSe("score function, no baseline", estimates(Baseline.NONE, 1), exactGradient());
  }

  @Test
  void scoreFunctionGradientMatchesEnumerationWithRunningMeanBaseline() {
    GradStats.assertMeanWithinFourSe("score function, running mean", estimates(Baseline.RUNNING_MEAN, 2),
        exactGradient());
  }

  @Test
  void scoreFunctionGradientMatchesEnumerationWithLeaveOneOutBaseline() {
    GradStats.assertMeanWithinFourSe("score function, leave-one-out", estimates(Baseline.LEAVE_ONE_OUT, 3),
        exactGradient());
  }

  @Test
  void baselinesReduceTheVariance() {
    double none = GradStats.totalVariance(estimates(Baseline.NONE, 4));
    double running = GradStats.totalVariance(estimates(Baseline.RUNNING_MEAN, 4));
    double loo = GradStats.totalVariance(estimates(Baseline.LEAVE_ONE_OUT, 4));
    System.out.printf("total gradient variance: none %.4f, running mean %.4f, leave-one-out %.4f%n", none,
        running, loo);
    // Leave-one-out with K = 4 pays a factor 1 + 1/(K − 1) on the residual; with 4000 repeats the variance
    // estimates are good to a few percent, far inside these margins.
    assertTrue(running < 0.5 * none, "a running mean should at least halve the variance");
    assertTrue(loo < 0.75 * none, "leave-one-out should cut the variance");
  }

  @Test
  void runningMeanBaselineStartsAtTheFirstSignalAndDecays() {
    RunningMeanBaseline b = new RunningMeanBaseline(0.5);
    assertEquals(0.0, b.value());
    b.update(4.0);
    assertEquals(4.0, b.value());
    b.update(Tensor.of(new float[] {0f, 2f}, 2));
    assertEquals(2.5, b.value(), 1e-12);
  }

  // ------------------------------------------------------------------ VIMCO

  /** E_{z_1..K ~ q_θ}[log((1/K) Σ_k p(x, z_k)/q_θ(z_k))] by enumeration over all C^K tuples. */
  private static double expectedIwae(double[] theta, int k) {
    float[] t = new float[theta.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = (float) theta[i];
    }
    double lse = LogSpace.logSumExp(theta);
    double total = 0;
    int tuples = (int) Math.pow(C, k);
    for (int code = 0; code < tuples; code++) {
      double logProbTuple = 0;
      double[] lw = new double[k];
      int rest = code;
      for (int j = 0; j < k; j++) {
        int c = rest % C;
        rest /= C;
        double logQ = theta[c] - lse;
        logProbTuple += logQ;
        lw[j] = logJoint(c) - logQ;
      }
      total += Math.exp(logProbTuple) * (LogSpace.logSumExp(lw) - Math.log(k));
    }
    return total;
  }

  @Test
  void vimcoGradientMatchesTheEnumeratedIwaeGradient() {
    int k = 3;
    double[] theta = new double[C];
    for (int i = 0; i < C; i++) {
      theta[i] = THETA[i];
    }
    double[] exact = new double[C];
    double h = 1e-5;
    for (int c = 0; c < C; c++) {
      double[] up = theta.clone();
      double[] down = theta.clone();
      up[c] += h;
      down[c] -= h;
      exact[c] = (expectedIwae(up, k) - expectedIwae(down, k)) / (2 * h);
    }
    int n = REPEATS * k;
    Tape tape = new Tape();
    Var thetaRows = tape.variable(Tensor.of(THETA, C).broadcastTo(REPEATS, C));
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i / k;
    }
    int[] labels = Categorical.ofLogits(tape.constant(Tensor.of(THETA, C))).sample(RngKey.of(5), n);
    Var logQ = Categorical.ofLogits(thetaRows.gather(rows)).logProb(labels);
    float[] logJoint = new float[n];
    for (int i = 0; i < n; i++) {
      logJoint[i] = (float) logJoint(labels[i]);
    }
    Var logW = tape.constant(Tensor.wrap(logJoint, n)).sub(logQ);
    tape.backward(Vimco.surrogate(logW.reshape(REPEATS, k), logQ.reshape(REPEATS, k)));
    GradStats.assertMeanWithinFourSe("VIMCO", GradStats.rows(tape.grad(thetaRows).buffer(), REPEATS, REPEATS),
        exact);
  }

  @Test
  void vimcoSignalsFollowTheGeometricMeanLeaveOneOut() {
    float[] lw = {-1f, -3f, -2f};
    float[] s = Vimco.learningSignals(Tensor.of(lw, 1, 3)).buffer();
    double full = LogSpace.logSumExp(new double[] {-1, -3, -2});
    assertEquals(full - LogSpace.logSumExp(new double[] {-2.5, -3, -2}), s[0], 1e-6);
    assertEquals(full - LogSpace.logSumExp(new double[] {-1, -1.5, -2}), s[1], 1e-6);
  }
}
