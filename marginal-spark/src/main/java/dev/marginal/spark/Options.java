package dev.marginal.spark;

import dev.marginal.config.NearestNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link SparkMain}'s {@code --name value} pairs. An option given twice, one its verb does not know (with the nearest
 * known names), or a number that does not fit its type is refused with a one-line {@link IllegalArgumentException}.
 */
final class Options {
  /** Old names accepted for an option, and the name they stand for. */
  private static final Map<String, String> ALIASES = Map.of("--latent-dim", "--latent");

  /** Suggestions are at most this many single-character edits away from the name given. */
  private static final int MAX_SUGGESTION_DISTANCE = 2;

  private final Map<String, String> values = new LinkedHashMap<>();

  private Options() {}

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'"
            + (i + 1 >= args.length ? " without a value" : ""));
      }
      String name = ALIASES.getOrDefault(args[i], args[i]);
      if (o.values.put(name, args[i + 1]) != null) {
        throw new IllegalArgumentException(name + " given twice" + (name.equals(args[i]) ? "" : " (as " + args[i]
            + ")"));
      }
    }
    return o;
  }

  /**
   * Refuses an option {@code verb} does not take: "--out does not apply to eval" for one another verb takes, else
   * "unknown option '--componets'; did you mean --components?".
   */
  void refuseUnknown(String verb, Set<String> known, Set<String> anyVerb) {
    for (String name : values.keySet()) {
      if (known.contains(name)) {
        continue;
      }
      if (anyVerb.contains(name)) {
        throw new IllegalArgumentException(name + " does not apply to " + verb);
      }
      throw new IllegalArgumentException("unknown option '" + name + "'" + suggestion(name, known));
    }
  }

  /** "; did you mean --a or --b?" for up to three known names close to {@code given}, nearest first; else "". */
  static String suggestion(String given, Set<String> known) {
    List<String> close = new ArrayList<>();
    for (String k : new TreeSet<>(known)) {
      if (NearestNames.editDistance(given, k) <= MAX_SUGGESTION_DISTANCE) {
        close.add(k);
      }
    }
    return NearestNames.didYouMean(given, close);
  }

  /** Refuses {@code name}, if given, with {@code message} unless it {@code applies}. */
  void refuseUnless(boolean applies, String name, String message) {
    if (!applies && has(name)) {
      throw new IllegalArgumentException(message);
    }
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return v;
  }

  /** An {@code int} option; a value outside the {@code int} range is refused, not wrapped. */
  int integer(String name, int fallback) {
    long v = longInteger(name, fallback);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be an integer from " + Integer.MIN_VALUE + " to "
          + Integer.MAX_VALUE + ", got " + v);
    }
    return (int) v;
  }

  long longInteger(String name, long fallback) {
    return parsed(name, fallback, Long::parseLong, "an integer");
  }

  /** A {@code true} or {@code false} option (any case); anything else is refused. */
  boolean bool(String name, boolean fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    String t = v.strip().toLowerCase(java.util.Locale.ROOT);
    if (!t.equals("true") && !t.equals("false")) {
      throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
    }
    return t.equals("true");
  }

  /**
   * A decimal option; one whose digits are not all zero but that a double rounds to zero ({@code 1e-400}) is refused,
   * as the command line refuses it, rather than taken as 0.
   */
  double number(String name, double fallback) {
    double v = parsed(name, fallback, Double::parseDouble, "a number");
    String text = values.get(name);
    if (text != null && v == 0 && text.strip().split("[eE]", 2)[0].chars().anyMatch(c -> c >= '1' && c <= '9')) {
      throw new IllegalArgumentException(name + " '" + text.strip()
          + "' is too small for a double, which rounds it to 0");
    }
    return v;
  }

  /** Option {@code name} parsed, or {@code fallback} when not given; a value that does not parse is refused. */
  private <T> T parsed(String name, T fallback, java.util.function.Function<String, T> parse, String what) {
    String v = values.get(name);
    try {
      return v == null ? fallback : parse.apply(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be " + what + ", got '" + v + "'");
    }
  }
}
