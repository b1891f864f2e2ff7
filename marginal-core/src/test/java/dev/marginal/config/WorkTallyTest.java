package dev.marginal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkTallyTest {
  @Test
  void eachAdditionReportsTheRunningCountTheTotalAndTheEstimate() {
    List<String> calls = new ArrayList<>();
    WorkTally t = new WorkTally((done, total, e) -> calls.add(done + "/" + total + " " + e), 10);
    t.add(3, -1.5);
    t.add(7);
    assertEquals(List.of("3/10 -1.5", "10/10 NaN"), calls);
    assertEquals(10, t.done());
  }

  @Test
  void theSilentTallyCountsNothing() {
    WorkTally s = WorkTally.silent();
    s.add(5, 1.0);
    assertEquals(0, s.done());
  }

  @Test
  void aNegativeTotalOrNoListenerIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new WorkTally(WorkProgress.silent(), -1));
    assertThrows(NullPointerException.class, () -> new WorkTally(null, 1));
  }
}
