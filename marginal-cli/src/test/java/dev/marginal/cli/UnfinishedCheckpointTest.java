package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.DeepLvmFit;
import dev.marginal.api.DeepLvmOptions;
import dev.marginal.api.SurrogateTraining;
import dev.marginal.io.ModelFile;
import dev.marginal.models.GmmOptions;
import dev.marginal.targets.Targets;
import dev.marginal.train.LvmCheckpoint;
import dev.marginal.train.ReverseKlOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh run does not write over {@code OUT.ckpt} while it holds an unfinished run (interrupted, as Ctrl-C leaves
 * it): it is refused in one line before any work, naming the checkpoint and how to resume it, with every file left as
 * it was. Resuming that checkpoint is not refused, and a finished run's checkpoint is replaced like its model file.
 * The unfinished checkpoints are made by the library, stopped after two steps as the interrupt guard stops the
 * command, with the settings the command lines below give.
 */
class UnfinishedCheckpointTest {
  private static final String DATA = "toy:moons?n=60";

  @TempDir Path dir;

  private static String[] fit(String... more) {
    List<String> a = new ArrayList<>(List.of("fit", "--data", DATA, "--model", "lvm", "--hidden", "8", "--batch",
        "20", "--steps", "6", "--quiet"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static String[] target(String... more) {
    List<String> a = new ArrayList<>(List.of("target", "--target", "funnel", "--recipe", "reverse", "--iters", "20",
        "--eval-samples", "10", "--eval-k", "5", "--quiet"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  /** Stops a run after two steps, as Ctrl-C stops the command. */
  private static BooleanSupplier afterTwoSteps() {
    AtomicInteger polls = new AtomicInteger();
    return () -> polls.incrementAndGet() >= 2;
  }

  /** The checkpoint {@code fit(...)} writes, of a run interrupted at step 2. */
  private static void interruptedFit(Path ckpt) {
    LvmArgs args = new LvmArgs();
    args.hidden = List.of(8);
    args.batch = 20;
    args.steps = 6;
    DeepLvmOptions options = LvmFitter.options(args.settings(null), GmmOptions.DEFAULT_SEED, false);
    DeepLvmFit.fit(Commands.loadData(DATA, null, null), options,
        DeepLvmFit.Control.none().withCheckpoint(ckpt).withStop(afterTwoSteps()));
  }

  /** The checkpoint {@code target(...)} writes, of a run interrupted at step 2. */
  private static void interruptedTarget(Path ckpt) {
    ReverseKlOptions options = ReverseKlOptions.defaults().withIterations(20).withSeed(0);
    SurrogateTraining.train(Targets.of("funnel"), options,
        SurrogateTraining.Control.none().withCheckpoint(ckpt, 0).withStop(afterTwoSteps()));
  }

  /** Runs {@code args}, expects the one-line refusal naming {@code ckpt}, and {@code ckpt} as it was. */
  private void assertKept(Path ckpt, String command, String... args) throws IOException {
    byte[] before = Files.readAllBytes(ckpt);
    CliRun r = CliRun.of(args);
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(List.of("marginal: " + ckpt + ": the checkpoint of an unfinished " + command + " run (at step 2),"
        + " which this run would replace; resume it with --resume " + ckpt + " or remove it to start afresh"),
        r.errLines());
    assertArrayEquals(before, Files.readAllBytes(ckpt), "the checkpoint is as it was");
  }

  @Test
  void aFreshFitDoesNotReplaceTheCheckpointOfAnInterruptedOne() throws IOException {
    Path out = dir.resolve("a.marginal");
    Path ckpt = dir.resolve("a.marginal.ckpt");
    interruptedFit(ckpt);
    assertFalse(LvmCheckpoint.ofFinishedRun(ModelFile.read(ckpt)));

    assertKept(ckpt, "fit --model lvm", fit("--out", out.toString()));
    assertFalse(Files.exists(out), "refused before any work");
    // Resuming another checkpoint would replace this one as well.
    Path other = dir.resolve("other.marginal.ckpt");
    Files.copy(ckpt, other);
    assertKept(ckpt, "fit --model lvm", fit("--resume", other.toString(), "--out", out.toString()));
    // A target run on the same output would replace it too.
    assertKept(ckpt, "fit --model lvm", target("--out", out.toString()));

    CliRun resumed = CliRun.of(fit("--resume", ckpt.toString(), "--out", out.toString()));
    assertEquals(0, resumed.code(), resumed.toString());
    assertTrue(LvmCheckpoint.ofFinishedRun(ModelFile.read(ckpt)));
    assertEquals(6, LvmCheckpoint.step(ModelFile.read(ckpt)));
    // The checkpoint of the finished run goes with its model file: a fresh run replaces both.
    CliRun again = CliRun.of(fit("--seed", "3", "--out", out.toString()));
    assertEquals(0, again.code(), again.toString());
  }

  @Test
  void aFreshTargetRunDoesNotReplaceTheCheckpointOfAnInterruptedOne() throws IOException {
    Path out = dir.resolve("t.marginal");
    Path ckpt = dir.resolve("t.marginal.ckpt");
    interruptedTarget(ckpt);
    assertFalse(LvmCheckpoint.ofFinishedRun(ModelFile.read(ckpt)));

    assertKept(ckpt, "target", target("--out", out.toString()));
    assertFalse(Files.exists(out), "refused before any work");
    assertFalse(Files.exists(dir.resolve("t.marginal.metrics.csv")), "refused before any work");
    assertKept(ckpt, "target", fit("--out", out.toString()));

    CliRun resumed = CliRun.of(target("--resume", ckpt.toString(), "--out", out.toString()));
    assertEquals(0, resumed.code(), resumed.toString());
    assertTrue(LvmCheckpoint.ofFinishedRun(ModelFile.read(ckpt)));
    CliRun again = CliRun.of(target("--seed", "3", "--out", out.toString()));
    assertEquals(0, again.code(), again.toString());
  }

  @Test
  void aFileInTheCheckpointsPlaceThatIsNoCheckpointIsKept() throws IOException {
    Path out = dir.resolve("n.marginal");
    Path ckpt = dir.resolve("n.marginal.ckpt");
    Files.writeString(ckpt, "notes\n");
    CliRun r = CliRun.of(fit("--out", out.toString()));
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("marginal: " + ckpt + ": this run would replace it, and it is not a checkpoint that "
        + "can be read ("), line);
    assertTrue(line.endsWith("); remove it to start afresh"), line);
    assertEquals("notes\n", Files.readString(ckpt));
  }
}
