package dev.marginal.train;

import dev.marginal.autodiff.Var;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.LocalPosteriors;
import dev.marginal.optim.RowAdam;
import java.util.List;

/**
 * A per-datapoint step: q for the batch comes from its rows' free parameters (μ_i, log σ²_i), which take the
 * encoder's role (maximize the ELBO or IWAE bound; minimize E[SUMO²] under SUMO) and are updated by a row-sparse
 * {@link RowAdam} that touches only the batch rows. The encoder is neither used nor trained.
 */
final class LocalPosteriorStep implements GradientStep {
  private final LocalPosteriors local;
  private final RowAdam localOpt;
  private final TrainingObjective objective;
  private final LvmOptimizers optimizers;

  LocalPosteriorStep(LocalPosteriors local, RowAdam localOpt, TrainingObjective objective,
      LvmOptimizers optimizers) {
    this.local = local;
    this.localOpt = localOpt;
    this.objective = objective;
    this.optimizers = optimizers;
  }

  @Override
  public double step(TrainingBatch batch) {
    LocalPosteriors.Batch rows = local.watch(batch.tape(), batch.rows());
    Var values = objective.values(batch.x(), rows.q(), batch.pointKeys(), batch.beta());
    Var mean = values.mean();
    double value = mean.value().item();
    if (!Double.isFinite(value)) {
      return value;
    }
    batch.tape().backward(mean.neg(), optimizers.decoderParams);
    if (objective.sumo()) {
      // The second sweep reaches only the local leaves: no parameter is listed.
      batch.tape().backward(Sumo.encoderLoss(values), List.of());
    }
    float scale = 1f;
    double clip = optimizers.clipNorm();
    if (clip > 0) {
      double norm = local.gradNorm(rows);
      scale = norm > clip ? (float) (clip / norm) : 1f;
    }
    local.accumulateGrad(rows, scale);
    optimizers.stepDecoder();
    localOpt.step(batch.rows());
    return value;
  }
}
