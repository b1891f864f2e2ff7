package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.io.ModelFile;
import dev.marginal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint whose counters disagree, edited or damaged, is refused by {@code fit --resume} and
 * {@code target --resume} in one line naming the file and the field, with the usage exit code.
 */
class ResumeCountersTest {
  @TempDir Path dir;

  /** A long as a checkpoint keeps Adam's t: its high and low 32 bits as two floats. */
  private static float[] bits(long v) {
    return new float[] {Float.intBitsToFloat((int) (v >>> 32)), Float.intBitsToFloat((int) v)};
  }

  /** {@code ckpt} written to {@code to} with the tensor {@code name} replaced by {@code values}. */
  private static Path withTensor(Path ckpt, Path to, String name, float[] values) throws IOException {
    ModelFile f = ModelFile.read(ckpt);
    Map<String, Tensor> tensors = new LinkedHashMap<>(f.tensors());
    tensors.put(name, Tensor.wrap(values, values.length));
    new ModelFile(f.kind(), f.config(), f.provenance(), tensors, f.float64Tensors()).write(to);
    return to;
  }

  /** {@code ckpt} written to {@code to} with {@code key = value} in its training state. */
  @SuppressWarnings("unchecked")
  private static Path withTraining(Path ckpt, Path to, String key, Object value) throws IOException {
    ModelFile f = ModelFile.read(ckpt);
    Map<String, Object> p = new LinkedHashMap<>(f.provenance());
    Map<String, Object> training = new LinkedHashMap<>((Map<String, Object>) p.get("training"));
    training.put(key, value);
    p.put("training", training);
    new ModelFile(f.kind(), f.config(), p, f.tensors(), f.float64Tensors()).write(to);
    return to;
  }

  private static String refused(String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    return r.errLines().get(0);
  }

  @Test
  void fitRefusesACheckpointWhoseCountersDisagree() throws IOException {
    Path ckpt = dir.resolve("f.marginal.ckpt");
    List<String> run = List.of("fit", "--data", "toy:moons?n=60", "--model", "lvm", "--hidden", "8", "--batch", "20",
        "--quiet");
    assertEquals(0, CliRun.of(args(run, "--steps", "4", "--out", dir.resolve("f.marginal").toString())).code());
    String next = dir.resolve("next.marginal").toString();

    Path bad = withTensor(ckpt, dir.resolve("adam.ckpt"), "opt.decoder/t", bits(5));
    assertEquals("marginal: " + bad + ": the checkpoint's counters disagree: opt.decoder/t, the optimizer's step "
        + "count, is 5, but training state 'step' is 4",
        refused(args(run, "--steps", "8", "--resume", bad.toString(), "--out", next)));
    bad = withTraining(ckpt, dir.resolve("epoch.ckpt"), "epoch", 3L);
    assertEquals("marginal: " + bad + ": the checkpoint's counters disagree: training state 'epoch' is 3, but its "
        + "'history' holds 1 closed epoch",
        refused(args(run, "--steps", "8", "--resume", bad.toString(), "--out", next)));
    bad = withTraining(ckpt, dir.resolve("position.ckpt"), "stepInEpoch", 2L);
    assertEquals("marginal: " + bad + ": the checkpoint's counters disagree: training state 'step' is 4, but 'epoch' "
        + "1 and 'stepInEpoch' 2 make 5 at 3 batches an epoch",
        refused(args(run, "--steps", "8", "--resume", bad.toString(), "--out", next)));
  }

  @Test
  void targetRefusesACheckpointWhoseCountersDisagree() throws IOException {
    Path ckpt = dir.resolve("t.marginal.ckpt");
    List<String> run = List.of("target", "--target", "funnel", "--eval-samples", "10", "--eval-k", "5", "--quiet");
    assertEquals(0, CliRun.of(args(run, "--iters", "20", "--out", dir.resolve("t.marginal").toString())).code());
    String next = dir.resolve("next.marginal").toString();

    Path bad = withTensor(ckpt, dir.resolve("adam.ckpt"), "opt.decoder/t", bits(21));
    assertEquals("marginal: " + bad + ": the checkpoint's counters disagree: opt.decoder/t, the optimizer's step "
        + "count, is 21, but training state 'step' is 20",
        refused(args(run, "--iters", "40", "--resume", bad.toString(), "--out", next)));
  }

  /** {@code base} followed by {@code more}, as an argument array. */
  private static String[] args(List<String> base, String... more) {
    List<String> a = new java.util.ArrayList<>(base);
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }
}
