package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The options of the benchmark commands: malformed shapes and sample counts are one-line usage errors. */
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
