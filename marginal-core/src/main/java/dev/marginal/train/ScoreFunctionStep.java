package dev.marginal.train;

import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.gradients.Vimco;
import dev.marginal.models.DeepLvm;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;

/**
 * IWAE_K trained with VIMCO's score-function surrogate (Mnih &amp; Rezende 2016) and the latents held fixed: the
 * encoder learns only through log q, as it would for a latent that cannot be reparameterized.
 */
final class ScoreFunctionStep implements GradientStep {
  private final DeepLvm model;
  private final int numSamples;
  private final LvmOptimizers optimizers;

  ScoreFunctionStep(DeepLvm model, int numSamples, LvmOptimizers optimizers) {
    this.model = model;
    this.numSamples = numSamples;
    this.optimizers = optimizers;
  }

  @Override
  public double step(TrainingBatch batch) {
    Var x = batch.x();
    DiagNormal q = model.posterior(batch.tape(), x);
    int b = x.value().dim(0);
    int k = numSamples;
    int[] counts = new int[b];
    Arrays.fill(counts, k);
    int[] rows = ImportanceSamples.repeatIndex(counts);
    DiagNormal qRows = q.gather(rows);
    Var z = qRows.transform(ImportanceSamples.noise(batch.pointKeys(), counts, q.dim())).stopGradient();
    Var logQ = qRows.logProb(z);
    Var logW = ImportanceSamples.evaluate(model, x.gather(rows), z, logQ).logWeights().reshape(b, k);
    Tensor iwae = logW.value().logSumExp(1, false).add((float) -StrictMath.log(k));
    Var surrogate = Vimco.surrogate(logW, logQ.reshape(b, k));
    double value = iwae.sumDouble() / iwae.size();
    if (!Double.isFinite(value) || !Float.isFinite(surrogate.value().item())) {
      return Double.NaN;
    }
    batch.tape().backward(surrogate.neg());
    optimizers.stepBoth();
    return value;
  }
}
