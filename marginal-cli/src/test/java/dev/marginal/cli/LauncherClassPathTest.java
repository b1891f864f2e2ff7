package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/marginal} runs the jar with {@code java -jar}, which ignores CLASSPATH; MARGINAL_CLASSPATH adds entries
 * (a user target's classes) by putting the jar on the class path instead. Checked with a stand-in {@code java} that
 * prints its arguments, and a prebuilt jar named by MARGINAL_JAR, so nothing is built or run. It also tells the JVM
 * whether standard error, where progress goes, is a terminal.
 */
class LauncherClassPathTest {
  private static final Path LAUNCHER = Path.of("..", "bin", "marginal");

  @TempDir Path dir;

  /** The arguments the launcher passes to java after the JVM options, for {@code marginal target --help}. */
  private List<String> launch(String extraClassPath) throws IOException, InterruptedException {
    List<String> args = javaArgs(extraClassPath);
    // The memory options before these depend on the machine.
    int at = args.indexOf("-XX:PerMethodTrapLimit=10000") + 1;
    while (at < args.size() && !args.get(at).equals("-jar") && !args.get(at).equals("-cp")) {
      at++;
    }
    return args.subList(at, args.size());
  }

  /** Every argument the launcher passes to java, for {@code marginal target --help}. */
  private List<String> javaArgs(String extraClassPath) throws IOException, InterruptedException {
    return javaArgs(extraClassPath, null);
  }

  /** Every argument the launcher passes to java, with {@code javaOpts} as MARGINAL_JAVA_OPTS when not null. */
  private List<String> javaArgs(String extraClassPath, String javaOpts) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
    Path java = dir.resolve("java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    assumeTrue(java.toFile().setExecutable(true), "needs an executable stand-in for java");
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", LAUNCHER.toString(), "target", "--help");
    Map<String, String> env = pb.environment();
    env.put("PATH", dir + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("MARGINAL_JAR", "/opt/m/marginal.jar");
    env.remove("MARGINAL_JAVA_OPTS");
    if (javaOpts != null) {
      env.put("MARGINAL_JAVA_OPTS", javaOpts);
    }
    env.remove("MARGINAL_CLASSPATH");
    if (extraClassPath != null) {
      env.put("MARGINAL_CLASSPATH", extraClassPath);
    }
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.lines().toList();
  }

  @Test
  void theJvmIsToldWhetherStandardErrorIsATerminal() throws Exception {
    // Here standard error is a pipe; progress goes there, and Java cannot ask the terminal question of it itself.
    List<String> args = javaArgs(null);
    assertTrue(args.contains("-D" + TerminalProgress.STDERR_TERMINAL + "=false"), args.toString());
  }

  @Test
  void theParallelCollectorKeepsLoopStripMining() throws Exception {
    // The parallel collector turns strip mining off by default; the kernels' loops then compile slower (bin/marginal).
    List<String> args = javaArgs(null);
    assertTrue(args.contains("-XX:+UseParallelGC"), args.toString());
    assertTrue(args.contains("-XX:+UseCountedLoopSafepoints"), args.toString());
    assertTrue(args.contains("-XX:LoopStripMiningIter=1000"), args.toString());
  }

  @Test
  void withoutExtraEntriesTheJarRunsAsItIs() throws Exception {
    assertEquals(List.of("-jar", "/opt/m/marginal.jar", "target", "--help"), launch(null));
  }

  @Test
  void extraEntriesFollowTheJarOnTheClassPath() throws Exception {
    assertEquals(List.of("-cp", "/opt/m/marginal.jar:/home/u/classes:/home/u/t.jar", "dev.marginal.cli.Main",
        "target", "--help"), launch("/home/u/classes:/home/u/t.jar"));
  }

  @Test
  void aHeapUnderTwoGibibytesGetsNoFixedYoungGeneration() throws Exception {
    assumeTrue(javaArgs(null).contains("-Xmn1g"), "the fixed young generation is only set on machines of 8 GiB");
    // -Xmx256m with -Xmn1g made the JVM warn on every run that the young generation exceeds the heap.
    for (String small : List.of("-Xmx256m", "-Xms64m -Xmx1536m", "-Xmx268435456", "-Xmx1g")) {
      assertFalse(javaArgs(null, small).contains("-Xmn1g"), small);
    }
    for (String large : List.of("-Xmx2g", "-Xmx4096m", "-XX:+UseParallelGC")) {
      assertTrue(javaArgs(null, large).contains("-Xmn1g"), large);
    }
  }
}
