package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.Sumo;
import java.util.List;

/**
 * What a density-estimation run maximizes and how its encoder gradient is estimated.
 *
 * @param objective ELBO, IWAE or SUMO
 * @param numSamples K for ELBO_K and IWAE_K, >= 1
 * @param minTerms m for SUMO, >= 1
 * @param gradient how the encoder gradient is estimated (DReG and the score function need IWAE; the score
 *     function needs K >= 2)
 */
public record LvmObjectiveOptions(LvmTrainingOptions.Objective objective, int numSamples, int minTerms,
    GradientEstimator gradient) implements java.io.Serializable {
  /** Default number of importance samples K. */
  public static final int DEFAULT_K = 5;

  public LvmObjectiveOptions {
    java.util.Objects.requireNonNull(objective, "objective");
    java.util.Objects.requireNonNull(gradient, "gradient");
    ParameterException.atLeast("numSamples", numSamples, 1);
    ParameterException.atLeast("minTerms", minTerms, 1);
    if (gradient != GradientEstimator.REPARAM && objective != LvmTrainingOptions.Objective.IWAE) {
      throw ParameterException.about(List.of("gradient", "objective"),
          "gradient " + gradient.id() + " needs objective iwae");
    }
    if (gradient == GradientEstimator.SCORE && numSamples < 2) {
      throw ParameterException.about(List.of("gradient", "numSamples"),
          "gradient score needs numSamples >= 2 (VIMCO's leave-one-out baseline)");
    }
  }

  /** IWAE with K = 5 and reparameterized gradients ({@link Sumo#DEFAULT_MIN_TERMS}, m = 1, should SUMO be chosen). */
  public static LvmObjectiveOptions defaults() {
    return new LvmObjectiveOptions(LvmTrainingOptions.Objective.IWAE, DEFAULT_K, Sumo.DEFAULT_MIN_TERMS,
        GradientEstimator.REPARAM);
  }

  public LvmObjectiveOptions withObjective(LvmTrainingOptions.Objective o) {
    return new LvmObjectiveOptions(o, numSamples, minTerms, gradient);
  }

  public LvmObjectiveOptions withNumSamples(int k) {
    return new LvmObjectiveOptions(objective, k, minTerms, gradient);
  }

  public LvmObjectiveOptions withMinTerms(int m) {
    return new LvmObjectiveOptions(objective, numSamples, m, gradient);
  }

  public LvmObjectiveOptions withGradient(GradientEstimator g) {
    return new LvmObjectiveOptions(objective, numSamples, minTerms, g);
  }

  /** The estimator whose value the decoder maximizes. */
  public LogMarginalEstimator estimator() {
    return objective.estimator(numSamples, minTerms);
  }

  /** A short label such as "iwae-5" or "sumo-m4". */
  public String label() {
    return objective == LvmTrainingOptions.Objective.SUMO ? "sumo-m" + minTerms : objective.id() + "-" + numSamples;
  }
}
