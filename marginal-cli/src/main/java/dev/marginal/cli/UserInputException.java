package dev.marginal.cli;

/** A problem with what the user gave (a file, an option, a value): reported as one line, exit code 2. */
public final class UserInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserInputException(String message) {
    super(message);
  }

  public UserInputException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A problem with {@code source} that {@code cause} describes: "source: message", or the message alone when it
   * names the source first already (the library's errors about data often do), so that the source appears once.
   */
  static UserInputException about(Object source, RuntimeException cause) {
    String message = String.valueOf(cause.getMessage());
    return new UserInputException(message.startsWith(source + ":") ? message : source + ": " + message, cause);
  }
}
