package dev.marginal.train;

import dev.marginal.config.ParameterException;

/**
 * How the step size and the KL weight change over a density-estimation run (see {@link LvmSchedule}).
 *
 * @param learningRate Adam's peak step size (decoder, encoder and local posteriors), positive and finite
 * @param lrFloor the rate decays by a cosine from {@code learningRate} to {@code lrFloor·learningRate} over the
 *     run, in [0, 1] (1 = constant; 0 = down to zero)
 * @param warmupEpochs epochs over which the weight β of {@code log p(z) − log q(z|x)} in each log weight rises
 *     linearly from 0 to 1, >= 0 (0 = none; ELBO and IWAE with reparameterized gradients only). Starting with
 *     little pressure towards the prior keeps more latent dimensions in use (Sønderby et al. 2016). It may be
 *     longer than the run (its epochs or step budget): the run then ends with β still below 1, at (steps done) /
 *     (warm-up steps). That is allowed, not refused, because a run made in stages is resumed with its checkpoint's
 *     warm-up and lengthened, so that every stage follows the one path of the whole run.
 */
public record LvmScheduleOptions(double learningRate, double lrFloor, int warmupEpochs) implements java.io.Serializable {
  /** Default learning rate. */
  public static final double DEFAULT_LR = 1e-3;

  public LvmScheduleOptions {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw ParameterException.of("learningRate", "must be positive, got " + learningRate);
    }
    ParameterException.float32("learningRate", learningRate);
    if (!(lrFloor >= 0 && lrFloor <= 1)) {
      throw ParameterException.of("lrFloor", "must be in [0, 1], got " + lrFloor);
    }
    ParameterException.atLeast("warmupEpochs", warmupEpochs, 0);
  }

  /** A constant rate of 1e-3 and no warm-up. */
  public static LvmScheduleOptions constant() {
    return new LvmScheduleOptions(DEFAULT_LR, 1.0, 0);
  }

  public LvmScheduleOptions withLearningRate(double lr) {
    return new LvmScheduleOptions(lr, lrFloor, warmupEpochs);
  }

  public LvmScheduleOptions withLrFloor(double f) {
    return new LvmScheduleOptions(learningRate, f, warmupEpochs);
  }

  public LvmScheduleOptions withWarmupEpochs(int e) {
    return new LvmScheduleOptions(learningRate, lrFloor, e);
  }
}
