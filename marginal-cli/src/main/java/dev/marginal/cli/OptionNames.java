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

  /**
   * {@code message} with the numbers it quotes after an option's name written as the user typed that option's value
   * ("--clip must be a positive number, got -2.0" becomes "got -2", "rounds 1.0E-50 to zero" "rounds 1e-50 to
   * zero"): every number written as Java writes a double ("2.0", "1.0E-50") after the option's first mention that
   * equals the value typed. Other numbers (bounds, counts, a value the message derives) are left as they are.
   */
  static String asTyped(String message, CommandLine.ParseResult parsed) {
    if (message == null || parsed == null) {
      return message;
    }
    CommandLine.ParseResult command = parsed;
    while (command.subcommand() != null) {
      command = command.subcommand();
    }
    String out = message;
    for (CommandLine.Model.OptionSpec option : command.matchedOptions()) {
      List<String> typed = option.originalStringValues();
      Double value = typed.size() == 1 ? number(typed.get(0).strip()) : null;
      int at = out.indexOf(option.longestName() + " ");
      if (value == null || at < 0) {
        continue;
      }
      String given = typed.get(0).strip();
      StringBuilder b = new StringBuilder(out.substring(0, at));
      int i = at;
      while (i < out.length()) {
        int end = numberEnd(out, i);
        if (end > i) {
          String shown = out.substring(i, end);
          Double v = number(shown);
          // Java's way of writing a double ("2.0", "1.0E-50"); a bound written as "1" stays as it is.
          boolean javaDouble = shown.indexOf('.') >= 0 || shown.indexOf('E') >= 0;
          b.append(javaDouble && v != null && Double.compare(v, value) == 0 ? given : shown);
          i = end;
        } else {
          b.append(out.charAt(i++));
        }
      }
      out = b.toString();
    }
    return out;
  }

  /**
   * The end of the number that starts at {@code i} in {@code s} (digits, a sign, a point, an exponent; not part of a
   * word, and without a closing point), or {@code i} where none starts.
   */
  private static int numberEnd(String s, int i) {
    if (i > 0 && (Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '.')) {
      return i;
    }
    int j = i;
    if (j < s.length() && (s.charAt(j) == '-' || s.charAt(j) == '+')) {
      j++;
    }
    if (j >= s.length() || !(Character.isDigit(s.charAt(j))
        || s.charAt(j) == '.' && j + 1 < s.length() && Character.isDigit(s.charAt(j + 1)))) {
      return i;
    }
    while (j < s.length() && ("0123456789.".indexOf(s.charAt(j)) >= 0
        || (s.charAt(j) == 'e' || s.charAt(j) == 'E') && j + 1 < s.length()
            && "0123456789+-".indexOf(s.charAt(j + 1)) >= 0
        || (s.charAt(j) == '+' || s.charAt(j) == '-') && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E'))) {
      j++;
    }
    while (j > i && s.charAt(j - 1) == '.') {
      j--;
    }
    return j < s.length() && Character.isLetter(s.charAt(j)) ? i : j;
  }

  private static Double number(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether {@code error} or one of its causes is a {@link ParameterException} (a usage error). */
  static boolean isParameterError(Throwable error) {
    return ParameterException.in(error).isPresent();
  }
}
