package dev.marginal.train;

import dev.marginal.optim.LearningRate;

/**
 * The step-dependent settings of a density-estimation run: the learning rate (constant, or a cosine from
 * {@code rate} down to {@code rate·floor} over the run, {@link LearningRate#cosine}) and the KL warm-up weight β of
 * {@code log p(z) − log q(z|x)} in each log weight, rising linearly from 0 to 1 over the warm-up steps (Sønderby et
 * al. 2016). Both depend only on the options and the number of training rows, so a resumed run follows the same
 * path.
 *
 * @param rate the peak learning rate
 * @param floor the rate at the end of the run as a fraction of {@code rate}, in [0, 1] (1 = constant)
 * @param totalSteps steps the decay spans (the run's step budget)
 * @param warmupSteps steps of the KL warm-up (0 = none)
 */
public record LvmSchedule(double rate, double floor, long totalSteps, long warmupSteps) implements java.io.Serializable {
  /** The schedule of a run with {@code options} over {@code trainRows} rows. */
  public static LvmSchedule of(LvmTrainingOptions options, int trainRows) {
    long perEpoch = dev.marginal.data.Batches.count(trainRows, options.batchSize());
    long budget = options.maxSteps() > 0 ? options.maxSteps() : perEpoch * options.epochs();
    return new LvmSchedule(options.learningRate(), options.lrFloor(), budget, perEpoch * options.warmupEpochs());
  }

  /** The schedule before a run has started: the constant peak rate, no warm-up. */
  public static LvmSchedule constant(double rate) {
    return new LvmSchedule(rate, 1, 0, 0);
  }

  /** The learning rate at (zero-based) step {@code t}. */
  public double learningRate(long t) {
    if (floor >= 1 || totalSteps <= 0) {
      return rate;
    }
    return LearningRate.cosine(rate, 0, totalSteps, floor).at(t);
  }

  /** The warm-up weight β at (zero-based) step {@code t}: t / warmupSteps during the warm-up, then 1. */
  public double warmupWeight(long t) {
    return t >= warmupSteps ? 1.0 : (double) t / warmupSteps;
  }
}
