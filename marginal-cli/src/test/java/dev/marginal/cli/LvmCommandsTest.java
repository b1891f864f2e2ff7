package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the commands on a deep LVM with tiny settings. */
class LvmCommandsTest {
  private static final String MOONS = "toy:moons?n=200";
  private static final String MOONS_TEST = "toy:moons?n=40&seed=7";

  @TempDir Path dir;

  private Path fit(int epochs, String... extra) {
    Path model = dir.resolve("lvm.marginal");
    List<String> args = new java.util.ArrayList<>(List.of("fit", "--data", MOONS, "--model", "lvm", "--hidden", "16",
        "--epochs", String.valueOf(epochs), "--batch", "20", "--validation", "0.2", "--out", model.toString()));
    args.addAll(List.of(extra));
    CliRun r = CliRun.of(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("validation_objective"), r.toString());
    return model;
  }

  /**
   * IWAE scores have the same columns whatever --repeats: the weight diagnostics are those of the first repeat, the
   * same draw as a single repeat's with the same seed.
   */
  /** A warning, before training, of columns on scales a Gaussian decoder learns worse as given; none on toy data. */
  @Test
  void columnsOnFarScalesAreWarnedOfWithTheOption() throws IOException {
    StringBuilder csv = new StringBuilder("big,small\n");
    java.util.Random random = new java.util.Random(2);
    for (int i = 0; i < 100; i++) {
      csv.append(300 * random.nextGaussian()).append(',').append(random.nextGaussian()).append('\n');
    }
    Path data = Files.writeString(dir.resolve("scales.csv"), csv);
    CliRun warned = CliRun.of("fit", "--data", data.toString(), "--model", "lvm", "--hidden", "4", "--epochs", "1",
        "--out", dir.resolve("w.marginal").toString());
    assertEquals(0, warned.code(), warned.toString());
    assertEquals(1, warned.errLines().size(), warned.toString());
    String line = warned.errLines().get(0);
    assertTrue(line.startsWith("marginal: warning: " + data + ": standard deviation outside 0.5 to 6 in column 'big' ("),
        line);
    assertTrue(line.endsWith(": --standardize fits standardized columns (the scores stay in the data's units)"), line);
    CliRun json = CliRun.of("fit", "--data", data.toString(), "--model", "lvm", "--hidden", "4", "--epochs", "1",
        "--out", dir.resolve("j.marginal").toString(), "--json", "--quiet");
    assertEquals(0, json.code(), json.toString());
    assertEquals(List.of(line.substring("marginal: warning: ".length())),
        dev.marginal.io.Json.parseObject(json.out()).get("warnings"), json.out());
    for (String[] quiet : List.of(new String[] {"--data", data.toString(), "--standardize"},
        new String[] {"--data", MOONS})) {
      List<String> args = new java.util.ArrayList<>(List.of("fit", "--model", "lvm", "--hidden", "4", "--epochs", "1",
          "--out", dir.resolve(quiet.length + "q.marginal").toString()));
      args.addAll(List.of(quiet));
      CliRun r = CliRun.of(args.toArray(new String[0]));
      assertEquals(0, r.code(), r.toString());
      assertEquals(List.of(), r.errLines(), r.toString());
    }
  }

