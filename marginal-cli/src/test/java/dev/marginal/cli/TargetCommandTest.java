package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.Json;
import dev.marginal.io.ModelFile;
import dev.marginal.tensor.Tensor;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.RunFingerprint;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetCommandTest {
  @TempDir Path dir;

  @Test
  void fitsWritesMetricsAndPictureThenSamplesAndScores() throws IOException {
    Path model = dir.resolve("mix.marginal");
    Path png = dir.resolve("mix.png");
    CliRun r = CliRun.of("target", "--target", "mixture", "--iters", "200", "--eval-every", "100",
        "--eval-samples", "50", "--eval-k", "50", "--out", model.toString(), "--png", png.toString(), "--json");
    assertEquals(0, r.code(), r.toString());
    Map<String, Object> report = Json.parseObject(r.out());
    assertTrue(report.containsKey("kl_iwae50") && report.containsKey("cross_entropy"), r.out());
    assertEquals(png.toString(), report.get("png"), "the picture written, as sample reports it");
    List<double[]> rows = CliRun.csvRows(dir.resolve("mix.marginal.metrics.csv"));
    assertEquals(2, rows.size(), "evaluations at steps 100 and 200");
    assertEquals(100.0, rows.get(0)[0]);
    rows.forEach(row -> assertTrue(Double.isFinite(row[1]) && Double.isFinite(row[3])));
    Map<String, Object> json = Json.parseObject(Files.readString(dir.resolve("mix.marginal.metrics.json")));
    assertEquals("completed", json.get("status"));
    assertEquals(200, ((List<?>) json.get("loss")).size());
    BufferedImage img = ImageIO.read(png.toFile());
    assertTrue(img.getWidth() > 400 && img.getHeight() > 200);

    Path samples = dir.resolve("s.csv");
    assertEquals(0, CliRun.of("sample", "--model", model.toString(), "--n", "25", "--out", samples.toString())
        .code());
    assertEquals(List.of("x0", "x1"), CliRun.csvHeader(samples));
    Path scores = dir.resolve("scores.csv");
    CliRun sc = CliRun.of("score", "--model", model.toString(), "--data", samples.toString(), "--k", "20",
        "--out", scores.toString());
    assertEquals(0, sc.code(), sc.toString());
    assertEquals(25, CliRun.csvRows(scores).size());
  }

  /**
   * The forward KL is −H − forward_log_q with the entropy H exact, so it comes with forward_log_q's standard error:
   * in the report (text and JSON), the metrics CSV and the metrics JSON.
   */
  @Test
  void forwardKlHasTheStandardErrorOfTheForwardLogQ() throws IOException {
    Path model = dir.resolve("fk.marginal");
    String[] args = {"target", "--target", "funnel", "--iters", "10", "--eval-samples", "20", "--eval-k", "10"};
    CliRun r = CliRun.of(concat(args, "--out", model.toString(), "--json"));
    assertEquals(0, r.code(), r.toString());
    Map<String, Object> report = Json.parseObject(r.out().strip());
    double se = ((Number) report.get("forward_log_q_se")).doubleValue();
    assertTrue(se > 0 && Double.isFinite(((Number) report.get("forward_kl")).doubleValue()), r.out());
    assertEquals(se, ((Number) report.get("forward_kl_se")).doubleValue(), 0, r.out());
    List<String> header = CliRun.csvHeader(dir.resolve("fk.marginal.metrics.csv"));
    double[] row = CliRun.csvRows(dir.resolve("fk.marginal.metrics.csv")).get(0);
    assertEquals(row[header.indexOf("forward_log_q_se")], row[header.indexOf("forward_kl_se")], 0, header.toString());
    Map<?, ?> eval = (Map<?, ?>) ((List<?>) Json.parseObject(Files.readString(dir.resolve("fk.marginal.metrics.json")))
        .get("evaluations")).get(0);
    assertEquals(eval.get("forwardLogQSe"), eval.get("forwardKlSe"), eval.toString());
    CliRun text = CliRun.of(concat(args, "--out", dir.resolve("fk2.marginal").toString()));
    assertEquals(0, text.code(), text.toString());
    assertTrue(text.out().lines().anyMatch(l -> l.strip().matches("forward_kl +-?[0-9.]+ ± [0-9.]+")), text.out());
  }

  /** The Pareto k̂ warning of the last evaluation is printed, counted and written like every other warning. */
  @Test
  void paretoWarningIsCountedAndWrittenToTheMetrics() throws IOException {
    Path model = dir.resolve("u1.marginal");
    CliRun r = CliRun.of("target", "--target", "u1", "--iters", "100", "--eval-samples", "100", "--eval-k", "50",
        "--out", model.toString(), "--json");
    assertEquals(0, r.code(), r.toString());
    Map<String, Object> report = Json.parseObject(r.out().strip());
    assertTrue(((Number) report.get("iwae50_weights_rows_pareto_k_above_0_7")).intValue() > 0, r.out());
    List<String> printed = r.errLines().stream().filter(l -> l.startsWith("marginal: warning: ")).toList();
    List<?> written = (List<?>) Json.parseObject(Files.readString(dir.resolve("u1.marginal.metrics.json")))
        .get("warnings");
    assertEquals(printed.size(), ((Number) report.get("warnings")).intValue(), r.toString());
    assertEquals(printed.size(), written.size(), r.toString());
    assertTrue(written.stream().anyMatch(w -> w.toString().contains("Pareto k̂ > 0.7")), written.toString());
    assertTrue(printed.stream().anyMatch(l -> l.contains("step 100: the IWAE-50 weights")), r.toString());
  }

  /**
   * A log Z whose importance weights have Pareto k̂ above 0.7 (a 2-D many-well after 30 steps: k̂ ≈ 1.3) gets a
   * warning, printed, counted and written like the others, and the summary gives its k̂.
   */
  @Test
  void logZParetoWarningIsPrintedCountedAndItsKIsReported() throws IOException {
    Path model = dir.resolve("mw.marginal");
    CliRun r = CliRun.of("target", "--target", "many-well:2", "--iters", "30", "--eval-samples", "50", "--eval-k",
        "20", "--out", model.toString(), "--json");
    assertEquals(0, r.code(), r.toString());
    Map<String, Object> report = Json.parseObject(r.out().strip());
    double k = ((Number) report.get("log_z_pareto_k")).doubleValue();
    assertTrue(k > 0.7, r.out());
    String expected = String.format(java.util.Locale.ROOT, "marginal: warning: step 30: the log Z estimate: Pareto "
        + "k̂ = %.2f > 0.7 for the 20000 importance weights (ESS %.1f): log Z and its standard error are not to be "
        + "trusted", k, ((Number) report.get("log_z_ess")).doubleValue());
    List<String> printed = r.errLines().stream().filter(l -> l.startsWith("marginal: warning: ")).toList();
    assertTrue(printed.stream().anyMatch(l -> l.startsWith(expected)), expected + " not in " + r);
    List<?> written = (List<?>) Json.parseObject(Files.readString(dir.resolve("mw.marginal.metrics.json")))
        .get("warnings");
    assertEquals(printed.size(), ((Number) report.get("warnings")).intValue(), r.toString());
    assertEquals(printed.size(), written.size(), r.toString());
    assertTrue(written.stream().anyMatch(w -> ("marginal: warning: " + w).startsWith(expected)), written.toString());
    CliRun text = CliRun.of("target", "--target", "many-well:2", "--iters", "30", "--eval-samples", "50", "--eval-k",
        "20", "--out", dir.resolve("mw2.marginal").toString());
    assertTrue(text.out().lines().anyMatch(l -> l.strip().startsWith("log_z_pareto_k ")), text.out());
  }

  @Test
  void resumeContinuesToTheRequestedIterations() throws IOException {
    Path model = dir.resolve("f.marginal");
    assertEquals(0, CliRun.of("target", "--target", "funnel", "--iters", "40", "--eval-samples", "20",
        "--eval-k", "10", "--out", model.toString(), "--quiet").code());
    Path more = dir.resolve("g.marginal");
    CliRun r = CliRun.of("target", "--target", "funnel", "--iters", "80", "--eval-samples", "20", "--eval-k", "10",
        "--resume", dir.resolve("f.marginal.ckpt").toString(), "--out", more.toString(), "--json");
    assertEquals(0, r.code(), r.toString());
    assertEquals(80L, ((Number) Json.parseObject(r.out().strip()).get("steps")).longValue());
  }

  /**
   * The saved model is the parameter average, and resuming continues it exactly as an uninterrupted run (under the
   * reverse recipe's constant step: a decaying schedule spans each run's own length).
   */
  @Test
  void averagedRunResumedFromItsCheckpointSavesTheSameModel() throws IOException {
    String[] common = {"target", "--target", "funnel", "--recipe", "reverse", "--ema", "0.9", "--eval-samples", "20",
        "--eval-k", "10", "--quiet"};
    Path straight = dir.resolve("straight.marginal");
    assertEquals(0, CliRun.of(concat(common, "--iters", "80", "--out", straight.toString())).code());
    Path half = dir.resolve("half.marginal");
    assertEquals(0, CliRun.of(concat(common, "--iters", "40", "--out", half.toString())).code());
    Path resumed = dir.resolve("resumed.marginal");
    CliRun r = CliRun.of(concat(common, "--iters", "80", "--resume", dir.resolve("half.marginal.ckpt").toString(),
        "--out", resumed.toString()));
    assertEquals(0, r.code(), r.toString());
    Map<String, Tensor> a = ModelFile.read(straight).tensors();
    Map<String, Tensor> b = ModelFile.read(resumed).tensors();
    assertEquals(a.keySet(), b.keySet());
    a.forEach((name, t) -> assertArrayEquals(t.toArray(), b.get(name).toArray(), name));
    Map<String, Tensor> ckpt = ModelFile.read(dir.resolve("straight.marginal.ckpt")).tensors();
    assertTrue(ckpt.keySet().stream().anyMatch(k -> k.startsWith("average/")), ckpt.keySet().toString());
    assertFalse(Arrays.equals(a.get("decoder.w0").toArray(), ckpt.get("decoder.w0").toArray()),
        "the model is the average, the checkpoint's model the raw parameters");
    assertArrayEquals(a.get("decoder.w0").toArray(), ckpt.get("average/decoder.w0").toArray());

    Path plain = dir.resolve("plain.marginal");
    assertEquals(0, CliRun.of("target", "--target", "funnel", "--recipe", "reverse", "--iters", "20", "--ema", "0",
        "--eval-samples",
        "20", "--eval-k", "10", "--quiet", "--out", plain.toString()).code());
    CliRun bad = CliRun.of(concat(common, "--iters", "40", "--resume", dir.resolve("plain.marginal.ckpt").toString(),
        "--out", dir.resolve("bad.marginal").toString()));
    assertEquals(2, bad.code());
    // The checkpoint's fingerprint names the differing setting before the missing average is even looked for.
    assertTrue(bad.err().contains("--ema 0.9 (the checkpoint's run had 0.0)"), bad.err());
  }

  /**
   * An annealed run states its schedule and records it in the model's provenance, and a resume with another
   * --anneal is refused, naming the option (exact resume of an annealed run: ReverseKlTrainerTest).
   */
  @Test
  void annealedRunIsRecordedAndAResumeWithAnotherScheduleIsRefused() throws IOException {
    String[] common = {"target", "--target", "u2", "--anneal", "0.8", "--ema", "0", "--eval-samples", "20",
        "--eval-k", "10"};
    Path straight = dir.resolve("annealed.marginal");
    CliRun full = CliRun.of(concat(common, "--iters", "40", "--out", straight.toString()));
    assertEquals(0, full.code(), full.toString());
    assertTrue(full.out().contains("β from 0.01 to 1 over the first 80% of the iterations"), full.out());
    Object options = ModelFile.read(straight).provenance().get("options");
    assertTrue(options instanceof Map<?, ?> m && ((Number) m.get("annealFraction")).doubleValue() == 0.8,
        String.valueOf(options));
    CliRun bad = CliRun.of("target", "--target", "u2", "--anneal", "0.5", "--ema", "0", "--iters", "40",
        "--resume", dir.resolve("annealed.marginal.ckpt").toString(), "--out",
        dir.resolve("annealed-bad.marginal").toString());
    assertEquals(2, bad.code(), bad.toString());
    assertTrue(bad.err().contains("--anneal 0.5 (the checkpoint's run had 0.8)"), bad.err());
  }

  /**
   * The decoder's gradient is recorded in the provenance, a resume with the other one is refused naming
   * --decoder-gradient, and an unknown value is a one-line error.
   */
  @Test
  void decoderGradientIsRecordedAndAResumeWithTheOtherIsRefused() throws IOException {
    Path model = dir.resolve("path.marginal");
    CliRun run = CliRun.of("target", "--target", "mixture", "--recipe", "reverse", "--decoder-gradient", "path",
        "--ema", "0", "--eval-samples", "20", "--eval-k", "10", "--iters", "30", "--out", model.toString());
    assertEquals(0, run.code(), run.toString());
    Object options = ModelFile.read(model).provenance().get("options");
    assertTrue(options instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("pathGradient")), String.valueOf(options));
    CliRun other = CliRun.of("target", "--target", "mixture", "--recipe", "reverse", "--decoder-gradient", "total",
        "--ema", "0", "--iters", "40", "--resume", dir.resolve("path.marginal.ckpt").toString(), "--out",
        dir.resolve("path-bad.marginal").toString());
    assertEquals(2, other.code(), other.toString());
    assertTrue(other.err().contains("--decoder-gradient"), other.err());
    CliRun bad = CliRun.of("target", "--target", "mixture", "--decoder-gradient", "score", "--out",
        dir.resolve("bad.marginal").toString());
    assertEquals(2, bad.code(), bad.toString());
    assertTrue(bad.err().contains("--decoder-gradient must be path or total, got 'score'"), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
  }

  /** Under the forward recipe the decoder follows the forward KL at every step, so --decoder-gradient is refused. */
  @Test
  void decoderGradientIsRefusedWhenTheForwardKlTakesEveryStep() {
    List<List<String>> recipes = List.of(List.of(), List.of("--recipe", "forward"),
        List.of("--recipe", "reverse", "--forward", "1"));
    for (List<String> recipe : recipes) {
      for (String gradient : List.of("path", "total")) {
        List<String> args = new java.util.ArrayList<>(List.of("target", "--target", "mixture", "--decoder-gradient",
            gradient, "--iters", "5", "--out", dir.resolve("ignored.marginal").toString()));
        args.addAll(recipe);
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.toString());
        assertEquals(List.of("marginal: --decoder-gradient applies to the reverse-KL steps, and --forward 1 (the "
            + "forward recipe's) leaves none: the decoder follows the forward KL throughout"), r.errLines(),
            r.toString());
      }
    }
    assertFalse(Files.exists(dir.resolve("ignored.marginal")));
  }

  /** A run of no iterations would save an untrained surrogate as a fit: --iters 0 is refused, as fit's --epochs 0. */
  @Test
  void noIterationsAreRefused() {
    Path out = dir.resolve("untrained.marginal");
    for (String iters : List.of("0", "-3")) {
      CliRun r = CliRun.of("target", "--target", "mixture", "--iters", iters, "--out", out.toString());
      assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
      assertEquals(List.of("marginal: --iters must be >= 1, got " + iters), r.errLines(), r.toString());
    }
    for (String length : List.of("--epochs", "--steps")) {
      CliRun r = CliRun.of("fit", "--data", "toy:moons?n=60", "--model", "lvm", length, "0", "--out", out.toString());
      assertEquals(List.of("marginal: " + length + " must be >= 1, got 0"), r.errLines(), r.toString());
    }
    assertFalse(Files.exists(out));
  }

  /**
   * A checkpoint whose run recorded --decoder-gradient path under the forward recipe (as runs could before the two
   * were refused together) resumes, with that --decoder-gradient or without it: under --forward 1 it changed nothing.
   */
  @Test
  @SuppressWarnings("unchecked")
  void aCheckpointRecordingTheDecoderGradientUnderTheForwardRecipeStillResumes() throws IOException {
    Path first = dir.resolve("fwd.marginal");
    CliRun run = CliRun.of("target", "--target", "mixture", "--recipe", "forward", "--iters", "4", "--eval-samples",
        "20", "--eval-k", "5", "--out", first.toString(), "--quiet");
    assertEquals(0, run.code(), run.toString());
    ModelFile f = ModelFile.read(dir.resolve("fwd.marginal.ckpt"));
    Map<String, Object> p = new java.util.LinkedHashMap<>(f.provenance());
    Map<String, Object> fingerprint = new java.util.LinkedHashMap<>((Map<String, Object>) p.get(RunFingerprint.KEY));
    fingerprint.put("decoderGradient", "path");
    p.put(RunFingerprint.KEY, fingerprint);
    Path ckpt = dir.resolve("recorded.ckpt");
    new ModelFile(f.kind(), f.config(), p, f.tensors(), f.float64Tensors()).write(ckpt);
    for (List<String> gradient : List.of(List.of("--decoder-gradient", "path"), List.<String>of())) {
      List<String> args = new java.util.ArrayList<>(List.of("target", "--target", "mixture", "--recipe", "forward",
          "--iters", "6", "--eval-samples", "20", "--eval-k", "5", "--resume", ckpt.toString(), "--quiet", "--out",
          dir.resolve("resumed" + gradient.size() + ".marginal").toString()));
      args.addAll(gradient);
      CliRun resumed = CliRun.of(args.toArray(String[]::new));
      assertEquals(0, resumed.code(), resumed.toString());
    }
  }

  /**
   * The forward recipe sets its options, explicit options override them, the run states its proposal and
   * records the forward KL in the provenance, and a resume without it is refused naming --forward.
   */
  @Test
  void forwardRecipeIsRecordedExplicitOptionsWinAndAResumeWithoutItIsRefused() throws IOException {
    Path model = dir.resolve("forward.marginal");
    CliRun run = CliRun.of("target", "--target", "u1", "--recipe", "forward", "--lr", "0.005", "--iters", "30",
        "--eval-samples", "20", "--eval-k", "10", "--out", model.toString());
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("forward KL over the first 100% of the iterations, 1024 proposals per step "
        + "from N([0.0, 0.0], diag([3.0, 3.0]²))"), run.out());
    Object options = ModelFile.read(model).provenance().get("options");
    assertTrue(options instanceof Map<?, ?> m && ((Number) m.get("forwardFraction")).doubleValue() == 1
        && ((Number) m.get("decoderLr")).doubleValue() == 0.005 && ((Number) m.get("batch")).intValue() == 50
        && ((Number) m.get("latent")).intValue() == 4 && ((Number) m.get("averaging")).doubleValue() == 0,
        String.valueOf(options));
    CliRun without = CliRun.of("target", "--target", "u1", "--recipe", "forward", "--forward", "0", "--lr",
        "0.005", "--iters", "40", "--resume", dir.resolve("forward.marginal.ckpt").toString(), "--out",
        dir.resolve("forward-bad.marginal").toString());
    assertEquals(2, without.code(), without.toString());
    assertTrue(without.err().contains("--forward"), without.err());
    CliRun badRecipe = CliRun.of("target", "--target", "u1", "--recipe", "sideways", "--out",
        dir.resolve("bad.marginal").toString());
    assertEquals(2, badRecipe.code(), badRecipe.toString());
    assertTrue(badRecipe.err().contains("--recipe must be auto, reverse or forward, got 'sideways'"), badRecipe.err());
    assertEquals(1, badRecipe.err().strip().lines().count(), badRecipe.err());
    CliRun badFraction = CliRun.of("target", "--target", "u1", "--forward", "1.5", "--out",
        dir.resolve("bad.marginal").toString());
    assertEquals(2, badFraction.code(), badFraction.toString());
    assertTrue(badFraction.err().contains("--forward must be in [0, 1]"), badFraction.err());
  }

  /**
   * Without --recipe a 2-D target gets the forward recipe and a 3-D one the reverse-KL defaults; each run says which,
   * --recipe reverse restores the reverse defaults in two dimensions, and a resume follows its checkpoint's recipe.
   */
  @Test
  void autoRecipeFollowsTheTargetsDimension() throws IOException {
    String[][] cases = {{"u1", "auto", "forward", "1"}, {"neal-funnel:3", "auto", "reverse", "0"},
        {"u1", "reverse", "reverse", "0"}};
    for (String[] c : cases) {
      Path model = dir.resolve("auto-" + c[1] + "-" + c[0].replace(':', '-') + ".marginal");
      List<String> args = new java.util.ArrayList<>(List.of("target", "--target", c[0], "--iters", "6",
          "--eval-samples", "20", "--eval-k", "10", "--json", "--quiet", "--out", model.toString()));
      if (!c[1].equals("auto")) {
        args.addAll(List.of("--recipe", c[1]));
      }
      CliRun run = CliRun.of(args.toArray(String[]::new));
      assertEquals(0, run.code(), run.toString());
      Map<String, Object> report = Json.parseObject(run.out().strip());
      assertEquals(c[2], report.get("recipe"), String.join(" ", c));
      // The forward recipe fits the forward KL throughout; --objective (sumo) is then the encoder's alone.
      String objective = c[2].equals("forward") ? ReverseKlOptions.FORWARD_KL_OBJECTIVE : "sumo";
      assertEquals(objective, report.get("objective"), String.join(" ", c));
      assertEquals(c[2].equals("forward") ? "sumo" : null, report.get("encoder_objective"), String.join(" ", c));
      Object options = ModelFile.read(model).provenance().get("options");
      assertTrue(options instanceof Map<?, ?> m && m.get("objective").equals(objective)
          && Objects.equals(m.get("encoderObjective"), report.get("encoder_objective")), String.valueOf(options));
      assertTrue(options instanceof Map<?, ?> m
          && ((Number) m.get("forwardFraction")).doubleValue() == Double.parseDouble(c[3])
          && ((Number) m.get("latent")).intValue() == (c[2].equals("forward") ? 4 : ReverseKlOptions.DEFAULT_LATENT),
          String.join(" ", c) + ": " + options);
    }
    // Without --recipe, a resumed run follows the recipe of the run it came from, whatever the target's dimension.
    Path more = dir.resolve("auto-resumed.marginal");
    CliRun resumed = CliRun.of("target", "--target", "u1", "--iters", "8", "--eval-samples", "20", "--eval-k", "10",
        "--json", "--quiet", "--resume", dir.resolve("auto-reverse-u1.marginal.ckpt").toString(), "--out",
        more.toString());
    assertEquals(0, resumed.code(), resumed.toString());
    assertEquals("reverse", Json.parseObject(resumed.out().strip()).get("recipe"));
    CliRun forced = CliRun.of("target", "--target", "u1", "--recipe", "forward", "--iters", "8", "--resume",
        dir.resolve("auto-reverse-u1.marginal.ckpt").toString(), "--out", dir.resolve("forced.marginal").toString());
    assertEquals(2, forced.code(), forced.toString());
    assertTrue(forced.err().contains("the checkpoint is of a different run"), forced.err());
  }

  private static String[] concat(String[] a, String... b) {
    String[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void unknownTargetAndBadOptionsAreOneLineErrors() {
    CliRun r = CliRun.of("target", "--target", "banana", "--out", dir.resolve("x.marginal").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown target 'banana'"), r.err());
    assertEquals(1, r.err().strip().lines().count());
    CliRun o = CliRun.of("target", "--target", "funnel", "--objective", "vimco",
        "--out", dir.resolve("x.marginal").toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("--objective: unknown value 'vimco' (expected elbo, iwae, sumo)"), o.err());
    // Each named alone, with the value given (both were named together, without it).
    CliRun e = CliRun.of("target", "--target", "funnel", "--eval-every", "-1", "--out", dir.resolve("x.marginal")
        .toString());
    assertEquals(2, e.code());
    assertEquals("marginal: --eval-every must be >= 0 (0: only at the end), got -1", e.err().strip());
    CliRun c = CliRun.of("target", "--target", "funnel", "--checkpoint-every", "-1", "--out", dir.resolve(
        "x.marginal").toString());
    assertEquals(2, c.code());
    assertEquals("marginal: --checkpoint-every must be >= 0 (0: only at the end and when stopped), got -1",
        c.err().strip());
    CliRun d = CliRun.of("target", "--target", "funnel", "--out", dir.resolve("nope/x.marginal").toString());
    assertEquals(2, d.code());
    assertTrue(d.err().contains("does not exist"), d.err());
  }

  /**
   * A user target, loaded by class name, whose log density turns NaN from its {@code FAIL_FROM}-th call on (the
   * first two are the contract's probes, when the class is loaded and when the training starts).
   */
  public static final class FailingTarget implements dev.marginal.targets.Target {
    static final int FAIL_FROM = 6;
    private int calls;

    @Override
    public String name() {
      return "failing";
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public dev.marginal.autodiff.Var logDensity(dev.marginal.autodiff.Var x) {
      dev.marginal.autodiff.Var logP = x.square().sum(-1, false).mul(-0.5f);
      return ++calls < FAIL_FROM ? logP : logP.mul(Float.NaN);
    }
  }

  /** A user target: the unnormalized standard normal of {@code dim} dimensions, named {@code name}. */
  public abstract static class StandardNormal implements dev.marginal.targets.Target {
    private final String name;
    private final int dim;

    StandardNormal(String name, int dim) {
      this.name = name;
      this.dim = dim;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int dim() {
      return dim;
    }

    @Override
    public dev.marginal.autodiff.Var logDensity(dev.marginal.autodiff.Var x) {
      return x.square().sum(-1, false).mul(-0.5f);
    }
  }

  /** A user target of one dimension, a standard normal. */
  public static final class OneDimensional extends StandardNormal {
    public OneDimensional() {
      super("line", 1);
    }
  }

  @Test
  void aPictureOfAOneDimensionalTargetIsRefusedBeforeTraining() {
    Path out = dir.resolve("line.marginal");
    CliRun r = CliRun.of("target", "--target", "class:" + OneDimensional.class.getName(), "--iters", "5", "--out",
        out.toString(), "--png", dir.resolve("line.png").toString());
    assertEquals(2, r.code(), r.toString());
    assertEquals(List.of("marginal: --png draws the first two coordinates of the target and its surrogate; target "
        + "line has 1"), r.errLines(), r.toString());
    assertFalse(Files.exists(out), r.toString());
    assertFalse(Files.exists(dir.resolve("line.marginal.ckpt")), r.toString());
  }

  /** A user target that declares a log Z of NaN. */
  public static final class NaNLogZTarget extends StandardNormal {
    public NaNLogZTarget() {
      super("nan-log-z", 2);
    }

    @Override
    public java.util.OptionalDouble logZ() {
      return java.util.OptionalDouble.of(Double.NaN);
    }
  }

  @Test
  void aUserTargetBreakingItsContractIsRefusedBeforeTrainingNotReportedAsNaN() {
    Path out = dir.resolve("nan-log-z.marginal");
    CliRun r = CliRun.of("target", "--target", "class:" + NaNLogZTarget.class.getName(), "--iters", "5", "--out",
        out.toString());
    assertEquals(2, r.code(), r.toString());
    assertEquals(List.of("marginal: target nan-log-z: logZ() must be finite where given, got NaN"), r.errLines(),
        r.toString());
    assertFalse(Files.exists(out), r.toString());
  }

  /**
   * A step size or forward scale whose use overflows float32 is named in the failure: the target's log density
   * overflowing at the points they put far out is not the target's fault.
   */
  @Test
  void anOverflowingStepSizeOrForwardScaleIsNamedNotTheTarget() {
    Path out = dir.resolve("overflow.marginal");
    CliRun lr = CliRun.of("target", "--target", "funnel", "--recipe", "reverse", "--lr", "1e30", "--iters", "20",
        "--out", out.toString());
    assertEquals(1, lr.code(), lr.toString());
    assertEquals(1, lr.errLines().size(), lr.toString());
    assertTrue(lr.err().startsWith("marginal: training diverged at step 2: the surrogate's parameters diverged: it "
        + "drew a point too far out"), lr.toString());
    assertTrue(lr.err().strip().endsWith("the step size is the likely cause; lower --lr or bound the gradient with "
        + "--clip"), lr.toString());
    CliRun scale = CliRun.of("target", "--target", "funnel", "--forward", "0.5", "--forward-scale", "1e38", "--iters",
        "20", "--out", out.toString());
    assertEquals(1, scale.code(), scale.toString());
    assertEquals(1, scale.errLines().size(), scale.toString());
    assertTrue(scale.err().startsWith("marginal: training diverged at step 1: the forward KL proposed a point too far "
        + "out"), scale.toString());
    assertTrue(scale.err().strip().endsWith("the proposal's scale is the likely cause: lower --forward-scale"),
        scale.toString());
    assertFalse(Files.exists(out));
  }

  @Test
  void aUserTargetGoingNaNFailsSayingSoAndNamesTheCheckpointOnlyWhenOneWasWritten() {
    String target = "class:" + FailingTarget.class.getName();
    Path out = dir.resolve("nan.marginal");
    CliRun r = CliRun.of("target", "--target", target, "--iters", "20", "--out", out.toString());
    assertEquals(1, r.code(), r.toString());
    assertEquals(List.of("marginal: training diverged at step 4: the target's log density was NaN at a point the "
        + "forward KL proposed (it may be -Infinity where the density is zero, never NaN or Infinity)"), r.errLines(),
        r.toString());
    CliRun reverse = CliRun.of("target", "--target", target, "--recipe", "reverse", "--iters", "20", "--out",
        out.toString());
    assertEquals(List.of("marginal: training diverged at step 4: the target's log density was NaN at a point the "
        + "surrogate drew (it must be finite wherever the surrogate may put mass)"), reverse.errLines(),
        reverse.toString());
    CliRun c = CliRun.of("target", "--target", target, "--iters", "20", "--checkpoint-every", "2",
        "--out", out.toString());
    assertEquals(1, c.code(), c.toString());
    assertTrue(c.err().strip().endsWith("; the checkpoint of step 2 holds the last good surrogate ("
        + out + ".ckpt)"), c.toString());
    assertFalse(Files.exists(out), "no model is written for a diverged run");
  }
}
