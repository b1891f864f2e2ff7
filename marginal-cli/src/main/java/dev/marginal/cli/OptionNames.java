package dev.marginal.cli;

import dev.marginal.config.ParameterException;
import java.util.Map;

/**
 * The one place where the library's parameter names become the command line's option names: the core reports
 * "numSamples must be >= 1" ({@link ParameterException}); the user reads "--k must be >= 1".
 */
final class OptionNames {
  /** Library parameter → command-line option. */
  static final Map<String, String> FLAGS = Map.ofEntries(
      Map.entry("numSamples", "--k"),
      Map.entry("minTerms", "--min-terms"),
      Map.entry("annealFraction", "--anneal"),
      Map.entry("annealScale", "--anneal-scale"),
      Map.entry("forwardFraction", "--forward"),
      Map.entry("forwardProposals", "--forward-proposals"),
      Map.entry("forwardScale", "--forward-scale"),
      Map.entry("repeats", "--repeats"),
      Map.entry("objective", "--objective"),
      Map.entry("gradient", "--gradient"),
      Map.entry("estimator", "--estimator"),
      Map.entry("batchSize", "--batch"),
      Map.entry("epochs", "--epochs"),
      Map.entry("maxSteps", "--steps"),
      Map.entry("learningRate", "--lr"),
      Map.entry("decoderLr", "--lr"),
      Map.entry("encoderLr", "--encoder-lr"),
      Map.entry("lrFloor", "--lr-floor"),
      Map.entry("warmupEpochs", "--warmup"),
      Map.entry("warmup", "--warmup"),
      Map.entry("clipNorm", "--clip"),
      Map.entry("patience", "--patience"),
      Map.entry("checkpointEvery", "--checkpoint-every"),
      Map.entry("iterations", "--iters"),
      Map.entry("averaging", "--ema"),
      Map.entry("adamBeta2", "--adam-beta2"),
      Map.entry("decoderGradient", "--decoder-gradient"),
      Map.entry("latentDim", "--latent"),
      Map.entry("hidden", "--hidden"),
      Map.entry("activation", "--activation"),
      Map.entry("decoder", "--decoder"),
      Map.entry("binarization", "--binarize"),
      Map.entry("perDatapoint", "--per-datapoint"),
      Map.entry("localSteps", "--local-steps"),
      Map.entry("standardize", "--standardize"),
      Map.entry("components", "--components"),
      Map.entry("numRows", "--n"),
      Map.entry("threads", "--threads"),
      Map.entry("seed", "--seed"));

  private OptionNames() {}

  /**
   * {@code message} with the parameter names of the first {@link ParameterException} in {@code error}'s cause
   * chain replaced by their options; the message as it is when there is none.
   */
  static String forUser(Throwable error, String message) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ParameterException p) {
        String m = message;
        for (String name : p.parameters()) {
          String flag = FLAGS.get(name);
          if (flag != null) {
            m = m.replaceAll("\\b" + name + "\\b", java.util.regex.Matcher.quoteReplacement(flag));
          }
        }
        return m;
      }
    }
    return message;
  }

  /** Whether {@code error} or one of its causes is a {@link ParameterException} (a usage error). */
  static boolean isParameterError(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ParameterException) {
        return true;
      }
    }
    return false;
  }
}
