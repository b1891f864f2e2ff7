package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marginal.io.Json;
import dev.marginal.tensor.Parallel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code marginal bench threads}: the round trip between two threads, and its column in {@code bench iwae}. */
class BenchThreadsCommandTest {
  @Test
  void printsOneRowOfRoundTrips() {
    CliRun r = CliRun.of("bench", "threads", "--repeats", "1", "--json");
    assertEquals(0, r.code(), r.toString());
    assertEquals(1, r.out().lines().count(), "one line of JSON: " + r.out());
    Map<String, Object> out = Json.parseObject(r.out());
    List<?> rows = (List<?>) out.get("threads");
    assertEquals(1, rows.size(), r.out());
    Map<?, ?> row = (Map<?, ?>) rows.get(0);
    int windows = ((Number) row.get("windows")).intValue();
    assertTrue(windows >= 1 && windows <= 10, r.out());
    double best = ((Number) row.get("best_ns")).doubleValue();
    double median = ((Number) row.get("median_ns")).doubleValue();
    // A value that crosses between two threads and back moves a cache line twice: not under a nanosecond.
    assertTrue(best >= 1 && best <= median, r.out());
  }

  @Test
  void aThreadCountIsRefusedSinceTheProbeAlwaysTimesTwoThreads() {
    CliRun r = CliRun.of("bench", "threads", "--threads", "1", "--repeats", "1");
    assertEquals(2, r.code(), r.toString());
    assertEquals(List.of("marginal: --threads does not apply to bench threads, which always times two threads"),
        r.errLines());
  }

  @Test
  void roundTripsAreSortedAndTheSecondThreadEnds() throws InterruptedException {
    int before = echoThreads();
    double[] nanos = BenchThreadsCommand.roundTrips(5);
    assertTrue(nanos.length >= 1 && nanos.length <= 5);
    for (int i = 1; i < nanos.length; i++) {
      assertTrue(nanos[i - 1] <= nanos[i]);
    }
    for (int tries = 0; tries < 200 && echoThreads() > before; tries++) {
      Thread.sleep(10);
    }
    assertEquals(before, echoThreads(), "the answering thread is still running");
  }

  @Test
  void aTwoThreadIwaeRowHasRoundTripsBeforeAndAfterItsBatches() {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "--threads is capped at the cores");
    CliRun r = CliRun.of("bench", "iwae", "--threads", "2", "--train-k", "5", "--eval-k", "0", "--repeats", "1",
        "--json");
    assertEquals(0, r.code(), r.toString());
    List<?> rows = (List<?>) Json.parseObject(r.out()).get("training");
    assertEquals(1, rows.size(), r.out());
    Map<?, ?> row = (Map<?, ?>) rows.get(0);
    assertTrue(((Number) row.get("round_trip_before_ns")).doubleValue() >= 1, r.out());
    assertTrue(((Number) row.get("round_trip_after_ns")).doubleValue() >= 1, r.out());
  }

  @Test
  void theIwaeRowsHaveNoRoundTripOnOneThread() {
    assertEquals(0.0, Parallel.withThreads(1, IwaeWorkloads::roundTripNanos));
  }

  private static int echoThreads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("marginal-bench-echo")) {
        n++;
      }
    }
    return n;
  }
}
