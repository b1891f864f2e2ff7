package dev.marginal.cli;

import picocli.CommandLine.Option;

/** The {@code --json} and {@code --quiet} switches shared by the commands that report results. */
final class OutputOptions {
  @Option(names = "--json", description = "Print the result as one JSON object instead of text.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, description = "Print no report and no progress"
      + " (warnings and errors still go to standard error).")
  boolean quiet;
}
