package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/compare/compare.py} refuses a misspelt {@code --skip} part and counts below 1 as a one-line usage
 * error (exit 2) before it builds, runs or times anything. Each case also passes {@code --rounds 0} and an
 * interpreter that does not exist, so that a script which accepted the options would still measure nothing.
 */
class BenchCompareArgsTest {
  private static final Path SCRIPT = Path.of("..", "bench", "compare", "compare.py");

  @Test
  void aMisspeltOrEmptySkipIsRefused() throws Exception {
    assertRefused(List.of("--skip", "gemm,scalling", "--rounds", "0"), "--skip", "scalling",
        "gemm, iwae, funnel, scaling");
    assertRefused(List.of("--skip", "gemm,iwae,funnel,scaling", "--rounds", "0"), "--skip", "nothing to compare");
  }

  @Test
  void countsBelowOneAreRefused() throws Exception {
    assertRefused(List.of("--threads", "0", "--rounds", "0"), "--threads", "got 0");
    assertRefused(List.of("--repeats", "0", "--rounds", "0"), "--repeats", "between 1 and 10000");
    assertRefused(List.of("--rounds", "0"), "--rounds", "got 0");
  }

  @Test
  void anUnknownOptionIsOneLine() throws Exception {
    assertRefused(List.of("--bogus", "--rounds", "0"), "unrecognized arguments: --bogus");
  }

  @Test
  void checkArgsAcceptsGoodArgumentsSilentlyAndRefusesBadOnes() throws Exception {
    // What bench/compare/run calls before it builds the jar.
    String python = python();
    assumeTrue(python != null, "needs python3");
    Process p = new ProcessBuilder(python, SCRIPT.toString(), "--python", "/nonexistent/python3", "--check-args",
        "--rounds", "5", "--skip", "gemm").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out + err);
    assertEquals("", out + err);
    assertRefused(List.of("--check-args", "--skip", "gmm"), "--skip", "gmm");
  }

  @Test
  void noTargetIsJudgedAgainstAReferenceThatIsNotOnOpenBlas() throws Exception {
    List<String> verdicts = ratioLines("compare.ratios_line('a', [2.0], [1.0], 1.0, 'x')\n"
        + "compare.UNFAIR_REFERENCE = 'the references do not run on OpenBLAS'\n"
        + "compare.ratios_line('b', [2.0], [1.0], 1.0, 'x')\n"
        + "compare.ratios_line('c', [2.0], [1.0], 1.0, 'x', judged=False)\n");
    assertEquals(3, verdicts.size(), verdicts.toString());
    assertTrue(verdicts.get(0).endsWith(": meets"), verdicts.get(0));
    assertTrue(verdicts.get(1).endsWith(": not judged (the references do not run on OpenBLAS)"), verdicts.get(1));
    assertTrue(verdicts.get(2).endsWith(": meets"), "marginal against itself is judged: " + verdicts.get(2));
  }

  /** A ratio that rounds onto its target prints enough decimals to show the side it is on. */
  @Test
  void aRatioJustBelowItsTargetDoesNotPrintAsTheTarget() throws Exception {
    List<String> verdicts = ratioLines("compare.ratios_line('a', [1.996, 1.9, 2.5], [1.0, 1.0, 1.0], 2.0, 'x')\n"
        + "compare.ratios_line('b', [2.004], [1.0], 2.0, 'x')\n"
        + "compare.ratios_line('c', [1.5], [1.0], 2.0, 'x')\n");
    assertEquals(3, verdicts.size(), verdicts.toString());
    // 1.996 would round to 2.00: printed with the third decimal that shows it below 2.
    assertTrue(verdicts.get(0).contains("ratio 1.996  (per process: 1.996 1.90 2.50)"), verdicts.get(0));
    assertTrue(verdicts.get(0).endsWith(": BELOW"), verdicts.get(0));
    assertTrue(verdicts.get(1).contains("ratio  2.00  (per process: 2.00)"), verdicts.get(1));
    assertTrue(verdicts.get(1).endsWith(": meets"), verdicts.get(1));
    assertTrue(verdicts.get(2).contains("ratio  1.50  (per process: 1.50)"), verdicts.get(2));
  }

  /** Runs {@code calls} on the harness module (skipped without python3) and returns its lines with a verdict. */
  private static List<String> ratioLines(String calls) throws Exception {
    String python = python();
    assumeTrue(python != null, "needs python3");
    String code = "import sys; sys.path.insert(0, sys.argv[1]); import compare\n" + calls;
    Process p = new ProcessBuilder(python, "-B", "-c", code, SCRIPT.getParent().toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out + err);
    return out.lines().filter(l -> l.contains("target >=")).toList();
  }

  private static void assertRefused(List<String> args, String... expected) throws Exception {
    String python = python();
    assumeTrue(python != null, "needs python3");
    List<String> cmd = new ArrayList<>(List.of(python, SCRIPT.toString(), "--python", "/nonexistent/python3"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.waitFor(), args + ": " + out + err);
    assertEquals("", out, args.toString());
    List<String> lines = err.lines().toList();
    assertEquals(1, lines.size(), args + ": " + err);
    for (String part : expected) {
      assertTrue(lines.get(0).contains(part), "'" + part + "' missing from: " + lines.get(0));
    }
  }

  private static String python() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      File f = new File(dir, "python3");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }
}
