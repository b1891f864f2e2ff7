package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.io.Json;
import dev.marginal.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code marginal fit --per-datapoint} end to end with tiny settings: fit, score, encode, eval, resume. */
class PerDatapointCommandsTest {
  private static final String MOONS = "toy:moons?n=200";
  private static final String MOONS_TEST = "toy:moons?n=40&seed=7";

  @TempDir Path dir;

  private CliRun fit(Path out, int epochs, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("fit", "--data", MOONS, "--model", "lvm", "--hidden", "16",
        "--epochs", String.valueOf(epochs), "--batch", "20", "--validation", "0.2", "--per-datapoint", "--local-steps", "30",
        "--quiet", "--out", out.toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @Test
  void fitScoreEncodeEval() throws IOException {
    Path model = dir.resolve("pdp.marginal");
    CliRun f = fit(model, 2);
    assertEquals(0, f.code(), f.toString());

    ModelFile file = ModelFile.read(model);
    assertEquals("per-datapoint", file.config().get("inference"));
    assertEquals(30, ((Number) file.config().get("localFitSteps")).intValue());
    assertFalse(file.tensors().containsKey("local.loc"), "training rows' posteriors stay out of the model file");
    assertTrue(ModelFile.read(dir.resolve("pdp.marginal.ckpt")).tensors().containsKey("local.loc"),
        "the checkpoint keeps them");

    Path scores = dir.resolve("scores.csv");
    CliRun s = CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--estimator", "iwae",
        "--k", "10", "--repeats", "2", "--out", scores.toString());
    assertEquals(0, s.code(), s.toString());
    List<double[]> rows = CliRun.csvRows(scores);
    assertEquals(40, rows.size());
    rows.forEach(r -> assertTrue(Double.isFinite(r[0]) && r[1] > 0, "finite estimate with a standard error"));

    Path codes = dir.resolve("codes.csv");
    assertEquals(0, CliRun.of("encode", "--model", model.toString(), "--data", MOONS_TEST, "--out",
        codes.toString()).code());
    assertEquals(List.of("z0", "z1", "var_z0", "var_z1"), CliRun.csvHeader(codes));
    CliRun.csvRows(codes).forEach(r -> assertTrue(r[2] > 0 && r[3] > 0, "positive posterior variances"));

    CliRun e = CliRun.of("eval", "--model", model.toString(), "--data", MOONS_TEST, "--k", "20");
    assertEquals(0, e.code(), e.toString());
    assertTrue(e.out().contains("nll") && e.out().contains("elbo"), e.out());
  }

  /**
   * {@code info} shows the decoder alone and counts its parameters (the mode uses no encoder), with the saved local
   * fit (as the fit's own summary shows it), and says of the checkpoint that it is one and how far its run had come.
   */
  @Test
  void infoShowsTheDecoderAndLocalFitAndWhetherTheFileIsACheckpoint() throws IOException {
    Path model = dir.resolve("pdp.marginal");
    CliRun f = fit(model, 1, "--json");
    assertEquals(0, f.code(), f.toString());
    Map<String, Object> info = Json.parseObject(CliRun.of("info", "--model", model.toString(), "--json").out());
    assertEquals("tanh gaussian decoder [2, 16, 4]", info.get("architecture"));
    assertEquals(info.get("architecture"), Json.parseObject(f.out()).get("architecture"), "fit says what info says");
    assertEquals(2 * 16 + 16 + 16 * 4 + 4, ((Number) info.get("parameters")).intValue(), "the decoder's alone");
    assertEquals(30, ((Number) info.get("local_steps")).intValue());
    assertEquals(LocalPosteriorFit.DEFAULT_SAMPLES, ((Number) info.get("local_samples")).intValue());
    assertEquals(false, info.get("checkpoint"));
    assertFalse(info.containsKey("step"));
    Path ckpt = dir.resolve("pdp.marginal.ckpt");
    Map<String, Object> c = Json.parseObject(CliRun.of("info", "--model", ckpt.toString(), "--json").out());
    assertEquals(true, c.get("checkpoint"));
    assertEquals(8, ((Number) c.get("step")).intValue(), "one epoch of 8 batches");
    assertEquals(1, ((Number) c.get("epoch")).intValue());
    String text = CliRun.of("info", "--model", ckpt.toString()).out();
    assertTrue(text.lines().anyMatch(l -> l.strip().matches("checkpoint +true")), text);
    assertTrue(text.lines().anyMatch(l -> l.strip().matches("local_steps +30")), text);
    assertFalse(text.contains("encoder"), text);
  }

  /**
   * encode fits each row's q from a fixed seed: the same rows give the same file, a row moved elsewhere in the data
   * a slightly different code (the noise of its local fit), as {@code encode --help} says.
   */
  @Test
  void encodeIsReproducibleAndItsHelpSaysHowTheLocalFitIsSeeded() throws IOException {
    Path model = dir.resolve("pdp.marginal");
    assertEquals(0, fit(model, 1).code());
    Path data = dir.resolve("rows.csv");
    Path reversed = dir.resolve("reversed.csv");
    Files.writeString(data, "x0,x1\n0.5,0.2\n-0.8,0.6\n1.1,-0.4\n");
    Files.writeString(reversed, "x0,x1\n1.1,-0.4\n-0.8,0.6\n0.5,0.2\n");
    Path first = dir.resolve("first.csv");
    Path again = dir.resolve("again.csv");
    Path moved = dir.resolve("moved.csv");
    for (Path[] run : new Path[][] {{data, first}, {data, again}, {reversed, moved}}) {
      CliRun e = CliRun.of("encode", "--model", model.toString(), "--data", run[0].toString(), "--quiet", "--out",
          run[1].toString());
      assertEquals(0, e.code(), e.toString());
    }
    assertEquals(Files.readString(first), Files.readString(again), "the same rows, the same codes");
    double[] row0 = CliRun.csvRows(first).get(0);
    double[] row0Moved = CliRun.csvRows(moved).get(2);
    assertFalse(Arrays.equals(row0, row0Moved), "the fit's noise depends on the row's position");
    assertEquals(row0[0], row0Moved[0], 0.5, "but the code is the same up to that noise");
    String help = CliRun.of("encode", "--help").out().replaceAll("\\s+", " ");
    assertTrue(help.contains("from a fixed seed, so the same rows in the same order give the same file"), help);
  }

  @Test
  void resumeContinuesFromThePerDatapointCheckpoint() throws IOException {
    Path model = dir.resolve("first.marginal");
    assertEquals(0, fit(model, 1).code());
    Path ckpt = dir.resolve("first.marginal.ckpt");
    Path resumed = dir.resolve("resumed.marginal");
    CliRun r = fit(resumed, 2, "--resume", ckpt.toString());
    assertEquals(0, r.code(), r.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> training = (Map<String, Object>) ModelFile.read(dir.resolve("resumed.marginal.ckpt"))
        .provenance().get("training");
    assertEquals(16L, ((Number) training.get("step")).longValue(), "two epochs of 8 batches in all");
    assertEquals("per-datapoint", ModelFile.read(resumed).config().get("inference"));
  }

  @Test
  void perDatapointRejectsDregWithOneLine() {
    CliRun r = fit(dir.resolve("x.marginal"), 1, "--gradient", "dreg");
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("--per-datapoint"), r.toString());
  }
}
