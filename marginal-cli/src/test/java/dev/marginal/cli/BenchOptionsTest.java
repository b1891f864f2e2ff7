package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.Json;
import dev.marginal.tensor.Parallel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options of the benchmark commands: malformed, empty or repeated shapes and sample counts, sample counts that
 * cannot fit and an empty workload are one-line usage errors; threads are capped at the cores; the JSON report is
 * one line.
 */
class BenchOptionsTest {
  @Test
  void shapesParseAsMnk() {
    assertArrayEquals(new int[][] {{128, 784, 200}, {20, 200, 784}},
        BenchGemmCommand.parseShapes(List.of("128x784x200", " 20x200x784")));
  }

  @Test
  void malformedShapesAreRejectedWithTheirText() {
    assertRejected(new String[] {"bench", "gemm", "--shapes", "20x200", "--gemm-only"}, "--shapes", "'20x200'");
    assertRejected(new String[] {"bench", "gemm", "--shapes", "0x4x4", "--gemm-only"}, "--shapes", "[1, 8192]");
    assertRejected(new String[] {"bench", "gemm", "--shapes", "4xax4", "--gemm-only"}, "--shapes", "'4xax4'");
  }

  @Test
  void aShapeWithATrailingSeparatorAnEmptyListOrARepeatedShapeIsRejected() {
    assertRejected(new String[] {"bench", "gemm", "--shapes", "4x4x4x", "--gemm-only", "--repeats", "1"},
        "--shapes", "'4x4x4x'");
    assertRejected(new String[] {"bench", "gemm", "--shapes", ",", "--gemm-only", "--repeats", "1"},
        "--shapes", "no shape given");
    assertRejected(new String[] {"bench", "gemm", "--shapes", "4x4x4,8x8x8, 4x4x4", "--gemm-only", "--repeats", "1"},
        "--shapes", "4x4x4 is given twice");
  }

  @Test
  void anEmptyOrRepeatedSampleCountIsRejected() {
    assertRejected(new String[] {"bench", "iwae", "--train-k", ",", "--eval-k", "0"}, "--train-k", "no K given");
    assertRejected(new String[] {"bench", "iwae", "--train-k", "0", "--eval-k", ","}, "--eval-k", "no K given");
    assertRejected(new String[] {"bench", "iwae", "--train-k", "5,50,5", "--eval-k", "0", "--repeats", "1"},
        "--train-k", "K = 5 is given twice");
    assertRejected(new String[] {"bench", "iwae", "--train-k", "0", "--eval-k", "7", "--eval-k", "7", "--repeats",
        "1"}, "--eval-k", "K = 7 is given twice");
  }

  @Test
  void negativeSampleCountsAreRejected() {
    assertRejected(new String[] {"bench", "iwae", "--train-k", "-1"}, "--train-k", "-1");
    assertRejected(new String[] {"bench", "iwae", "--eval-k", "5,-3"}, "--eval-k", "-3");
  }

  @Test
  void repeatCountsOutsideTheirRangeAreRejected() {
    assertRejected(new String[] {"bench", "iwae", "--repeats", "0"}, "--repeats", "between 1 and 10000", "0");
    assertRejected(new String[] {"bench", "iwae", "--repeats", "2000000000"}, "--repeats", "2000000000");
    assertRejected(new String[] {"bench", "threads", "--repeats", "300000000"}, "--repeats", "300000000");
  }

  @Test
  void sampleCountsThatCannotFitTheHeapAreRefusedBeforeAnyTiming() {
    assertRejected(new String[] {"bench", "iwae", "--train-k", "0", "--eval-k", "99999999", "--repeats", "1"},
        "--eval-k 99999999", "would need about", "heap");
    assertRejected(new String[] {"bench", "iwae", "--train-k", "99999999", "--eval-k", "0", "--repeats", "1"},
        "--train-k 99999999", "would need about", "heap");
  }

  @Test
  void aRunWithNothingToMeasureIsRefused() {
    assertRejected(new String[] {"bench", "iwae", "--train-k", "0", "--eval-k", "0"}, "--train-k", "--eval-k",
        "nothing to measure");
    assertRejected(new String[] {"bench", "iwae", "--train-k", "0,0", "--eval-k", "0", "--json"},
        "nothing to measure");
  }

  @Test
  void theOutOfMemoryAdviceNamesEachWorkloadsOwnSizes() {
    CommandLine root = Cli.newCommandLine();
    assertEquals(List.of("--train-k", "--eval-k"), Cli.sizeOptions(Cli.commandOf(root, "bench", "iwae")));
    assertEquals(List.of("--shapes"), Cli.sizeOptions(Cli.commandOf(root, "bench", "gemm")));
    assertEquals(List.of(), Cli.sizeOptions(Cli.commandOf(root, "bench", "threads")));
    String advice = Cli.advice(new OutOfMemoryError("Java heap space"), Cli.commandOf(root, "bench", "iwae"));
    assertTrue(advice.contains("use smaller sizes (--train-k, --eval-k) or give"), advice);
  }

  @Test
  void theMlpRateCountsOnlyTheGemmsTheTapeRuns() {
    // 3-4-5 with a constant input: forward 2·(12 + 20), weight gradients as many, input gradient of the second
    // layer only (2·20): the first layer's input gradient is not computed.
    assertEquals(64 + 64 + 40, BenchMlpCommand.gemmFlopsPerRow(new int[] {3, 4, 5}));
    assertEquals(2L * 206_800 * 2 + 2L * (200 * 200 + 200 * 50), BenchMlpCommand.gemmFlopsPerRow(
        BenchMlpCommand.ENCODER));
  }

  @Test
  void threadsAreCappedAtTheCores() {
    int cores = Runtime.getRuntime().availableProcessors();
    BenchOptions options = new BenchOptions();
    options.threads = cores + 62;
    options.repeats = 1;
    int applied = Parallel.withThreads(1, () -> {
      options.apply();
      return Parallel.threads();
    });
    assertEquals(cores, applied);
  }

  @Test
  void theJsonReportIsOneLine() {
    BenchTable table = new BenchTable();
    table.row("gemm").put("shape", "2x2x2");
    table.row("gemm").put("best_gflops", 1.5);
    table.row("elementwise").put("vector_ns_per_elem", Double.NaN);
    StringWriter out = new StringWriter();
    try (PrintWriter w = new PrintWriter(out)) {
      table.print(w, true);
    }
    List<String> lines = out.toString().lines().toList();
    assertEquals(1, lines.size(), out.toString());
    Map<String, Object> parsed = Json.parseObject(lines.get(0));
    assertEquals(List.of("gemm", "elementwise"), List.copyOf(parsed.keySet()));
    assertEquals(1.5, ((Number) row(parsed, "gemm", 1).get("best_gflops")).doubleValue());
    // A number that is not finite is null, as in every command's JSON.
    assertTrue(row(parsed, "elementwise", 0).containsKey("vector_ns_per_elem"));
    assertEquals(null, row(parsed, "elementwise", 0).get("vector_ns_per_elem"));
  }

  private static Map<?, ?> row(Map<String, Object> report, String section, int i) {
    return (Map<?, ?>) ((List<?>) report.get(section)).get(i);
  }

  private static void assertRejected(String[] args, String... expected) {
    CliRun r = CliRun.of(args);
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    String line = r.errLines().get(0);
    for (String part : expected) {
      assertTrue(line.contains(part), "'" + part + "' missing from: " + line);
    }
  }
}
