package dev.marginal.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** EM's progress on the cluster: a line at most every 10 s and one at the end, with the time left at most. */
class IterationProgressTest {
  @Test
  void aLineAtMostEveryTenSecondsAndOneAtTheEnd() {
    AtomicLong now = new AtomicLong(0);
    List<String> lines = new ArrayList<>();
    IterationProgress p = new IterationProgress("fit gmm", "mean log-likelihood", lines::add, now::get);
    now.addAndGet(5_000_000_000L);
    p.update(10, 200, -2.5);
    assertEquals(List.of(), lines);
    now.addAndGet(5_000_000_000L);
    p.update(20, 200, -2.25);
    assertEquals(List.of("fit gmm: iteration 20 of at most 200, mean log-likelihood -2.2500, at most 1 min 30 s left"),
        lines);
    now.addAndGet(1_000_000_000L);
    p.update(200, 200, -2.0);
    assertEquals("fit gmm: iteration 200 of at most 200, mean log-likelihood -2.0000", lines.get(1));
  }
}
