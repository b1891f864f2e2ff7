package dev.marginal.gradients;

import dev.marginal.autodiff.Var;
import dev.marginal.tensor.Tensor;

/**
 * VIMCO: the multi-sample score-function gradient of the IWAE objective {@code L̂ = log((1/K) Σ_k w_k)} for latents
 * that cannot be reparameterized. Each sample's learning signal is {@code L̂ − L̂_{−k}}, where {@code L̂_{−k}}
 * replaces log w_k by the mean of the other log-weights (a geometric-mean leave-one-out baseline):
 *
 * <pre>
 *   ∇ ≈ Σ_k (L̂ − L̂_{−k}) ∇ log q(z_k) + Σ_k w̃_k ∇ log w_k
 * </pre>
 *
 * with w̃ the self-normalized weights. The surrogate below has exactly this gradient: the second term is the
 * gradient of L̂ itself through log w (which contains −log q), the first is a score-function term with the signal
 * held constant.
 *
 * <p>Reference: Mnih &amp; Rezende, "Variational Inference for Monte Carlo Objectives", ICML 2016.
 */
public final class Vimco {
  private Vimco() {}

  /**
   * The surrogate, averaged over points; maximize it (or minimize its negative).
   *
   * @param logWeights log w_k, shape {@code [B, K]}, K ≥ 2, differentiable
   * @param logQ log q(z_k|x), shape {@code [B, K]}, differentiable in q's parameters
   */
  public static Var surrogate(Var logWeights, Var logQ) {
    Tensor signal = learningSignals(logWeights.value());
    Var iwae = logWeights.logMeanExp(1, false);
    return iwae.add(logQ.mul(logQ.tape().constant(signal)).sum(1, false)).mean();
  }

  /**
   * {@code L̂ − L̂_{−k}} for each sample, in double.
   *
   * @param logWeights shape {@code [B, K]}
   * @return shape {@code [B, K]}
   */
  public static Tensor learningSignals(Tensor logWeights) {
    int b = logWeights.dim(0);
    int k = logWeights.dim(1);
    if (k < 2) {
      throw new IllegalArgumentException("VIMCO needs K >= 2 samples per point");
    }
    float[] lw = logWeights.buffer();
    float[] out = new float[b * k];
    double[] row = new double[k];
    for (int i = 0; i < b; i++) {
      double sum = 0;
      for (int j = 0; j < k; j++) {
        row[j] = lw[i * k + j];
        sum += row[j];
      }
      double full = dev.marginal.math.LogSpace.logSumExp(row);
      for (int j = 0; j < k; j++) {
        double saved = row[j];
        row[j] = (sum - saved) / (k - 1);
        out[i * k + j] = (float) (full - dev.marginal.math.LogSpace.logSumExp(row));
        row[j] = saved;
      }
    }
    return Tensor.wrap(out, b, k);
  }
}
