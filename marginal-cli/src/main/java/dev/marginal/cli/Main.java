package dev.marginal.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code marginal} command: latent variable models from the command line. */
@Command(
    name = "marginal",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Latent variable models: fit, score, sample and evaluate with ELBO, IWAE, SUMO and exact log p(x).",
    subcommands = {DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the tool and returns its exit code (for tests). */
  public static int execute(String... args) {
    return Cli.newCommandLine().execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Reports the version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"marginal " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
  }
}
