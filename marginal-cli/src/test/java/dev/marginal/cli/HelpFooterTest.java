package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The footers of every command's help (target lists, examples) are printed as written: no line is wrapped, so an
 * example copied from the help runs as it reads, and its arguments that the shell would expand are quoted.
 */
class HelpFooterTest {
  /** Every command and subcommand, the tool itself first. */
  private static List<CommandLine> commands(CommandLine cl) {
    List<CommandLine> all = new ArrayList<>(List.of(cl));
    for (CommandLine sub : cl.getSubcommands().values()) {
      all.addAll(commands(sub));
    }
    return all;
  }

  @Test
  void footerLinesAreNotWrapped() {
    for (CommandLine cmd : commands(Cli.newCommandLine())) {
      int width = cmd.getCommandSpec().usageMessage().width();
      List<String> printed = cmd.getUsageMessage().lines().toList();
      for (String line : cmd.getCommandSpec().usageMessage().footer()) {
        String name = cmd.getCommandSpec().qualifiedName();
        assertTrue(line.length() <= width, name + ": footer line of " + line.length() + " > " + width + ": " + line);
        assertTrue(line.isEmpty() || printed.contains(line), name + ": footer line not printed as is: " + line);
      }
    }
  }

  @Test
  void examplesQuoteWhatTheShellWouldExpand() {
    for (CommandLine cmd : commands(Cli.newCommandLine())) {
      boolean continued = false;
      for (String line : cmd.getCommandSpec().usageMessage().footer()) {
        if (line.startsWith("  marginal ") || continued) {
          for (String token : line.strip().split(" +")) {
            boolean quoted = token.startsWith("'") && token.endsWith("'");
            assertTrue(quoted || token.chars().noneMatch(c -> "?*&;|<>".indexOf(c) >= 0),
                cmd.getCommandSpec().qualifiedName() + ": unquoted " + token);
          }
        }
        continued = line.endsWith("\\");
      }
    }
  }
}
