package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * An {@link OutOfMemoryError} or {@link StackOverflowError} that escapes a command, directly or from a worker
 * thread, is one line saying what to change, with a non-zero exit code and no stack trace unless {@code --debug}.
 */
class ResourceErrorTest {
  @CommandLine.Command(name = "thrower")
  static final class Thrower implements Callable<Integer> {
    @CommandLine.Option(names = "--debug") boolean debug;
    Throwable toThrow;

    @Override
    public Integer call() throws Exception {
      if (toThrow instanceof Error e) {
        throw e;
      }
      throw (Exception) toThrow;
    }
  }

  private static CliRun run(Throwable t, String... args) {
    Thrower thrower = new Thrower();
    thrower.toThrow = t;
    CommandLine cl = Cli.configure(new CommandLine(thrower));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err, true));
    int code = Cli.run(cl, cl.getErr(), args);
    cl.getErr().flush();
    return new CliRun(code, out.toString(), err.toString());
  }

  private static String oneLine(CliRun r) {
    assertEquals(Cli.EXIT_RESOURCES, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    String line = r.errLines().get(0);
    assertFalse(line.contains("\tat ") || line.contains("Error:"), line);
    return line;
  }

  @Test
  void outOfMemoryIsOneLineWithAdvice() {
    String line = oneLine(run(new OutOfMemoryError("Java heap space")));
    assertTrue(line.startsWith("marginal: out of memory (Java heap space"), line);
    assertTrue(line.contains("MARGINAL_JAVA_OPTS=-Xmx"), line);
  }

  @Test
  void theAdviceNamesTheSizeOptionsOfTheCommandThatRanOut() {
    CommandLine root = Cli.newCommandLine();
    assertEquals(List.of("--batch", "--k", "--hidden", "--latent", "--forward-proposals",
        "a --target of fewer dimensions"), Cli.sizeOptions(Cli.commandOf(root, "target", "--target", "funnel")));
    assertEquals(List.of("--limit", "--batch", "--k", "--hidden", "--latent"),
        Cli.sizeOptions(Cli.commandOf(root, "fit", "--data", "toy:moons")));
    assertEquals(List.of("--limit", "--k", "--repeats"), Cli.sizeOptions(Cli.commandOf(root, "score")));
    assertEquals(List.of("--n"), Cli.sizeOptions(Cli.commandOf(root, "sample")));
    String target = Cli.advice(new OutOfMemoryError("Java heap space"), Cli.commandOf(root, "target"));
    assertTrue(target.contains("use smaller sizes (--batch, --k, --hidden, --latent, --forward-proposals, a --target "
        + "of fewer dimensions) or give the JVM more"), target);
    // A command without such options gets the advice without a list.
    String line = oneLine(run(new OutOfMemoryError("Java heap space")));
    assertTrue(line.contains("use smaller sizes or give the JVM more"), line);
  }

  @Test
  void outOfMemoryInAWorkerThreadIsFoundAmongTheCauses() {
    String line = oneLine(run(new RuntimeException("worker failed", new OutOfMemoryError("Java heap space"))));
    assertTrue(line.contains("MARGINAL_JAVA_OPTS=-Xmx"), line);
  }

  @Test
  void stackOverflowIsOneLine() {
    assertTrue(oneLine(run(new StackOverflowError())).contains("ran out of stack"));
  }

  @Test
  void debugShowsTheTrace() {
    CliRun r = run(new OutOfMemoryError("Java heap space"), "--debug");
    assertEquals(Cli.EXIT_RESOURCES, r.code());
    assertTrue(r.err().contains("\tat "), r.toString());
  }

  @Test
  void debugIsAcceptedByEverySubcommand() {
    CliRun r = CliRun.of("info", "--model", "/nonexistent/m.marginal", "--debug");
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("\tat "), r.toString());
  }
}
