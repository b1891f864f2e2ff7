package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.Version;
import dev.marginal.io.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's version (not "dev") is what {@code --version} prints and what a saved model's provenance records. */
class VersionReportTest {
  @TempDir Path dir;

  @Test
  void versionOptionPrintsTheBuildVersion() {
    CliRun r = CliRun.of("--version");
    assertEquals(0, r.code(), r.toString());
    assertNotEquals(Version.DEVELOPMENT, Version.get());
    assertTrue(r.out().startsWith("marginal " + Version.get() + " (Java "), r.toString());
  }

  @Test
  void savedModelRecordsTheBuildVersion() {
    Path model = dir.resolve("m.marginal");
    CliRun fit = CliRun.of("fit", "--data", "toy:moons?n=60", "--model", "gmm", "--components", "2",
        "--out", model.toString(), "--quiet");
    assertEquals(0, fit.code(), fit.toString());
    CliRun info = CliRun.of("info", "--model", model.toString(), "--json");
    assertEquals(0, info.code(), info.toString());
    Map<?, ?> provenance = (Map<?, ?>) Json.parseObject(info.out().strip()).get("provenance");
    assertEquals(Version.get(), provenance.get("marginal_version"));
  }
}
