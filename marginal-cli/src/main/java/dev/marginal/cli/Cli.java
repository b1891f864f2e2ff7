package dev.marginal.cli;

import dev.marginal.config.NearestNames;
import dev.marginal.data.DataException;
import dev.marginal.io.Untrusted;
import dev.marginal.tensor.Parallel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Builds and runs the command line with marginal's error handling: a bad option or bad input prints one line naming
 * the problem and exits non-zero, never a stack trace (give {@code --debug}, or set {@code MARGINAL_DEBUG=1}, to see
 * one). The JVM running out of heap or stack is reported the same way, with what to change.
 */
final class Cli {
  /** Exit code for invalid usage or input ({@link UserInputException}, {@link DataException}). */
  static final int EXIT_USAGE = 2;
  /** Exit code for a failure while running. */
  static final int EXIT_FAILURE = 1;
  /** Exit code when the JVM ran out of memory or stack. */
  static final int EXIT_RESOURCES = 3;
  /** Exit code of a run stopped by Ctrl-C or {@code kill} after saving its checkpoint (the shell's 128 + SIGINT). */
  static final int EXIT_INTERRUPTED = 130;
  /** The option that prints stack traces. */
  static final String DEBUG = "--debug";

  private Cli() {}

  static CommandLine newCommandLine() {
    return configure(new CommandLine(new Main()));
  }

