package dev.marginal.cli;

import dev.marginal.data.DataException;
import picocli.CommandLine;

/**
 * Builds the command line with marginal's error handling: a bad option or bad input prints one line naming the
 * problem and exits non-zero, never a stack trace (set {@code MARGINAL_DEBUG=1} to see one).
 */
final class Cli {
  /** Exit code for invalid usage or input ({@link UserInputException}, {@link DataException}). */
  static final int EXIT_USAGE = 2;
  /** Exit code for a failure while running. */
  static final int EXIT_FAILURE = 1;

  private Cli() {}

  static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("marginal: " + ex.getMessage().strip() + " (see '" + cmd.getCommandSpec().qualifiedName()
          + " --help')");
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (System.getenv("MARGINAL_DEBUG") != null) {
        ex.printStackTrace(cmd.getErr());
      }
      String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      cmd.getErr().println("marginal: " + OptionNames.forUser(ex, msg));
      return ex instanceof UserInputException || ex instanceof DataException || OptionNames.isParameterError(ex)
          ? EXIT_USAGE : EXIT_FAILURE;
    });
    return cl;
  }
}
