package dev.marginal.gradients;

import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.estimators.LatentVariableModel;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;

/**
 * Doubly reparameterized gradients (DReG) of the IWAE bound {@code L̂ = log((1/K) Σ_k w_k)}, z_k = μ + σ ⊙ ε_k.
 *
 * <p>The plain IWAE gradient for the encoder φ contains the score term −Σ_k w̃_k ∇_φ log q_φ(z_k) (at fixed z), whose
 * variance does not vanish as K grows, so the encoder's signal-to-noise ratio decays like 1/√K. DReG applies the
 * reparameterization a second time to that term and obtains the unbiased estimator
 *
 * <pre>
 *   ∇_φ L̂ ≈ Σ_k w̃_k² · ∂ log w_k / ∂z_k · ∂z_k / ∂φ,   log w_k = log p(x, z_k) − log q_{stop φ}(z_k)
 * </pre>
 *
 * with w̃ the self-normalized weights. Model parameters θ keep the IWAE gradient {@code Σ_k w̃_k ∇_θ log p(x, z_k)}.
 *
 * <p>Implementation: one model pass. The surrogate is {@code Σ_k stop(w̃_k) log w_k} with q's density parameters
 * stopped; the samples pass through a node that multiplies their incoming gradient by w̃_k, so the encoder sees
 * w̃_k² while θ sees w̃_k.
 *
 * <p>Reference: Tucker, Lawson, Gu, Maddison, "Doubly Reparameterized Gradient Estimators for Monte Carlo
 * Objectives", ICLR 2019 (arXiv 2018).
 */
public final class Dreg {
  private Dreg() {}

  /**
   * The DReG surrogate and the IWAE value it belongs to.
   *
   * @param surrogate scalar (batch mean); maximize it: its gradient is the DReG estimate of ∇ mean(IWAE)
   * @param iwae the IWAE_K values per point, shape {@code [B]} (for reporting; no gradient)
   */
  public record Result(Var surrogate, Tensor iwae) {}

  /**
   * Builds the surrogate for K samples per point.
   *
   * @param x shape {@code [B, D]}
   * @param q proposal, shape {@code [B, d]}, differentiable in the encoder's parameters
   * @param numSamples K ≥ 1
   * @param pointKeys one key per point (noise as in {@link ImportanceSamples})
   */
  public static Result surrogate(LatentVariableModel model, Var x, DiagNormal q, int numSamples,
      RngKey[] pointKeys) {
    int b = x.value().dim(0);
    int[] counts = new int[b];
    java.util.Arrays.fill(counts, numSamples);
    int[] rows = ImportanceSamples.repeatIndex(counts);
    DiagNormal qRows = q.gather(rows);
    Var z = qRows.transform(ImportanceSamples.noise(pointKeys, counts, q.dim()));
    float[] rowScale = new float[rows.length];
    Var zScaled = scaleGradientByRow(z, rowScale);
    Var logQ = qRows.stopGradient().logProb(zScaled);
    Var logW = ImportanceSamples.evaluate(model, x.gather(rows), zScaled, logQ).logWeights()
        .reshape(b, numSamples);
    Tensor lw = logW.value();
    Tensor normalized = lw.sub(lw.logSumExp(1, true)).exp();
    // Filled after the forward pass; read only by the backward sweep, which runs later.
    System.arraycopy(normalized.buffer(), 0, rowScale, 0, rowScale.length);
    Var surrogate = logW.mul(x.tape().constant(normalized)).sum(1, false).mean();
    Tensor iwae = lw.logSumExp(1, false).add((float) -StrictMath.log(numSamples));
    return new Result(surrogate, iwae);
  }

  /** Identity forward; backward multiplies row r of the incoming gradient by {@code scale[r]}. */
  private static Var scaleGradientByRow(Var z, float[] scale) {
    int d = z.value().dim(1);
    return z.tape().record(z.value(), g -> {
      float[] gd = g.buffer();
      float[] out = new float[gd.length];
      for (int i = 0; i < gd.length; i++) {
        out[i] = gd[i] * scale[i / d];
      }
      z.accumulate(Tensor.wrap(out, g.shape()));
    }, z);
  }
}