  @Test
  void iwaeScoreColumnsDoNotDependOnRepeats() throws IOException {
    Path model = fit(1);
    Path one = dir.resolve("one.csv");
    Path three = dir.resolve("three.csv");
    for (Path out : List.of(one, three)) {
      CliRun s = CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--estimator", "iwae",
          "--k", "20", "--repeats", out == one ? "1" : "3", "--out", out.toString(), "--json");
      assertEquals(0, s.code(), s.toString());
      assertTrue(dev.marginal.io.Json.parseObject(s.out()).get("ess_mean") instanceof Number, s.out());
      assertEquals(List.of("log_px", "std_err", "ess", "pareto_k"), CliRun.csvHeader(out));
    }
    List<double[]> a = CliRun.csvRows(one);
    List<double[]> b = CliRun.csvRows(three);
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i)[2], b.get(i)[2], "row " + i + ": ess of the first repeat");
      assertTrue(b.get(i)[1] > 0, "row " + i + ": a standard error over three repeats");
    }
  }

  @Test
  void fitScoreSampleEncodeEvalInfo() throws IOException {
    Path model = fit(2, "--objective", "sumo", "--min-terms", "2");
    assertTrue(Files.exists(dir.resolve("lvm.marginal.ckpt")), "a checkpoint is kept beside the model");

    Path scores = dir.resolve("scores.csv");
    CliRun s = CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--estimator", "iwae",
        "--k", "20", "--repeats", "3", "--out", scores.toString());
    assertEquals(0, s.code(), s.toString());
    List<double[]> rows = CliRun.csvRows(scores);
    assertEquals(40, rows.size());
    rows.forEach(r -> assertTrue(Double.isFinite(r[0]) && r[1] > 0, "finite estimate with a standard error"));

    Path samples = dir.resolve("samples.csv");
    assertEquals(0, CliRun.of("sample", "--model", model.toString(), "--n", "30", "--out", samples.toString())
        .code());
    assertEquals(30, CliRun.csvRows(samples).size());

    Path codes = dir.resolve("codes.csv");
    assertEquals(0, CliRun.of("encode", "--model", model.toString(), "--data", MOONS_TEST, "--out",
        codes.toString()).code());
    assertEquals(List.of("z0", "z1", "var_z0", "var_z1"), CliRun.csvHeader(codes));

    CliRun e = CliRun.of("eval", "--model", model.toString(), "--data", MOONS_TEST, "--k", "50", "--json");
    assertEquals(0, e.code(), e.toString());
    java.util.Map<String, Object> report = dev.marginal.io.Json.parseObject(e.out());
    for (String key : List.of("nll", "nll_se", "elbo", "elbo_se", "iwae_1", "iwae_1_se", "iwae_5", "iwae_5_se",
        "iwae_50", "iwae_50_se", "iwae_500", "iwae_500_se", "iwae_5000", "iwae_5000_se", "active_units")) {
      assertTrue(report.get(key) instanceof Number, key + " not a number in " + e.out());
    }
    // The test NLL is -IWAE_50 here: the same standard error over rows, and a positive one on 40 different rows.
    assertEquals(((Number) report.get("nll_se")).doubleValue(), ((Number) report.get("iwae_50_se")).doubleValue(),
        0.0, e.out());
    assertTrue(((Number) report.get("elbo_se")).doubleValue() > 0, e.out());
    assertTrue(report.get("nll_estimator") instanceof String, e.out());
    assertTrue(!report.containsKey("std_err"), "the x / x_se convention: " + e.out());
    CliRun i = CliRun.of("info", "--model", model.toString());
    assertEquals(0, i.code(), i.toString());
    assertTrue(i.out().contains("gaussian decoder"), i.out());
    CliRun ij = CliRun.of("info", "--model", model.toString(), "--json");
    assertEquals(0, ij.code(), ij.toString());
    java.util.Map<String, Object> about = dev.marginal.io.Json.parseObject(ij.out());
    assertEquals("lvm", about.get("kind"), "the kind eval and the model file use: " + ij.out());
    assertEquals("deep latent variable model", about.get("model"), ij.out());
    assertTrue(about.get("latent_dim") instanceof Number, "snake_case like every report: " + ij.out());
  }

  @Test
  void scoreAndEvalReportWeightDiagnosticsAndEvalBracketsSimulatedData() throws IOException {
    Path model = fit(2);
    Path scores = dir.resolve("diagnosed.csv");
    CliRun s = CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--estimator", "iwae",
        "--k", "50", "--out", scores.toString(), "--json");
    assertEquals(0, s.code(), s.toString());
    assertEquals(List.of("log_px", "std_err", "ess", "pareto_k"), CliRun.csvHeader(scores));
    CliRun.csvRows(scores).forEach(r -> assertTrue(r[2] >= 1 && r[2] <= 50 && Double.isFinite(r[3]),
        "ESS in [1, K] and a Pareto k̂ per row"));
    assertTrue(s.out().contains("\"pareto_k_max\""), s.out());

    Path sumo = dir.resolve("sumo.csv");
    assertEquals(0, CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--estimator", "sumo",
        "--repeats", "20", "--out", sumo.toString()).code());
    assertEquals(List.of("log_px", "std_err", "mom_log_px", "mom_lower", "mom_upper"), CliRun.csvHeader(sumo));
    CliRun.csvRows(sumo).forEach(r -> assertTrue(r[3] <= r[2] && r[2] <= r[4], "median of means inside its interval"));

    CliRun e = CliRun.of("eval", "--model", model.toString(), "--data", MOONS_TEST, "--k", "50", "--bdmc", "6",
        "--ais", "--ais-steps", "20");
    assertEquals(0, e.code(), e.toString());
    for (String key : List.of("nll_ess_mean", "nll_pareto_k_max", "ais_20", "nll_ais", "bdmc_ais_lower", "bdmc_ais_upper",
        "bdmc_iwae_50", "bdmc_sumo")) {
      assertTrue(e.out().contains(key), key + " missing from " + e.out());
    }
    // The text report folds each standard error into its value: "elbo  -1.2345 ± 0.0678", no elbo_se line.
    for (String key : List.of("elbo", "iwae_1", "iwae_50", "iwae_5000", "ais_20", "nll_ais", "bdmc_ais_lower",
        "bdmc_ais_upper", "bdmc_iwae_50", "bdmc_sumo")) {
      assertTrue(e.out().matches("(?s).*\\n  " + key + " +-?\\d+\\.\\d{4} ± \\d+\\.\\d{4}\\n.*"),
          key + " ± its standard error in " + e.out());
      assertFalse(e.out().contains(key + "_se"), e.out());
    }
    assertFalse(e.out().contains("bdmc_iwae_se"), "no standard error on a line of its own: " + e.out());
    java.util.Map<String, Object> json = dev.marginal.io.Json.parseObject(CliRun.of("eval", "--model",
        model.toString(), "--data", MOONS_TEST, "--k", "50", "--ais", "--ais-steps", "20", "--bdmc", "6", "--json")
        .out());
    assertEquals(json.get("bdmc_iwae_se"), json.get("bdmc_iwae_50_se"), "the older name of the same error");
    for (String key : List.of("ais_20", "ais_20_se", "nll_ais", "nll_ais_se", "bdmc_iwae_50", "bdmc_iwae_50_se")) {
      assertTrue(json.get(key) instanceof Number, key + " not a number in " + json);
    }
    assertEquals(((Number) json.get("ais_20_se")).doubleValue(), ((Number) json.get("nll_ais_se")).doubleValue(),
        0.0, json.toString());
    assertEquals(2, CliRun.of("eval", "--model", model.toString(), "--data", MOONS_TEST, "--bdmc", "-1").code());
  }

  @Test
  void resumeContinuesFromTheCheckpoint() throws IOException {
    Path model = fit(1);
    Path ckpt = dir.resolve("lvm.marginal.ckpt");
    long stepsBefore = steps(ckpt);
    Path resumed = dir.resolve("resumed.marginal");
    CliRun r = CliRun.of("fit", "--data", MOONS, "--model", "lvm", "--hidden", "16", "--epochs", "2", "--batch",
        "20", "--validation", "0.2", "--resume", ckpt.toString(), "--out", resumed.toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
    assertEquals(2 * stepsBefore, steps(dir.resolve("resumed.marginal.ckpt")));
    assertTrue(Files.exists(model));
  }

  @Test
  void divergingRunFailsWithOneLineAndKeepsNoModel() throws IOException {
    Path csv = dir.resolve("huge.csv");
    StringBuilder sb = new StringBuilder("a,b\n");
    for (int i = 0; i < 50; i++) {
      sb.append("3e30,").append(i % 2 == 0 ? "-3e30" : "3e30").append('\n');
    }
    Files.writeString(csv, sb.toString());
    Path out = dir.resolve("bad.marginal");
    CliRun r = CliRun.of("fit", "--data", csv.toString(), "--model", "lvm", "--hidden", "8", "--epochs", "1",
        "--out", out.toString(), "--quiet");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("diverged"), r.err());
    assertFalse(r.err().contains("checkpoint"), "no checkpoint was written before step 1: " + r.err());
    assertFalse(r.err().contains("--lr"), "the first step applied no update, so its step size is not to blame");
    // One line for the failure, after the warning of the columns' scale (given before training, also when quiet).
    List<String> lines = r.errLines();
    assertEquals(2, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith("marginal: warning: " + csv + ": standard deviation outside 0.5 to 6 in column"
        + " 'b'"), r.err());
    assertTrue(lines.get(1).startsWith("marginal: training diverged"), r.err());
    assertTrue(!Files.exists(out), "no model is written for a diverged run");
  }

  @Test
  void aRunThatDivergesAfterItsUpdatesNamesTheStepSizeAndClipping() throws IOException {
    // A step size of 1e300 took the objective to NaN at step 2, and the message named no option to change. (Beyond
    // float32's range, 1e300 is now refused before training; 1e30 is within it and diverges as 1e300 did.)
    Path out = dir.resolve("lr.marginal");
    CliRun r = CliRun.of("fit", "--data", "toy:moons?n=200&seed=1", "--model", "lvm", "--lr", "1e30", "--steps",
        "10", "--out", out.toString(), "--quiet");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().strip().matches("marginal: training diverged: the objective became (NaN|-Infinity) at step 2; "
        + "lower --lr or bound the gradient with --clip"), r.err());
    CliRun clipped = CliRun.of("fit", "--data", "toy:moons?n=200&seed=1", "--model", "lvm", "--lr", "1e30",
        "--clip", "5", "--steps", "10", "--out", out.toString(), "--quiet");
    assertEquals(1, clipped.code(), clipped.toString());
    assertTrue(clipped.err().strip().endsWith("; lower --lr or --clip"), clipped.err());
    CliRun target = CliRun.of("target", "--target", "funnel", "--lr", "1e30", "--iters", "10", "--out",
        dir.resolve("t.marginal").toString(), "--quiet");
    assertEquals(1, target.code(), target.toString());
    // target's recipe bounds the gradient by default.
    assertTrue(target.err().strip().matches(".*: the loss was (NaN|-?Infinity); lower --lr or --clip"), target.err());
    // A run that set the encoder's own step size names it too: it may be the one that diverged.
    CliRun encoder = CliRun.of("target", "--target", "funnel", "--encoder-lr", "1e30", "--iters", "10", "--out",
        dir.resolve("e.marginal").toString(), "--quiet");
    assertEquals(1, encoder.code(), encoder.toString());
    assertTrue(encoder.err().strip().matches(".*: the loss was (NaN|-?Infinity); lower --lr, --encoder-lr or --clip"),
        encoder.err());
    // So does one that set the forward proposal's scale, which sets how far out the forward KL's draws land.
    CliRun scale = CliRun.of("target", "--target", "funnel", "--forward-scale", "9e18", "--iters", "10", "--out",
        dir.resolve("f.marginal").toString(), "--quiet");
    assertEquals(1, scale.code(), scale.toString());
    assertTrue(scale.err().strip().endsWith("; lower --lr, --forward-scale or --clip"), scale.err());
  }

  @Test
  void badLvmOptionsAreOneLineUsageErrors() {
    refused("--gradient dreg needs --objective iwae", "fit", "--data", MOONS, "--model", "lvm", "--gradient", "dreg",
        "--objective", "sumo", "--out", dir.resolve("x.marginal").toString());
    refused("needs values in [0, 1]", "fit", "--data", MOONS, "--model", "lvm", "--decoder", "bernoulli",
        "--out", dir.resolve("y.marginal").toString());
    CliRun w = refused("--warmup tempers the ELBO or IWAE bound", "fit", "--data", MOONS, "--model", "lvm",
        "--objective", "sumo", "--warmup", "2", "--out", dir.resolve("z.marginal").toString());
    assertEquals(1, w.err().strip().lines().count(), w.err());
    refused("--warmup must be >= 0", "fit", "--data", MOONS, "--model", "lvm", "--warmup", "-1",
        "--out", dir.resolve("z.marginal").toString());
  }

  @Test
  void binarizingDataTheDefaultDecoderModelsAsGaussianIsRefused() throws IOException {
    CliRun moons = refused("--binarize fixed applies to --decoder bernoulli only, and the decoder is gaussian by "
        + "default for toy:moons", "fit", "--data", MOONS, "--model", "lvm", "--binarize", "fixed", "--epochs", "1",
        "--out", dir.resolve("b.marginal").toString());
    assertTrue(moons.err().contains("(values outside [0, 1]); --decoder bernoulli needs data in [0, 1]"), moons.err());
    Path unit = dir.resolve("unit.csv");
    Files.writeString(unit, "a,b\n0.1,0.9\n0.4,0.3\n0.8,0.2\n0.6,0.5\n");
    refused("--binarize threshold applies to --decoder bernoulli only, and the decoder is gaussian by default for "
        + "standardized data; leave out --standardize", "fit", "--data", unit.toString(), "--model", "lvm",
        "--standardize", "--binarize", "threshold", "--epochs", "1", "--out", dir.resolve("s.marginal").toString());
    assertFalse(Files.exists(dir.resolve("b.marginal")) || Files.exists(dir.resolve("s.marginal")));
    CliRun plain = CliRun.of("fit", "--data", unit.toString(), "--model", "lvm", "--hidden", "4", "--binarize",
        "threshold", "--epochs", "1", "--quiet", "--out", dir.resolve("u.marginal").toString());
    assertEquals(0, plain.code(), "data in [0, 1] get a Bernoulli decoder by default: " + plain);
  }

  /**
   * A Bernoulli decoder models values in [0, 1]: encode refuses others as score does, for the amortized encoder and
   * for the local fits of a per-datapoint model alike, instead of writing codes of data the model cannot describe.
   */
  @Test
  void encodeRefusesValuesOutsideTheUnitIntervalForABernoulliDecoder() throws IOException {
    Path unit = dir.resolve("unit.csv");
    Files.writeString(unit, "a,b\n0.1,0.9\n0.4,0.3\n0.8,0.2\n0.6,0.5\n");
    Path outside = dir.resolve("outside.csv");
    Files.writeString(outside, "a,b\n0.1,0.9\n1.5,0.3\n");
    for (String inference : List.of("--threads=1", "--per-datapoint")) {
      Path model = dir.resolve("unit" + inference + ".marginal");
      CliRun fit = CliRun.of("fit", "--data", unit.toString(), "--model", "lvm", "--hidden", "4", "--epochs", "1",
          inference, "--quiet", "--out", model.toString());
      assertEquals(0, fit.code(), fit.toString());
      Path codes = dir.resolve("codes.csv");
      String says = outside + ":3: a Bernoulli decoder needs values in [0, 1], found 1.5 in column 'a'";
      CliRun score = refused(says, "score", "--model", model.toString(), "--data", outside.toString(), "--k", "2",
          "--out", dir.resolve("s.csv").toString());
      assertEquals(List.of("marginal: " + says), score.errLines());
      CliRun encode = refused(says, "encode", "--model", model.toString(), "--data", outside.toString(), "--out",
          codes.toString());
      assertEquals(score.errLines(), encode.errLines(), "encode says what score says");
      CliRun eval = refused(says, "eval", "--model", model.toString(), "--data", outside.toString(), "--k", "2");
      assertEquals(score.errLines(), eval.errLines(), "eval says what score says");
      assertFalse(Files.exists(codes), "no codes are written for refused data");
    }
  }

  /** A fit to standardized data reports its objectives in the data's units, as eval scores the model. */
  @Test
  void standardizedFitReportsObjectivesInDataUnits() throws IOException {
    Path train = wideCsv("wide.csv", 300, 1);
    Path held = wideCsv("held.csv", 100, 2);
    Path model = dir.resolve("wide.marginal");
    CliRun f = CliRun.of("fit", "--data", train.toString(), "--model", "lvm", "--standardize", "--hidden", "8",
        "--latent", "1", "--epochs", "3", "--validation", held.toString(), "--out", model.toString(), "--json");
    assertEquals(0, f.code(), f.toString());
    double validation = ((Number) dev.marginal.io.Json.parseObject(f.out()).get("validation_objective")).doubleValue();
    CliRun e = CliRun.of("eval", "--model", model.toString(), "--data", held.toString(), "--k", "5", "--json");
    assertEquals(0, e.code(), e.toString());
    double iwae5 = ((Number) dev.marginal.io.Json.parseObject(e.out()).get("iwae_5")).doubleValue();
    // The training estimator (IWAE-5) on the same rows, up to Monte Carlo error; standardized units would be
    // log(50 · 10) = 6.2 nats higher.
    assertEquals(iwae5, validation, 0.5, "validation_objective " + validation + ", eval iwae_5 " + iwae5);
  }

  /** Two correlated columns of sd about 50 and 10. */
  private Path wideCsv(String name, int rows, long seed) throws IOException {
    java.util.Random r = new java.util.Random(seed);
    StringBuilder sb = new StringBuilder("a,b\n");
    for (int i = 0; i < rows; i++) {
      double z = r.nextGaussian();
      sb.append(100 + 50 * z).append(',').append(-3 + 10 * (0.6 * z + 0.8 * r.nextGaussian())).append('\n');
    }
    Path p = dir.resolve(name);
    Files.writeString(p, sb.toString());
    return p;
  }

  @Test
  void scoreSettingsTheEstimatorWouldIgnoreAreRefused() {
    Path model = fit(1);
    Path out = dir.resolve("scores.csv");
    refused("marginal: --k applies to --estimator elbo or iwae, not sumo", "score", "--model", model.toString(),
        "--data", MOONS_TEST, "--estimator", "sumo", "--k", "20", "--out", out.toString());
    refused("marginal: --min-terms applies to --estimator sumo only", "score", "--model", model.toString(),
        "--data", MOONS_TEST, "--min-terms", "2", "--out", out.toString());
    assertTrue(!Files.exists(out), "nothing is written");
  }

  /** Runs a command that must be refused as a usage error (exit code 2) whose message contains {@code expected}. */
  private static CliRun refused(String expected, String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains(expected), r.err());
    return r;
  }

  @Test
  void aTiedGaussianDecoderFitsScoresSamplesAndIsRecorded() throws IOException {
    Path model = fit(2, "--decoder", "gaussian-tied", "--objective", "iwae", "--k", "5");
    CliRun i = CliRun.of("info", "--model", model.toString());
    assertEquals(0, i.code(), i.toString());
    assertTrue(i.out().contains("gaussian-tied decoder [2, 16, 2]"), i.out());
    CliRun ij = CliRun.of("info", "--model", model.toString(), "--json");
    assertEquals(0, ij.code(), ij.toString());
    List<?> noiseSd = (List<?>) dev.marginal.io.Json.parseObject(ij.out().strip()).get("noise_sd");
    assertEquals(2, noiseSd.size(), ij.out());
    noiseSd.forEach(v -> assertTrue(((Number) v).doubleValue() > 0, "a positive noise sd, got " + v));
    Path scores = dir.resolve("tied.csv");
    CliRun s = CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--estimator", "iwae",
        "--k", "20", "--repeats", "2", "--out", scores.toString());
    assertEquals(0, s.code(), s.toString());
    CliRun.csvRows(scores).forEach(r -> assertTrue(Double.isFinite(r[0]) && r[1] > 0, "finite with an error bar"));
    Path samples = dir.resolve("tied-samples.csv");
    assertEquals(0, CliRun.of("sample", "--model", model.toString(), "--n", "25", "--out", samples.toString())
        .code());
    assertEquals(25, CliRun.csvRows(samples).size());
    refused("applies to --decoder bernoulli only", "fit", "--data", MOONS, "--model", "lvm", "--decoder",
        "gaussian-tied", "--binarize", "threshold", "--out", dir.resolve("b.marginal").toString());
    refused("gaussian-tied", "fit", "--data", MOONS, "--model", "lvm", "--decoder", "gaussian_tied",
        "--out", dir.resolve("u.marginal").toString());
  }

  @Test
  void oneRepeatSaysWhyItsStdErrIsNaN() throws IOException {
    Path model = fit(1);
    Path scores = dir.resolve("one.csv");
    CliRun s = CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--estimator", "iwae",
        "--k", "10", "--out", scores.toString());
    assertEquals(0, s.code(), s.toString());
    CliRun.csvRows(scores).forEach(r -> assertTrue(Double.isNaN(r[1]), "no spread from one estimate"));
    assertTrue(s.err().contains("note: std_err is NaN in " + scores + ": one iwae-10 estimate per row"), s.err());
    assertEquals(1, s.err().lines().filter(l -> l.startsWith("note:")).count(), s.err());
    CliRun q = CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--estimator", "iwae",
        "--k", "10", "--quiet", "--out", dir.resolve("q.csv").toString());
    assertEquals(0, q.code(), q.toString());
    assertTrue(!q.err().contains("note:"), q.err());
    CliRun r = CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--estimator", "iwae",
        "--k", "10", "--repeats", "2", "--out", dir.resolve("r.csv").toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(!r.err().contains("note:"), r.err());
  }

  @Test
  void warmUpIsRecordedInTheModelsProvenance() throws IOException {
    Path model = fit(2, "--warmup", "1");
    CliRun i = CliRun.of("info", "--model", model.toString(), "--json");
    assertEquals(0, i.code(), i.toString());
    // The library's name for the setting, as a model fitted from Java records it.
    java.util.Map<?, ?> provenance = (java.util.Map<?, ?>) dev.marginal.io.Json.parseObject(i.out().strip())
        .get("provenance");
    assertEquals(1L, ((java.util.Map<?, ?>) provenance.get("options")).get("warmupEpochs"), i.out());
  }

  /**
   * A floor of 0 (a cosine decay down to zero) is a run like any other, for {@code fit} as for {@code target}; both
   * refuse values outside [0, 1] in one line naming the option.
   */
  @Test
  void lrFloorZeroFitsAndBothCommandsRefuseTheSameRange() throws IOException {
    Path model = fit(2, "--lr-floor", "0");
    CliRun i = CliRun.of("info", "--model", model.toString(), "--json");
    assertEquals(0, i.code(), i.toString());
    java.util.Map<?, ?> provenance = (java.util.Map<?, ?>) dev.marginal.io.Json.parseObject(i.out().strip())
        .get("provenance");
    assertEquals(0.0, ((Number) ((java.util.Map<?, ?>) provenance.get("options")).get("lrFloor")).doubleValue(),
        i.out());
    for (String bad : List.of("-0.1", "1.5")) {
      CliRun f = refused("--lr-floor must be in [0, 1], got " + bad, "fit", "--data", MOONS, "--model", "lvm",
          "--lr-floor", bad, "--out", dir.resolve("f.marginal").toString());
      assertEquals(1, f.errLines().size(), f.toString());
      CliRun t = refused("--lr-floor must be in [0, 1], got " + bad, "target", "--target", "u1", "--iters", "5",
          "--lr-floor", bad, "--out", dir.resolve("t.marginal").toString());
      assertEquals(1, t.errLines().size(), t.toString());
    }
  }

  private static long steps(Path ckpt) throws IOException {
    Object training = ModelFile.read(ckpt).provenance().get("training");
    return ((Number) ((java.util.Map<?, ?>) training).get("step")).longValue();
  }
}
