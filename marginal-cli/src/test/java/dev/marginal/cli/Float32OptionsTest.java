package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training runs in float32: a positive rate, gradient bound or scale that float32 would round to zero or to infinity,
 * and an Adam β2 that it would round to 1, are refused in one line naming the option, before any work; values
 * float32 holds, however small, are accepted.
 */
class Float32OptionsTest {
  @TempDir Path dir;

  private CliRun target(String... extra) {
    List<String> args = new ArrayList<>(List.of("target", "--target", "mixture", "--iters", "2", "--eval-samples",
        "20", "--eval-k", "5", "--quiet", "--out", dir.resolve("t.marginal").toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  private CliRun fit(String... extra) {
    List<String> args = new ArrayList<>(List.of("fit", "--data", "toy:moons?n=60", "--model", "lvm", "--hidden", "8",
        "--steps", "2", "--quiet", "--out", dir.resolve("f.marginal").toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** The refusal's requirement, from the library's check (ParameterException.float32) with the option's name. */
  private static final String RANGE =
      "between 1.17549435E-38 and 3.4028235E38 (training runs in float32, which rounds ";

  private static void assertRefused(CliRun r, String option, String problem) {
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("marginal: " + option + " must be " + problem), line);
    assertFalse(line.contains("Exception"), line);
  }

  @Test
  void targetRefusesPositiveValuesThatFloat32RoundsToZero() {
    List<List<String>> cases = List.of(List.of("--lr", "1e-50"), List.of("--encoder-lr", "1e-50"),
        List.of("--clip", "1e-50"), List.of("--forward", "0.5", "--forward-scale", "1e-50"),
        List.of("--anneal", "0.5", "--anneal-scale", "1e-50"), List.of("--clip", "1e-40"));
    for (List<String> c : cases) {
      String option = c.get(c.size() - 2);
      CliRun r = target(c.toArray(String[]::new));
      assertRefused(r, option, RANGE);
      assertTrue(r.errLines().get(0).contains(" to zero), got "), r.toString());
    }
    assertFalse(Files.exists(dir.resolve("t.marginal")));
  }

  @Test
  void targetRefusesValuesThatFloat32RoundsToInfinity() {
    for (List<String> c : List.of(List.of("--lr", "1e39"), List.of("--clip", "1e300"),
        List.of("--forward", "0.5", "--forward-scale", "1e39"), List.of("--anneal", "0.5", "--anneal-scale", "4e38"))) {
      String option = c.get(c.size() - 2);
      CliRun r = target(c.toArray(String[]::new));
      assertRefused(r, option, RANGE);
      assertTrue(r.errLines().get(0).contains(" to infinity), got "), r.toString());
    }
  }

  /** With β2 rounded to 1 Adam's second moment stays 0, and every step is the rate over ε. */
  @Test
  void targetRefusesAnAdamBeta2ThatFloat32RoundsToOne() {
    assertRefused(target("--adam-beta2", "0.9999999999"), "--adam-beta2",
        "at most 0.99999994 (the largest float32 below 1");
    assertEquals(0, target("--adam-beta2", "0.9999999").code());
  }

  @Test
  void fitRefusesARateOrBoundThatFloat32RoundsToZeroOrInfinity() {
    assertRefused(fit("--lr", "1e-50"), "--lr", RANGE);
    assertRefused(fit("--clip", "1e-50"), "--clip", RANGE);
    assertRefused(fit("--lr", "1e39"), "--lr", RANGE);
    assertFalse(Files.exists(dir.resolve("f.marginal")));
  }

  @Test
  void smallValuesThatFloat32HoldsAreAccepted() {
    CliRun t = target("--recipe", "reverse", "--lr", "1e-37", "--clip", "1e-30", "--anneal", "0.5", "--anneal-scale",
        "1e-3");
    assertEquals(0, t.code(), t.toString());
    CliRun f = fit("--lr", "1e-37", "--clip", "1e-30");
    assertEquals(0, f.code(), f.toString());
  }
}
