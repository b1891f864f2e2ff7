package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.density.LvmDensityModel;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
    assertFalse(Files.exists(OutputLock.lockFileOf(out)), "no lock file left behind");
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
    assertFalse(Files.exists(OutputLock.lockFileOf(out)), "no lock file left behind");
  }

  /**
   * Stopped before its training, while it waits for its data (here a named pipe that nobody writes to), a run
   * leaves no lock file either: the lock's removal is tied to the JVM's exit from the moment the lock is taken.
   */
  @Test
  void aRunStoppedWhileItsDataLoadsRemovesItsLockFile() throws Exception {
    Path fifo = dir.resolve("slow.csv");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("no mkfifo: " + e.getMessage());
      return;
    }
    Assumptions.assumeTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
    for (String kind : List.of("lvm", "gmm")) {
      Path out = dir.resolve(kind + ".marginal");
      Process p = start(Main.class, out, "fit", "--data", fifo.toString(), "--model", kind, "--quiet", "--out",
          out.toString());
      Path lockFile = OutputLock.lockFileOf(out);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.exists(lockFile) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(p.isAlive() && Files.exists(lockFile), "the run took its lock and waits for its data");
      Thread.sleep(200);
      p.destroy();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run stopped");
      assertEquals(143, p.exitValue(), "killed by SIGTERM");
      assertFalse(Files.exists(lockFile), kind + ": no lock file left behind");
      assertFalse(Files.exists(out), "no model");
    }
  }

  /**
   * A stopped training keeps its output locked until its guard has saved the checkpoint: the lock's own shutdown
   * hook waits for the guard, and removes the lock file only once the guard has closed.
   */
  @Test
  void theLockOfAStoppedTrainingIsKeptUntilItsGuardCloses() throws Exception {
    Path out = dir.resolve("g.marginal");
    Process p = start(GuardedRun.class, out, out.toString());
    Path errFile = dir.resolve("g.marginal.err");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(errFile, StandardCharsets.UTF_8).contains("training") && p.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(p.isAlive(), "the run is training");
    p.destroy();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run stopped");
    String err = Files.readString(errFile, StandardCharsets.UTF_8);
    assertTrue(err.contains("saving, lock file present: true"), err);
    assertFalse(Files.exists(OutputLock.lockFileOf(out)), "no lock file left behind");
  }

  /** A training loop under an {@link InterruptGuard} that takes a second to save its checkpoint once stopped. */
  static final class GuardedRun {
    public static void main(String[] a) throws InterruptedException {
      Path out = Path.of(a[0]);
      OutputLock lock = OutputLock.acquire("--out", out);
      try (InterruptGuard guard = new InterruptGuard(lock)) {
        System.err.println("training");
        while (!guard.stopRequested()) {
          Thread.sleep(10);
        }
        Thread.sleep(1000);
        System.err.println("saving, lock file present: " + Files.exists(OutputLock.lockFileOf(out)));
      }
      lock.close();
    }
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

  /**
   * Scoring or evaluating stopped by a signal while its progress line is drawn on a terminal ends the line, so that
   * the shell's prompt starts on a line of its own, and writes no output, not even a partial temporary file.
   */
  @Test
  void anInterruptedScoreOrEvalEndsItsProgressLineAndWritesNothing() throws Exception {
    Path model = dir.resolve("l.marginal");
    DeepLvm lvm = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    new LvmDensityModel(lvm, List.of("x0", "x1"), null).toFile(Map.of()).write(model);
    Path out = dir.resolve("scores.csv");
    // IWAE_5000 on 100,000 rows takes minutes: the signal comes in the middle of the scoring.
    List<List<String>> commands = List.of(
        List.of("score", "--model", model.toString(), "--data", "toy:moons?n=100000", "--out", out.toString()),
        List.of("eval", "--model", model.toString(), "--data", "toy:moons?n=100000"));
    for (List<String> args : commands) {
      String err = interruptWhileDrawn(args);
      assertTrue(err.contains(args.get(0) + "  rows "), err);
      assertTrue(err.endsWith("\n"), "the progress line is ended: " + err.substring(Math.max(0, err.length() - 200)));
    }
    assertFalse(Files.exists(out), "no scores of the unfinished run");
    try (var files = Files.list(dir)) {
      List<String> temps = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
      assertTrue(temps.isEmpty(), "no partial file left behind: " + temps);
    }
  }

  /**
   * Runs the command with its standard error taken for a terminal until its progress line is drawn, stops it with
   * SIGTERM (Ctrl-C's SIGINT runs the same shutdown hooks); returns its standard error.
   */
  private String interruptWhileDrawn(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-D" + TerminalProgress.STDERR_TERMINAL + "=true", "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(args);
    Path errFile = dir.resolve(args.get(0) + ".err");
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(errFile.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove("CI");
    Process p = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(errFile, StandardCharsets.UTF_8).contains("  rows ") && p.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(p.isAlive(), "the run was still scoring when its line was drawn");
    p.destroy();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run stopped");
    assertEquals(143, p.exitValue(), "killed by SIGTERM");
    return Files.readString(errFile, StandardCharsets.UTF_8);
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
    Process p = start(main, out, args);
    Path errFile = dir.resolve(out.getFileName() + ".err");
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

  /** Starts {@code main} with {@code args} in a JVM of its own, its standard error to {@code OUT.err} beside out. */
  private Process start(Class<?> main, Path out, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    Path errFile = dir.resolve(out.getFileName() + ".err");
    return new ProcessBuilder(cmd).redirectError(errFile.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }
}
