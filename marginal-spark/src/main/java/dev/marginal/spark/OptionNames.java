package dev.marginal.spark;

import dev.marginal.config.ParameterException;
import java.util.List;
import java.util.Map;

/**
 * Where the stages' and the library's parameter names become {@link SparkMain}'s option names: a stage refuses
 * "numSamples must be >= 1, got 0" ({@link ParameterException}); the user of {@code spark-submit} reads "--k must be
 * >= 1, got 0".
 */
final class OptionNames {
  /** Stage or library parameter → {@link SparkMain} option. */
  static final Map<String, String> OPTIONS = Map.ofEntries(
      Map.entry("components", "--components"),
      Map.entry("covarianceType", "--covariance"),
      Map.entry("nInit", "--n-init"),
      Map.entry("maxIter", "--max-iter"),
      Map.entry("tol", "--tol"),
      Map.entry("regCovar", "--reg-covar"),
      Map.entry("latentDim", "--latent"),
      Map.entry("hidden", "--hidden"),
      Map.entry("decoder", "--decoder"),
      Map.entry("objective", "--objective"),
      Map.entry("numSamples", "--k"),
      Map.entry("batchSize", "--batch"),
      Map.entry("learningRate", "--lr"),
      Map.entry("epochs", "--epochs"),
      Map.entry("shards", "--shards"),
      Map.entry("roundSteps", "--round-steps"),
      Map.entry("standardize", "--standardize"),
      Map.entry("checkpointInterval", "--checkpoint-rounds"),
      Map.entry("resumeFrom", "--resume"),
      Map.entry("estimator", "--estimator"),
      Map.entry("minTerms", "--min-terms"),
      Map.entry("repeats", "--repeats"),
      Map.entry("seed", "--seed"));

  private OptionNames() {}

  /**
   * {@code error} with the parameter names of the first {@link ParameterException} in its cause chain written as
   * options, {@code error} as it is when there is none.
   */
  static IllegalArgumentException forUser(IllegalArgumentException error) {
    return ParameterException.in(error).map(p -> {
      String message = withOptionNames(String.valueOf(error.getMessage()), p.parameters());
      return message.equals(error.getMessage()) ? error : new IllegalArgumentException(message, error);
    }).orElse(error);
  }

  /** {@code message} with each of {@code parameters} that has an option written as that option. */
  static String withOptionNames(String message, List<String> parameters) {
    return ParameterException.renamed(message, parameters, OPTIONS);
  }
}
