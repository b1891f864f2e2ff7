package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.ModelFile;
import dev.marginal.train.RunFingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming checks the checkpoint's fingerprint against the run asked for: a different data set, objective,
 * architecture, seed or target is refused in one line naming the differing options, before any work and with every
 * file left as it was; the run's length may change.
 */
class ResumeFingerprintTest {
  @TempDir Path dir;

  private List<String> lvm(String data, String... more) {
    List<String> a = new ArrayList<>(List.of("fit", "--data", data, "--model", "lvm", "--batch", "20", "--quiet"));
    a.addAll(List.of(more));
    return a;
  }

  private Map<String, Long> snapshot() throws IOException {
    Map<String, Long> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        m.put(p.getFileName().toString(), Files.getLastModifiedTime(p).toMillis() * 31 + Files.size(p));
      }
    }
    return m;
  }

  private String refused(List<String> args, String... parts) throws IOException {
    Map<String, Long> before = snapshot();
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    String line = r.errLines().get(0);
    for (String p : parts) {
      assertTrue(line.contains(p), "'" + p + "' missing from: " + line);
    }
    assertFalse(line.contains("Exception") || line.contains("\tat "), line);
    assertEquals(before, snapshot(), "files changed");
    return line;
  }

  private static List<String> with(List<String> a, String... more) {
    List<String> b = new ArrayList<>(a);
    b.addAll(List.of(more));
    return b;
  }

  @Test
  void lvmResumeRefusesAnotherRunAndAcceptsAnotherLength() throws IOException {
    Path first = dir.resolve("first.marginal");
    Path ckpt = dir.resolve("first.marginal.ckpt");
    assertEquals(0, CliRun.of(with(lvm("toy:moons?n=60"), "--hidden", "8", "--steps", "3", "--out", first.toString())
        .toArray(String[]::new)).code());
    assertTrue(ModelFile.read(ckpt).provenance().get(RunFingerprint.KEY) instanceof Map);
    String next = dir.resolve("next.marginal").toString();

    String line = refused(with(lvm("toy:moons?n=60"), "--steps", "6", "--objective", "sumo", "--hidden", "16",
        "--resume", ckpt.toString(), "--out", next), ckpt + ": the checkpoint is of a different run",
        "--objective sumo (the checkpoint's run had ", "--hidden 16 (the checkpoint's run had 8)");
    assertFalse(line.contains("--batch"), "only the differing settings are named: " + line);
    refused(with(lvm("toy:moons?n=60"), "--steps", "6", "--hidden", "16,8", "--standardize", "--resume",
        ckpt.toString(), "--out", next), "--standardize on (the checkpoint's run had it off)",
        "--hidden 16,8 (the checkpoint's run had 8)");
    refused(with(lvm("toy:moons?n=50"), "--hidden", "8", "--steps", "6", "--resume", ckpt.toString(), "--out", next),
        "data 50 rows of 2 columns");
    refused(with(lvm("toy:moons?n=60&seed=1"), "--hidden", "8", "--steps", "6", "--resume", ckpt.toString(), "--out", next),
        "data 60 rows of 2 columns with sha256");
    refused(with(lvm("toy:moons?n=60"), "--hidden", "8", "--steps", "6", "--seed", "5", "--resume", ckpt.toString(), "--out", next),
        "--seed 5 (the checkpoint's run had 0)");
    refused(with(lvm("toy:moons?n=60"), "--hidden", "8", "--steps", "6", "--validation", "0.1", "--resume",
        ckpt.toString(), "--out", next), "--validation 0.1 (the checkpoint's run had it off)");

    CliRun ok = CliRun.of(with(lvm("toy:moons?n=60"), "--hidden", "8", "--steps", "6", "--threads", "2", "--checkpoint-every", "2",
        "--resume", ckpt.toString(), "--out", next).toArray(String[]::new));
    assertEquals(0, ok.code(), ok.toString());
  }

  /**
   * A setting the user did not type is named as the default, with the option that gives the checkpoint's value; one
   * the user typed is named as typed.
   */
  @Test
  void aSettingLeftAtItsDefaultIsNamedSo() throws IOException {
    Path ckpt = dir.resolve("d.marginal.ckpt");
    assertEquals(0, CliRun.of(with(lvm("toy:moons?n=60"), "--hidden", "8", "--steps", "2", "--gradient", "dreg",
        "--out", dir.resolve("d.marginal").toString()).toArray(String[]::new)).code());
    String next = dir.resolve("next.marginal").toString();
    String line = refused(with(lvm("toy:moons?n=60"), "--hidden", "8", "--steps", "4", "--resume", ckpt.toString(),
        "--out", next), "--gradient reparam (the default; the checkpoint's run had dreg, so pass --gradient dreg)");
    line = refused(with(lvm("toy:moons?n=60"), "--hidden", "16", "--steps", "4", "--gradient", "dreg", "--resume",
        ckpt.toString(), "--out", next), "--hidden 16 (the checkpoint's run had 8)");
    assertFalse(line.contains("default"), line);
  }

  /**
   * A per-datapoint model scores new rows with its local fit, which a resumed run keeps from its checkpoint: another
   * --local-steps is refused, also when left at its default, and so it is for a checkpoint whose fingerprint predates
   * the setting, by the steps its model saved.
   */
  @Test
  @SuppressWarnings("unchecked")
  void perDatapointResumeRefusesOtherLocalSteps() throws IOException {
    Path ckpt = dir.resolve("p.marginal.ckpt");
    List<String> run = lvm("toy:moons?n=60", "--hidden", "8", "--per-datapoint");
    assertEquals(0, CliRun.of(with(run, "--local-steps", "5", "--steps", "3", "--out",
        dir.resolve("p.marginal").toString()).toArray(String[]::new)).code());
    String next = dir.resolve("next.marginal").toString();
    refused(with(run, "--local-steps", "7", "--steps", "6", "--resume", ckpt.toString(), "--out", next),
        ckpt + ": the checkpoint is of a different run: --local-steps 7 (the checkpoint's run had 5)");
    refused(with(run, "--steps", "6", "--resume", ckpt.toString(), "--out", next), "--local-steps 200 (the default; "
        + "the checkpoint's run had 5, so pass --local-steps 5)");

    ModelFile f = ModelFile.read(ckpt);
    Map<String, Object> p = new java.util.LinkedHashMap<>(f.provenance());
    Map<String, Object> fingerprint = new java.util.LinkedHashMap<>((Map<String, Object>) p.get(RunFingerprint.KEY));
    assertEquals(5L, fingerprint.remove("localSteps"));
    p.put(RunFingerprint.KEY, fingerprint);
    Path older = dir.resolve("older.ckpt");
    new ModelFile(f.kind(), f.config(), p, f.tensors(), f.float64Tensors()).write(older);
    refused(with(run, "--local-steps", "7", "--steps", "6", "--resume", older.toString(), "--out", next),
        older + ": the checkpoint is of a different run: --local-steps 7 (the checkpoint's run had 5)");

    for (Path from : List.of(ckpt, older)) {
      CliRun ok = CliRun.of(with(run, "--local-steps", "5", "--steps", "6", "--resume", from.toString(), "--out",
          next).toArray(String[]::new));
      assertEquals(0, ok.code(), ok.toString());
      assertEquals(5L, ((Map<String, Object>) ModelFile.read(Path.of(next)).provenance().get("options"))
          .get("localSteps"));
    }
  }

  @Test
  void targetResumeRefusesAnotherTarget() throws IOException {
    Path first = dir.resolve("t.marginal");
    List<String> base = List.of("target", "--eval-samples", "10", "--eval-k", "5", "--quiet");
    assertEquals(0, CliRun.of(with(base, "--target", "funnel", "--iters", "20", "--out", first.toString()).toArray(String[]::new))
        .code());
    Path ckpt = dir.resolve("t.marginal.ckpt");
    refused(with(base, "--target", "mixture", "--iters", "40", "--resume", ckpt.toString(), "--out",
        dir.resolve("u.marginal").toString()), "target mixture (the checkpoint's run had funnel)");
    refused(with(base, "--target", "funnel", "--iters", "40", "--objective", "iwae", "--resume", ckpt.toString(), "--out",
        dir.resolve("u.marginal").toString()), "--objective iwae (the checkpoint's run had sumo)");
  }

  @Test
  void aCheckpointOfTheOtherCommandIsRefusedAsSuch() throws IOException {
    List<String> target = List.of("target", "--target", "funnel", "--eval-samples", "10", "--eval-k", "5", "--quiet");
    Path fitCkpt = dir.resolve("f.marginal.ckpt");
    Path targetCkpt = dir.resolve("t.marginal.ckpt");
    assertEquals(0, CliRun.of(with(lvm("toy:moons?n=60"), "--hidden", "8", "--steps", "3", "--out",
        dir.resolve("f.marginal").toString()).toArray(String[]::new)).code());
    assertEquals(0, CliRun.of(with(target, "--iters", "20", "--out", dir.resolve("t.marginal").toString())
        .toArray(String[]::new)).code());
    String next = dir.resolve("next.marginal").toString();

    assertEquals("marginal: " + targetCkpt + ": a checkpoint of a target run, not of fit --model lvm",
        refused(with(lvm("toy:moons?n=60"), "--steps", "6", "--resume", targetCkpt.toString(), "--out", next)));
    assertEquals("marginal: " + fitCkpt + ": a checkpoint of a fit --model lvm run, not of target",
        refused(with(target, "--iters", "40", "--resume", fitCkpt.toString(), "--out", next)));
  }

  @Test
  void aModelFileOfAnotherKindIsRefusedAsSuch() throws IOException {
    Path gmm = dir.resolve("g.marginal");
    assertEquals(0, CliRun.of("fit", "--data", "toy:moons?n=60", "--model", "gmm", "--components", "2", "--quiet",
        "--out", gmm.toString()).code());
    String next = dir.resolve("next.marginal").toString();
    assertEquals("marginal: " + gmm + ": a gmm model file, not a checkpoint of a fit --model lvm run",
        refused(with(lvm("toy:moons?n=60"), "--steps", "6", "--resume", gmm.toString(), "--out", next)));
    assertEquals("marginal: " + gmm + ": a gmm model file, not a checkpoint of a target run",
        refused(List.of("target", "--target", "funnel", "--iters", "40", "--resume", gmm.toString(), "--out", next)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aCheckpointFieldOfTheWrongJsonTypeIsNamedWithTheFile() throws IOException {
    Path ckpt = dir.resolve("p.marginal.ckpt");
    List<String> run = lvm("toy:moons?n=60", "--hidden", "8", "--per-datapoint", "--local-steps", "5");
    assertEquals(0, CliRun.of(with(run, "--steps", "3", "--out", dir.resolve("p.marginal").toString())
        .toArray(String[]::new)).code());
    ModelFile f = ModelFile.read(ckpt);
    Map<String, Object> cfg = new java.util.LinkedHashMap<>(f.config());
    cfg.put("localFitLearningRate", null);
    Path bad = dir.resolve("bad.ckpt");
    new ModelFile(f.kind(), cfg, f.provenance(), f.tensors(), f.float64Tensors()).write(bad);
    assertEquals("marginal: " + bad + ": model config 'localFitLearningRate' must be a number, got null",
        refused(with(run, "--steps", "6", "--resume", bad.toString(), "--out", dir.resolve("n.marginal").toString())));

    Map<String, Object> p = new java.util.LinkedHashMap<>(f.provenance());
    Map<String, Object> training = new java.util.LinkedHashMap<>((Map<String, Object>) p.get("training"));
    training.put("history", "x");
    p.put("training", training);
    new ModelFile(f.kind(), f.config(), p, f.tensors(), f.float64Tensors()).write(bad);
    assertEquals("marginal: " + bad + ": training state 'history' must be a list of objects, got 'x'",
        refused(with(run, "--steps", "6", "--resume", bad.toString(), "--out", dir.resolve("n.marginal").toString())));
  }
  /** A data-parallel run's checkpoint is refused by fit --resume as such, not setting by setting. */
  @Test
  void aDataParallelCheckpointIsRefusedAsOneInOneLine() throws IOException {
    dev.marginal.data.Dataset data = dev.marginal.data.DataSources.load("toy:moons?n=300");
    List<ModelFile> written = new ArrayList<>();
    dev.marginal.api.DataParallelFit.fit(dev.marginal.data.DataShards.inMemory(data, 2), data.source(),
        data.columns(), dev.marginal.api.DeepLvmOptions.defaults().withEpochs(2), 2,
        dev.marginal.train.Progress.silent(), dev.marginal.api.DataParallelFit.Checkpoints.every(2, written::add));
    Path checkpoint = dir.resolve("run.ckpt");
    written.get(0).write(checkpoint);
    CliRun r = CliRun.of(lvm("toy:moons?n=300", "--epochs", "2", "--resume", checkpoint.toString(), "--out",
        dir.resolve("m.marginal").toString()).toArray(String[]::new));
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(List.of("marginal: " + checkpoint + ": a checkpoint of a data-parallel (marginal-spark's fit --kind"
        + " lvm, DataParallelFit) run, not of fit --model lvm"), r.errLines());
    assertEquals(RunFingerprint.Kind.DATA_PARALLEL, RunFingerprint.kindOf(written.get(0).provenance()));
  }
}
