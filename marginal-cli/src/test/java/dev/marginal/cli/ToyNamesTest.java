package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.ToyData;
import org.junit.jupiter.api.Test;

/** The help's list of toy data sets is the library's. */
class ToyNamesTest {
  @Test
  void theHelpListsEveryToyDataSet() {
    assertEquals(String.join(", ", ToyData.NAMES), ToyNames.LIST);
    CliRun r = CliRun.of("fit", "--help");
    assertTrue(r.out().replaceAll("\\s+", " ").contains(ToyNames.LIST), r.out());
  }
}
