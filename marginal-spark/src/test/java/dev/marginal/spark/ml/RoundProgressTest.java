package dev.marginal.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A data-parallel fit's progress: a line at most every 10 s and one at the end, with rate and time left. */
class RoundProgressTest {
  @Test
  void aLineAtMostEveryTenSecondsAndOneForTheLastRound() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    List<String> lines = new ArrayList<>();
    RoundProgress p = new RoundProgress("fit lvm on 4 shards", 600, lines::add, now::get);
    now.addAndGet(4_000_000_000L);
    p.update(100, 8000, -2.5);
    assertEquals(List.of(), lines, "4 s after the start: no line yet");
    now.addAndGet(8_000_000_000L);
    p.update(200, 16000, -2.25);
    assertEquals(List.of("fit lvm on 4 shards: step 200 of 600 (33%), 16000 examples, objective -2.2500 nats, 1333"
        + " examples/s, about 24 s left"), lines);
    now.addAndGet(1_000_000_000L);
    p.update(300, 24000, -2.0);
    assertEquals(1, lines.size(), "1 s after the last line");
    now.addAndGet(1_000_000_000L);
    p.update(600, 48000, -1.5);
    assertEquals("fit lvm on 4 shards: step 600 of 600 (100%), 48000 examples, objective -1.5000 nats, 3429"
        + " examples/s", lines.get(1), "the last round, whenever it ends");
  }

  @Test
  void durationsAreInSecondsMinutesOrHours() {
    assertEquals("45 s", LogLines.duration(44.6));
    assertEquals("3 min 05 s", LogLines.duration(185));
    assertEquals("2 h 05 min", LogLines.duration(7500));
  }
}
