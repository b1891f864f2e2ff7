package dev.marginal.train;

import dev.marginal.distributions.DiagNormal;
import dev.marginal.gradients.Dreg;
import dev.marginal.models.DeepLvm;

/** IWAE_K trained with doubly reparameterized encoder gradients ({@link Dreg}, Tucker et al. 2018). */
final class DregStep implements GradientStep {
  private final DeepLvm model;
  private final int numSamples;
  private final LvmOptimizers optimizers;

  DregStep(DeepLvm model, int numSamples, LvmOptimizers optimizers) {
    this.model = model;
    this.numSamples = numSamples;
    this.optimizers = optimizers;
  }

  @Override
  public double step(TrainingBatch batch) {
    DiagNormal q = model.posterior(batch.tape(), batch.x());
    Dreg.Result r = Dreg.surrogate(model, batch.x(), q, numSamples, batch.pointKeys());
    double value = r.iwae().sumDouble() / r.iwae().size();
    if (!Double.isFinite(value) || !Float.isFinite(r.surrogate().value().item())) {
      return Double.NaN;
    }
    batch.tape().backward(r.surrogate().neg());
    optimizers.stepBoth();
    return value;
  }
}
