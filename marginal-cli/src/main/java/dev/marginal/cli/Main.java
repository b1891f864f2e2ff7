package dev.marginal.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code marginal} command: latent variable models from the command line. */
@Command(
    name = "marginal",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Latent variable models: fit, score, sample and evaluate with ELBO, IWAE, SUMO and exact log p(x).",
    subcommands = {FitCommand.class, ScoreCommand.class, SampleCommand.class, EncodeCommand.class, DecodeCommand.class,
        EvalCommand.class, InfoCommand.class, TargetCommand.class, DemoCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = Cli.DEBUG, scope = CommandLine.ScopeType.INHERIT,
      description = "Print the stack trace of an error (for reporting a bug).")
  boolean debug;

  /** Without a command: the usage on standard error, and the exit code of a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.EXIT_USAGE;
  }

  /** Runs the tool and returns its exit code (for tests). */
  public static int execute(String... args) {
    CommandLine cl = Cli.newCommandLine();
    return Cli.run(cl, cl.getErr(), args);
  }

  /** Runs the tool with the given output and error streams and returns its exit code (for tests). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = Cli.newCommandLine();
    cl.setOut(out);
    cl.setErr(err);
    int code = Cli.run(cl, err, args);
    out.flush();
    err.flush();
    return code;
  }

  /** The running version of marginal, as {@link dev.marginal.io.Version#get()} reports it. */
  static String version() {
    return dev.marginal.io.Version.get();
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Reports the version the build recorded (see {@link dev.marginal.io.Version}) and the Java version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"marginal " + version() + " (Java " + Runtime.version() + ")"};
    }
  }
}
