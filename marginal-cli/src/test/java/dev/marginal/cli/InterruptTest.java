package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped by a signal (Ctrl-C, or {@code kill}: both run the JVM's shutdown hooks) says how to resume it, and a
 * target run writes the metrics it has, before the JVM exits. Each case starts the command in a JVM of its own, waits
 * until its first checkpoint exists (so training has begun) and sends SIGTERM.
 */
class InterruptTest {
  @TempDir Path dir;

  @Test
  void anInterruptedFitSaysHowToResume() throws Exception {
    Path out = dir.resolve("m.marginal");
    String err = interrupt(out, "fit", "--data", "toy:moons", "--model", "lvm", "--steps", "100000000",
        "--checkpoint-every", "20", "--quiet", "--out", out.toString());
    assertTrue(err.contains("marginal: interrupted; resume with --resume " + out + ".ckpt"), err);
  }

  @Test
  void anInterruptedTargetRunSaysHowToResumeAndKeepsItsMetrics() throws Exception {
    Path out = dir.resolve("t.marginal");
    String err = interrupt(out, "target", "--target", "funnel", "--iters", "100000000", "--checkpoint-every", "20",
        "--eval-every", "20", "--eval-samples", "20", "--eval-k", "5", "--quiet", "--out", out.toString());
    assertTrue(err.contains("marginal: interrupted; resume with --resume " + out + ".ckpt"), err);
    Path metrics = dir.resolve("t.marginal.metrics.csv");
    assertTrue(Files.exists(metrics), "the metrics of the evaluations done: " + err);
    assertTrue(Files.readAllLines(metrics).size() >= 2, "a header and at least one evaluation");
  }

  /**
   * A stopped run writes its checkpoint and nothing more: not the model of the unfinished run over {@code --out}, also
   * when the JVM takes its time to exit after the signal (here another shutdown hook holds it for two seconds).
   */
  @Test
  void anInterruptedRunWritesNoModel() throws Exception {
    Path fit = dir.resolve("f.marginal");
    interrupt(SlowExit.class, fit, "fit", "--data", "toy:moons", "--model", "lvm", "--steps", "100000000",
        "--checkpoint-every", "20", "--quiet", "--out", fit.toString());
    Path target = dir.resolve("t.marginal");
    interrupt(SlowExit.class, target, "target", "--target", "funnel", "--iters", "100000000", "--checkpoint-every",
        "20", "--eval-samples", "20", "--eval-k", "5", "--quiet", "--out", target.toString());
    for (Path out : List.of(fit, target)) {
      assertFalse(Files.exists(out), "no model of the unfinished run: " + out);
      assertTrue(Files.exists(out.resolveSibling(out.getFileName() + ".ckpt")), "its checkpoint");
    }
    try (var files = Files.list(dir)) {
      List<String> temps = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
      assertTrue(temps.isEmpty(), "no partial file left behind: " + temps);
    }
  }

  /** {@link Main} in a JVM whose exit after a signal takes two seconds more, as a slow shutdown hook makes it. */
  static final class SlowExit {
    public static void main(String[] args) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          Thread.sleep(2000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      Main.main(args);
    }
  }

  /** Runs the command until {@code out}'s checkpoint appears, stops it with SIGTERM; returns its standard error. */
  private String interrupt(Path out, String... args) throws IOException, InterruptedException {
    return interrupt(Main.class, out, args);
  }

  private String interrupt(Class<?> main, Path out, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    Path errFile = dir.resolve(out.getFileName() + ".err");
    Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Path ckpt = out.resolveSibling(out.getFileName() + ".ckpt");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(p.isAlive() && Files.exists(ckpt), "the run started and wrote a first checkpoint");
    p.destroy();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run stopped");
    assertEquals(143, p.exitValue(), "killed by SIGTERM");
    return Files.readString(errFile, StandardCharsets.UTF_8);
  }
}
