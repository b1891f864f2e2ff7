package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.Json;
import dev.marginal.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumed run reports the whole run: target's metrics log keeps the evaluations and losses from before the resume,
 * and a length shorter than the steps already done is refused, naming both.
 */
class ResumeHistoryTest {
  private static final String[] TARGET = {"target", "--target", "u2", "--eval-every", "10", "--eval-samples", "20",
      "--eval-k", "10", "--quiet"};

  @TempDir Path dir;

  @Test
  void targetResumedIntoTheSameOutputKeepsTheMetricsOfTheWholeRun() throws IOException {
    Path out = dir.resolve("u.marginal");
    assertEquals(0, target("--iters", "40", "--checkpoint-every", "10", "--out", out.toString()).code());
    CliRun r = target("--iters", "60", "--resume", dir.resolve("u.marginal.ckpt").toString(), "--out",
        out.toString());
    assertEquals(0, r.code(), r.toString());
    List<String> csv = Files.readAllLines(dir.resolve("u.marginal.metrics.csv"));
    assertEquals(List.of("10", "20", "30", "40", "50", "60"),
        csv.subList(1, csv.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList(), csv.toString());
    Map<String, Object> json = Json.parseObject(Files.readString(dir.resolve("u.marginal.metrics.json")));
    assertEquals(6, ((List<?>) json.get("evaluations")).size());
    assertEquals(60, ((List<?>) json.get("loss")).size());
    assertEquals(60L, json.get("steps"));
  }

  /**
   * The warnings a resumed run reports again come from its checkpoint, a file: a control character there (a
   * terminal's escape sequence) is printed escaped, not sent to the terminal.
   */
  @Test
  @SuppressWarnings("unchecked")
  void aWarningFromTheCheckpointIsPrintedEscaped() throws IOException {
    Path out = dir.resolve("w.marginal");
    assertEquals(0, target("--iters", "20", "--out", out.toString()).code());
    Path ckpt = dir.resolve("w.marginal.ckpt");
    ModelFile f = ModelFile.read(ckpt);
    Map<String, Object> p = new LinkedHashMap<>(f.provenance());
    Map<String, Object> training = new LinkedHashMap<>((Map<String, Object>) p.get("training"));
    training.put("warnings", List.of("step 10: \u001B]0;title\u0007\u001B[31mred"));
    p.put("training", training);
    new ModelFile(f.kind(), f.config(), p, f.tensors(), f.float64Tensors()).write(ckpt);
    CliRun r = target("--iters", "30", "--resume", ckpt.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.errLines().contains("marginal: warning: step 10: \\u001B]0;title\\u0007\\u001B[31mred"),
        r.toString());
    assertTrue(r.err().chars().noneMatch(c -> c == 0x1B || c == 0x07), r.toString());
  }

  @Test
  void targetResumedWithFewerItersThanDoneIsRefused() throws IOException {
    Path out = dir.resolve("t.marginal");
    assertEquals(0, target("--iters", "30", "--out", out.toString()).code());
    Path ckpt = dir.resolve("t.marginal.ckpt");
    CliRun r = target("--iters", "20", "--resume", ckpt.toString(), "--out", dir.resolve("v.marginal").toString());
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(List.of("marginal: " + ckpt + ": --iters 20 is fewer than the 30 steps already done"),
        r.errLines());
    assertTrue(Files.notExists(dir.resolve("v.marginal")));
  }

  @Test
  void fitResumedWithFewerEpochsOrStepsThanDoneIsRefused() throws IOException {
    String[] fit = {"fit", "--data", "toy:moons?n=60", "--model", "lvm", "--batch", "20", "--hidden", "8", "--quiet"};
    Path ckpt = dir.resolve("a.marginal.ckpt");
    assertEquals(0, CliRun.of(concat(fit, "--epochs", "4", "--out", dir.resolve("a.marginal").toString())).code());
    CliRun epochs = CliRun.of(concat(fit, "--epochs", "2", "--resume", ckpt.toString(), "--out",
        dir.resolve("b.marginal").toString()));
    assertEquals(Cli.EXIT_USAGE, epochs.code(), epochs.toString());
    assertEquals(List.of("marginal: " + ckpt + ": --epochs 2 is 6 steps (3 per epoch), fewer than the 12 steps "
        + "already done"), epochs.errLines());
    CliRun steps = CliRun.of(concat(fit, "--steps", "5", "--resume", ckpt.toString(), "--out",
        dir.resolve("b.marginal").toString()));
    assertEquals(Cli.EXIT_USAGE, steps.code(), steps.toString());
    assertEquals(List.of("marginal: " + ckpt + ": --steps 5 is fewer than the 12 steps already done"),
        steps.errLines());
    assertTrue(Files.notExists(dir.resolve("b.marginal")));
  }

  private static CliRun target(String... more) {
    return CliRun.of(concat(TARGET, more));
  }

  private static String[] concat(String[] a, String... b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
