package dev.marginal.gradients;

import dev.marginal.autodiff.Var;
import dev.marginal.tensor.Tensor;

/**
 * The score-function (likelihood-ratio, REINFORCE) gradient of an expectation, for latents that cannot be
 * reparameterized (discrete z):
 *
 * <pre>
 *   ∇_θ E_{z~q_θ}[f(z)] = E[(f(z) − b) ∇_θ log q_θ(z)]
 * </pre>
 *
 * for any baseline b that does not depend on z (a running mean of past f, or the mean of the other samples). The
 * baseline leaves the estimator unbiased and, chosen near E[f], removes most of its variance. Here f is treated
 * as a constant: if f also depends on θ (an ELBO's log q term), add its pathwise gradient separately.
 *
 * <p>Reference: Williams, "Simple statistical gradient-following algorithms", Machine Learning 1992;
 * Mnih &amp; Gregor, "Neural Variational Inference and Learning in Belief Networks", ICML 2014.
 */
public final class ScoreFunction {
  private ScoreFunction() {}

  /**
   * The surrogate {@code (1/N) Σ_n (f_n − b_n) log q(z_n)}: its gradient is the score-function estimate of
   * ∇ E_q[f] from N samples. Its value is meaningless; report f's mean instead.
   *
   * @param logQ log q(z_n), shape {@code [N]} (or any shape), differentiable in θ
   * @param f f(z_n), the shape of {@code logQ}
   * @param baseline b_n, broadcast-compatible with {@code f} (a scalar tensor for one shared baseline)
   */
  public static Var surrogate(Var logQ, Tensor f, Tensor baseline) {
    Tensor signal = f.sub(baseline);
    return logQ.mul(logQ.tape().constant(signal)).mean();
  }

  /** The surrogate without a baseline (b = 0): unbiased, usually with a large variance. */
  public static Var surrogate(Var logQ, Tensor f) {
    return surrogate(logQ, f, Tensor.scalar(0f));
  }

  /**
   * Leave-one-out baselines for K samples per point: {@code b_{ik} = (1/(K−1)) Σ_{j≠k} f_{ij}}, independent of
   * sample k, so the estimator stays unbiased.
   *
   * @param f shape {@code [B, K]} with K ≥ 2
   * @return shape {@code [B, K]}
   */
  public static Tensor leaveOneOutBaseline(Tensor f) {
    if (f.rank() != 2 || f.dim(1) < 2) {
      throw new IllegalArgumentException("leave-one-out needs [B, K] values with K >= 2");
    }
    int k = f.dim(1);
    Tensor sums = f.sum(1, true);
    return sums.sub(f).mul(1f / (k - 1));
  }
}
