package dev.marginal.io;

/**
 * Text read from a file, made safe to show in a one-line error message: a value or name from a CSV file or a model
 * file may be thousands of characters long or hold control characters (a terminal's escape sequences among them),
 * and the message must stay one short line that prints as plain text.
 */
public final class Untrusted {
  /** The most characters of such a text a message shows. */
  public static final int MAX_SHOWN = 40;

  private Untrusted() {}

  /**
   * {@code text} for a message, whole: each control character (and each Unicode format character, such as a
   * right-to-left override) written as an escape ({@code \n}, {@code \t}, {@code \r} or {@code \}{@code uXXXX}).
   */
  public static String escaped(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String e = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r"
          : Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? String.format("\\u%04X", (int) c)
          : null;
      if (e != null && b == null) {
        b = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (b != null) {
        if (e != null) {
          b.append(e);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? text : b.toString();
  }

  /**
   * {@link #escaped} {@code text}, cut at {@link #MAX_SHOWN} characters when longer and followed then by "..." and
   * its length.
   */
  public static String shown(String text) {
    if (text.length() <= MAX_SHOWN) {
      return escaped(text);
    }
    int cut = MAX_SHOWN;
    if (Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return escaped(text.substring(0, cut)) + "...(" + text.length() + " characters)";
  }

  /** {@link #shown} in single quotes. */
  public static String quoted(String text) {
    return "'" + shown(text) + "'";
  }

  /**
   * The first three of the columns {@code which} (indices into {@code names}), each quoted with its value to four
   * significant digits, and how many more: "'a' (0.01234), 'b' (700.0), 'c' (3.000e+04) and 2 more".
   */
  public static String columnsWithValues(java.util.List<String> names, java.util.List<Integer> which,
      double[] values) {
    final int shown = 3;
    StringBuilder named = new StringBuilder();
    for (int n = 0; n < Math.min(shown, which.size()); n++) {
      int j = which.get(n);
      named.append(n == 0 ? "" : ", ").append(quoted(names.get(j)))
          .append(String.format(java.util.Locale.ROOT, " (%.4g)", values[j]));
    }
    if (which.size() > shown) {
      named.append(" and ").append(which.size() - shown).append(" more");
    }
    return named.toString();
  }
}
