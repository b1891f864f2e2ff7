package dev.marginal.train;

import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;

/**
 * The reparameterized gradient of the objective through the amortized encoder. For ELBO and IWAE both decoder and
 * encoder follow the bound; for SUMO the decoder follows SUMO and the encoder, which cannot change E[SUMO],
 * minimizes E[SUMO²] (Luo et al. 2020); both gradients come from one forward pass.
 */
final class ReparameterizedStep implements GradientStep {
  private final DeepLvm model;
  private final TrainingObjective objective;
  private final LvmOptimizers optimizers;

  ReparameterizedStep(DeepLvm model, TrainingObjective objective, LvmOptimizers optimizers) {
    this.model = model;
    this.objective = objective;
    this.optimizers = optimizers;
  }

  @Override
  public double step(TrainingBatch batch) {
    DiagNormal q = model.posterior(batch.tape(), batch.x());
    Var values = objective.values(batch.x(), q, batch.pointKeys(), batch.beta());
    Var mean = values.mean();
    double value = mean.value().item();
    if (!Double.isFinite(value)) {
      return value;
    }
    if (objective.sumo()) {
      batch.tape().backward(mean.neg(), optimizers.decoderParams);
      batch.tape().backward(Sumo.encoderLoss(values), optimizers.encoderParams);
    } else {
      batch.tape().backward(mean.neg());
    }
    optimizers.stepBoth();
    return value;
  }
}