  /**
   * Installs the one-line error handlers on {@code cl}, and a file name converter that refuses an empty name (which
   * would otherwise stand for the current directory, reported as "{@code : is a directory}" without the option).
   */
  static CommandLine configure(CommandLine cl) {
    cl.registerConverter(Path.class, s -> {
      if (s.isBlank()) {
        throw new CommandLine.TypeConversionException("'" + s + "' is not a file name");
      }
      return Path.of(s);
    });
    cl.registerConverter(Double.class, Decimals::parse);
    cl.registerConverter(Double.TYPE, Decimals::parse);
    cl.setParameterExceptionHandler((given, args) -> {
      CommandLine.ParameterException ex = unmatchedFirst(given);
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println(Untrusted.escaped("marginal: " + ex.getMessage().strip() + suggestion(ex)
          + flagValueHint(ex, args) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')"));
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof InterruptGuard.Stopped) {
        return EXIT_INTERRUPTED;
      }
      if (debug(parseResult.originalArgs().toArray(String[]::new))) {
        ex.printStackTrace(cmd.getErr());
      }
      VirtualMachineError vm = resourceError(ex);
      if (vm != null) {
        cmd.getErr().println("marginal: " + advice(vm, cmd));
        return EXIT_RESOURCES;
      }
      String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      cmd.getErr().println(Untrusted.escaped("marginal: " + OptionNames.asTyped(
          OptionNames.forUser(ex, OptionNames.markDefaults(ex, msg, parseResult)), parseResult)));
      return ex instanceof UserInputException || ex instanceof DataException || OptionNames.isParameterError(ex)
          ? EXIT_USAGE : EXIT_FAILURE;
    });
    return cl;
  }

  /**
   * The error to report: picocli checks required options before it refuses unknown ones, so that {@code sample
   * --samples 5} would be told that {@code --n} is missing; an unknown option or unmatched argument, with its hint,
   * comes first, since it is often the missing option misspelt.
   */
  static CommandLine.ParameterException unmatchedFirst(CommandLine.ParameterException ex) {
    CommandLine cmd = ex.getCommandLine();
    List<String> unmatched = cmd.getUnmatchedArguments();
    if (ex instanceof CommandLine.UnmatchedArgumentException || unmatched.isEmpty()) {
      return ex;
    }
    return new CommandLine.UnmatchedArgumentException(cmd, unmatched);
  }

  /**
   * For a value given to a switch that takes none ({@code --ais 20}): "; --ais takes no value", since picocli only
   * says that the value is unmatched. Empty otherwise.
   */
  static String flagValueHint(CommandLine.ParameterException ex, String[] args) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
      return "";
    }
    String value = u.getUnmatched().get(0);
    if (value.startsWith("-") && value.length() > 1 && !Character.isDigit(value.charAt(1))) {
      return "";
    }
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals(value)) {
        CommandLine.Model.OptionSpec flag = ex.getCommandLine().getCommandSpec().findOption(args[i - 1]);
        if (flag != null && flag.arity().max() == 0) {
          return "; " + args[i - 1] + " takes no value";
        }
      }
    }
    return "";
  }

  /** For an unknown option or command close to known ones ({@code --iterations}): "; did you mean --iters?". */
  static String suggestion(CommandLine.ParameterException ex) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException)) {
      return "";
    }
    CommandLine.UnmatchedArgumentException u = (CommandLine.UnmatchedArgumentException) ex;
    if (u.getUnmatched().isEmpty()) {
      return "";
    }
    String given = u.getUnmatched().get(0).split("=", 2)[0];
    // The command's own name for what another tool, or another of our commands, calls differently, then the names
    // picocli finds close in spelling, nearest first (picocli lists them in declaration order).
    List<String> synonyms = new java.util.ArrayList<>();
    for (String s : SYNONYMS.getOrDefault(given, List.of())) {
      if (ex.getCommandLine().getCommandSpec().findOption(s) != null) {
        synonyms.add(s);
      }
    }
    List<String> close = new java.util.ArrayList<>(u.getSuggestions());
    close.removeAll(synonyms);
    if (synonyms.isEmpty()) {
      return NearestNames.didYouMean(given, close);
    }
    synonyms.addAll(NearestNames.nearest(given, close));
    return "; did you mean " + String.join(" or ", synonyms.subList(0, Math.min(NearestNames.MAX_SHOWN,
        synonyms.size()))) + "?";
  }

  /**
   * Options by the names other commands or tools give them: {@code target}'s length is {@code --iters}, {@code fit}'s
   * {@code --steps} or {@code --epochs}.
   */
  private static final java.util.Map<String, List<String>> SYNONYMS = java.util.Map.of(
      "--steps", List.of("--iters", "--epochs"),
      "--iters", List.of("--steps", "--epochs", "--max-iter"),
      "--iterations", List.of("--iters", "--steps", "--max-iter"),
      "--learning-rate", List.of("--lr"),
      "--samples", List.of("--n", "--k"),
      "--num-samples", List.of("--n", "--k"),
      "--output", List.of("--out"),
      "--input", List.of("--data"));

  /**
   * Runs {@code args}; an {@link OutOfMemoryError} or {@link StackOverflowError} that escapes the command is one line
   * on {@code err} saying what to do, and exit code {@value #EXIT_RESOURCES}.
   */
  static int run(CommandLine cl, PrintWriter err, String... args) {
    try {
      // A command's --threads (Parallel.setThreads on this thread) ends with the command.
      return Parallel.withThreads(Parallel.threads(), () -> cl.execute(args));
    } catch (OutOfMemoryError | StackOverflowError e) {
      if (debug(args)) {
        e.printStackTrace(err);
      }
      err.println("marginal: " + advice(e, commandOf(cl, args)));
      err.flush();
      return EXIT_RESOURCES;
    }
  }

  /** The one-line report of a JVM resource error. */
  static String advice(VirtualMachineError e, CommandLine cmd) {
    long mib = Runtime.getRuntime().maxMemory() >> 20;
    if (e instanceof StackOverflowError) {
      return "ran out of stack (input nested too deeply?); if the input is sound, give the JVM a larger stack, "
          + "e.g. MARGINAL_JAVA_OPTS=-Xss64m";
    }
    List<String> sizes = sizeOptions(cmd);
    return "out of memory (" + (e.getMessage() == null ? "heap" : e.getMessage()) + ", heap limit " + mib
        + " MiB); use smaller sizes" + (sizes.isEmpty() ? "" : " (" + String.join(", ", sizes) + ")")
        + " or give the JVM more, e.g. MARGINAL_JAVA_OPTS=-Xmx" + Math.max(2, 2 * Math.round(Math.ceil(mib / 1024.0)))
        + "g";
  }

  /** Options that set how much a command holds in memory, in the order they are worth trying. */
  private static final List<String> SIZE_OPTIONS =
      List.of("--limit", "--n", "--batch", "--k", "--repeats", "--hidden", "--latent", "--forward-proposals",
          "--bdmc", "--target");

  /**
   * Those of {@link #SIZE_OPTIONS} that {@code cmd} has ({@code --target}: a target of fewer dimensions); a
   * {@code bench} workload's own list ({@link BenchWorkload#sizeOptions}).
   */
  static List<String> sizeOptions(CommandLine cmd) {
    List<String> found = new java.util.ArrayList<>();
    if (cmd == null) {
      return found;
    }
    if (cmd.getCommand() instanceof BenchWorkload bench) {
      found.addAll(bench.sizeOptions());
      return found;
    }
    for (String o : SIZE_OPTIONS) {
      if (cmd.getCommandSpec().findOption(o) != null) {
        found.add(o.equals("--target") ? "a --target of fewer dimensions" : o);
      }
    }
    return found;
  }

  /** The (sub)command that {@code args} name under {@code cl}, or {@code cl} itself. */
  static CommandLine commandOf(CommandLine cl, String... args) {
    CommandLine cmd = cl;
    for (String a : args) {
      CommandLine sub = cmd.getSubcommands().get(a);
      if (sub != null) {
        cmd = sub;
      }
    }
    return cmd;
  }

  /** An out-of-memory or stack-overflow error among the causes of {@code t} (from a worker thread), or null. */
  private static VirtualMachineError resourceError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof OutOfMemoryError || c instanceof StackOverflowError) {
        return (VirtualMachineError) c;
      }
    }
    return null;
  }

  /** Whether stack traces were asked for: {@code --debug} among the arguments, or {@code MARGINAL_DEBUG} set. */
  static boolean debug(String[] args) {
    return System.getenv("MARGINAL_DEBUG") != null || Arrays.asList(args).contains(DEBUG);
  }
}
