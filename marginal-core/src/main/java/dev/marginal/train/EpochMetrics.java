package dev.marginal.train;

/**
 * One closed epoch of a density-estimation run, as {@link Progress#epoch} receives it. From {@link LvmTrainer} the
 * objectives are the same numbers as the run's {@link TrainingState#history()}, of the model's rows; a fit to
 * standardized data through {@code dev.marginal.api.DeepLvmFit} passes them on in the data's units (plus −Σ log sd).
 * The rate and throughput are for watching a run.
 *
 * @param epoch the zero-based epoch that closed
 * @param step optimisation steps done in total when it closed (a resumed run counts the earlier ones)
 * @param trainingObjective the mean of the epoch's batch objectives, nats per example (higher is better)
 * @param validationObjective the training estimator's mean over the validation rows, nats per example, or NaN
 *     when the run has no validation rows
 * @param learningRate the learning rate of the epoch's last step
 * @param examplesPerSecond training examples per wall-clock second over the epoch's steps (the steps this call ran,
 *     for an epoch resumed in the middle), the validation pass excluded
 */
public record EpochMetrics(int epoch, long step, double trainingObjective, double validationObjective,
    double learningRate, double examplesPerSecond) {

  /** Whether the epoch was validated. */
  public boolean hasValidation() {
    return !Double.isNaN(validationObjective);
  }
}
