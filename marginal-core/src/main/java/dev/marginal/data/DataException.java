package dev.marginal.data;

/**
 * A problem with input data: a missing or malformed file, an unknown column, an unknown data source. The message
 * is one line that names the source first, with {@code file:line} (1-based, the header is line 1) where a line is
 * to blame, e.g. {@code data.csv:7: expected 3 values, found 2}.
 */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message one line, starting with the source's name */
  public DataException(String message) {
    super(message);
  }

  /** @param message one line, starting with the source's name */
  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
