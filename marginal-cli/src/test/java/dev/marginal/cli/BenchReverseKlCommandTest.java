package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code marginal bench reverse-kl} prints the one row that {@code bench/compare/compare.py} reads. */
class BenchReverseKlCommandTest {
  @Test
  void printsOneRowWithTheFieldsTheComparisonReads() {
    CliRun r = CliRun.of("bench", "reverse-kl", "--threads", "1", "--repeats", "1", "--json");
    assertEquals(0, r.code(), r.toString());
    Map<String, Object> out = Json.parseObject(r.out());
    List<?> rows = (List<?>) out.get("reverse-kl");
    assertEquals(1, rows.size(), r.out());
    Map<?, ?> row = (Map<?, ?>) rows.get(0);
    assertEquals(1, ((Number) row.get("threads")).intValue(), r.out());
    double best = ((Number) row.get("best_ms_per_iter")).doubleValue();
    double median = ((Number) row.get("median_ms_per_iter")).doubleValue();
    assertTrue(best > 0 && best <= median, r.out());
  }
}
