package dev.marginal.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting out of its range, or settings that do not go together. The message names the parameters by their
 * Java names ("numSamples must be >= 1, got 0"); {@link #parameters()} lists those names so that a front end can
 * put its own option names in their place without parsing prose.
 */
public final class ParameterException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> parameters;

  private ParameterException(List<String> parameters, String message) {
    super(message);
    this.parameters = List.copyOf(parameters);
  }

  /**
   * The error "{@code parameter problem}", e.g. {@code of("numSamples", "must be >= 1, got 0")}.
   *
   * @param parameter the Java name of the offending parameter
   * @param problem what is wrong, without the name
   */
  public static ParameterException of(String parameter, String problem) {
    return new ParameterException(List.of(parameter), parameter + " " + problem);
  }

  /**
   * An error about several parameters; {@code message} names each of them as a whole word.
   *
   * @param parameters the Java names of the parameters, each appearing in {@code message}
   */
  public static ParameterException about(List<String> parameters, String message) {
    return new ParameterException(parameters, message);
  }

  /** Throws {@code of(parameter, "must be >= " + min + ", got " + value)} unless {@code value >= min}. */
  public static long atLeast(String parameter, long value, long min) {
    if (value < min) {
      throw of(parameter, "must be >= " + min + ", got " + value);
    }
    return value;
  }

  /**
   * Returns {@code value}, a positive setting that training uses in float32 arithmetic (a rate, a gradient bound, a
   * scale), if float32 holds it: a positive value below {@link Float#MIN_NORMAL} would round to zero or keep few of
   * its digits, one above {@link Float#MAX_VALUE} to infinity. Zero, negative and non-finite values are left to the
   * caller's own check.
   *
   * @throws ParameterException naming {@code parameter}, for a positive value outside that range
   */
  public static double float32(String parameter, double value) {
    if (value > 0 && value < Float.MIN_NORMAL || value > Float.MAX_VALUE && value < Double.POSITIVE_INFINITY) {
      throw of(parameter, "must be between " + Float.MIN_NORMAL + " and " + Float.MAX_VALUE + " (training runs in"
          + " float32, which rounds " + value + " to " + (value < 1 ? "zero" : "infinity") + "), got " + value);
    }
    return value;
  }

  /** The Java names of the parameters the message is about, in the order given. */
  public List<String> parameters() {
    return parameters;
  }

  /** The first {@code ParameterException} in {@code error}'s cause chain, {@code error} itself included. */
  public static Optional<ParameterException> in(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ParameterException p) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code message} with each of {@code parameters} that {@code names} maps written as its mapping (a front end's
   * option, say: "numSamples must be >= 1" becomes "--k must be >= 1"). Names are replaced in one pass, as whole
   * words not joined to a hyphen, so that an option already in the message, or put there for another name, is left
   * as it is.
   */
  public static String renamed(String message, List<String> parameters, Map<String, String> names) {
    List<String> found = parameters.stream().filter(names::containsKey).distinct().map(Pattern::quote).toList();
    if (found.isEmpty()) {
      return message;
    }
    Matcher m = Pattern.compile("(?<![\\w-])(" + String.join("|", found) + ")(?![\\w-])").matcher(message);
    return m.replaceAll(r -> Matcher.quoteReplacement(names.get(r.group(1))));
  }
}
