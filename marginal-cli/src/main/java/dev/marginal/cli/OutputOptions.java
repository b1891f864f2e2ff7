package dev.marginal.cli;

import picocli.CommandLine.Option;

/** The {@code --json} and {@code --quiet} switches shared by the commands that report results. */
final class OutputOptions {
  @Option(names = "--json", description = "Print the result as one JSON object instead of text.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, description = "Print nothing on success (errors are still reported).")
  boolean quiet;
}
