package dev.marginal.cli;

import dev.marginal.config.ParameterException;
import dev.marginal.train.RunFingerprint;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

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
      Map.entry("validationFraction", "--validation"),
      Map.entry("validation", "--validation"),
      Map.entry("components", "--components"),
      Map.entry("regCovar", "--reg-covar"),
      Map.entry("maxIter", "--max-iter"),
      Map.entry("tol", "--tol"),
      Map.entry("numRows", "--n"),
      Map.entry("threads", "--threads"),
      Map.entry("seed", "--seed"));

  private OptionNames() {}

  /**
   * {@code message} with the parameter names of the first {@link ParameterException} in {@code error}'s cause
   * chain replaced by their options; the message as it is when there is none. Names are replaced in one pass, as
   * whole words not joined to a hyphen, so that an option already in the message ({@code --warmup}) or put there by
   * another name is left as it is.
   */
  static String forUser(Throwable error, String message) {
    return ParameterException.in(error).map(p -> withOptionNames(message, p.parameters())).orElse(message);
  }

  /** {@code message} with each of {@code parameters} that has an option written as that option, in one pass. */
  static String withOptionNames(String message, List<String> parameters) {
    return ParameterException.renamed(message, parameters, FLAGS);
  }

  /**
   * {@code message} with the settings of a resume refusal ({@link RunFingerprint#check}) that the user left at their
   * defaults marked as such, with the option that gives the checkpoint's value: those parameters of the first
   * {@link ParameterException} in {@code error}'s cause chain whose option the command has but was not given in
   * {@code parsed}. To be applied before {@link #forUser}, which turns the parameter names into options.
   */
  static String markDefaults(Throwable error, String message, CommandLine.ParseResult parsed) {
    ParameterException p = ParameterException.in(error).orElse(null);
    if (p == null || parsed == null) {
      return message;
    }
    CommandLine.ParseResult command = parsed;
    while (command.subcommand() != null) {
      command = command.subcommand();
    }
    CommandLine.ParseResult c = command;
    List<String> defaulted = p.parameters().stream().filter(FLAGS::containsKey)
        .filter(n -> c.commandSpec().findOption(FLAGS.get(n)) != null && !c.hasMatchedOption(FLAGS.get(n)))
        .toList();
    return RunFingerprint.markDefaults(message, defaulted);
  }

  /** Whether {@code error} or one of its causes is a {@link ParameterException} (a usage error). */
  static boolean isParameterError(Throwable error) {
    return ParameterException.in(error).isPresent();
  }
}
