package dev.marginal.train;

/**
 * A reverse-KL run at one of its evaluations, as {@link Progress#report} receives it: the training since the
 * previous report and the evaluation made at this step.
 *
 * @param step steps done in total (a resumed run counts the earlier ones)
 * @param trainingLoss the mean batch loss (log q̂ − log p̃, nats) of the steps since the previous report, or NaN
 *     when no step was run since then
 * @param decoderLearningRate the decoder's learning rate at the last step
 * @param encoderLearningRate the encoder's learning rate at the last step
 * @param samplesPerSecond surrogate samples per wall-clock second of training since the previous report,
 *     evaluations excluded (NaN when no step was run)
 * @param evaluation the metrics of the evaluation at {@code step}
 */
public record SurrogateReport(long step, double trainingLoss, double decoderLearningRate,
    double encoderLearningRate, double samplesPerSecond, SurrogateMetrics evaluation) {}
