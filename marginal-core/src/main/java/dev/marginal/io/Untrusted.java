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
   * {@code text} for a message: each control character (and each Unicode format character, such as a right-to-left
   * override) written as an escape ({@code \n}, {@code \t}, {@code \r} or {@code \}{@code uXXXX}); a text longer than
   * {@link #MAX_SHOWN} characters cut there, followed by "..." and its length.
   */
  public static String shown(String text) {
    int cut = Math.min(text.length(), MAX_SHOWN);
    if (cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    StringBuilder b = new StringBuilder(cut + 16);
    for (int i = 0; i < cut; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        b.append("\\n");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    if (cut < text.length()) {
      b.append("...(").append(text.length()).append(" characters)");
    }
    return b.toString();
  }

  /** {@link #shown} in single quotes. */
  public static String quoted(String text) {
    return "'" + shown(text) + "'";
  }
}
