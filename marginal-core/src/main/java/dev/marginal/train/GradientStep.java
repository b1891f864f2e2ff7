package dev.marginal.train;

/**
 * One way of turning a batch into a parameter update: back-propagates the step's objective (or a gradient
 * surrogate for it), clips, and steps the optimizers. Implementations: {@link ReparameterizedStep} (ELBO, IWAE,
 * SUMO), {@link DregStep}, {@link ScoreFunctionStep} and {@link LocalPosteriorStep} (per-datapoint inference).
 */
interface GradientStep {
  /**
   * Updates the parameters from {@code batch}.
   *
   * @return the batch-mean objective in nats per example; a non-finite value means divergence, and then no update
   *     was applied
   */
  double step(TrainingBatch batch);
}
