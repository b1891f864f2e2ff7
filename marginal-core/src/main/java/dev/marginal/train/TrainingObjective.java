package dev.marginal.train;

import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;

/**
 * The per-point training objective: the options' estimator (ELBO_K, IWAE_K or SUMO), or during the KL warm-up the
 * ELBO or IWAE bound built from the tempered log weights {@code log p(x|z) + β (log p(z) − log q(z|x))} with the
 * same samples.
 */
final class TrainingObjective {
  private final DeepLvm model;
  private final LvmTrainingOptions options;
  private final LogMarginalEstimator estimator;

  TrainingObjective(DeepLvm model, LvmTrainingOptions options) {
    this.model = model;
    this.options = options;
    this.estimator = options.estimator();
  }

  /** The untempered estimator. */
  LogMarginalEstimator estimator() {
    return estimator;
  }

  /** Whether the objective is SUMO (whose encoder minimizes E[SUMO²] instead of following the objective). */
  boolean sumo() {
    return options.objective() == LvmTrainingOptions.Objective.SUMO;
  }

  /** Per-point values {@code [B]} for rows {@code x} under {@code q}, tempered by {@code beta} when below 1. */
  Var values(Var x, DiagNormal q, RngKey[] pointKeys, double beta) {
    if (beta >= 1) {
      return estimator.logMarginal(model, x, q, pointKeys);
    }
    int b = x.value().dim(0);
    int k = options.numSamples();
    ImportanceSamples s = ImportanceSamples.draw(model, x, q, ImportanceSamples.constant(b, k), pointKeys);
    Var logW = s.logLikelihood().add(s.logPrior().sub(s.logQ()).mul((float) beta)).reshape(b, k);
    return options.objective() == LvmTrainingOptions.Objective.IWAE ? Iwae.fromLogWeights(logW)
        : logW.mean(1, false);
  }
}
