package dev.marginal.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.DataParallelFit;
import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.density.Models;
import dev.marginal.density.PpcaDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GmmOptions;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.spark.ml.MarginalLvm;
import dev.marginal.train.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/** The spark-submit entry point, run with the README's own arguments. */
class SparkMainTest {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = TestSparkSessions.session("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The arguments after {@code $J} of each README line that runs {@code SparkMain}, /tmp/ moved to {@code dir}. */
  private List<String[]> readmeCommands() throws Exception {
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
      int at = line.indexOf("SparkMain $J ");
      if (at >= 0) {
        out.add(split(line.substring(at + "SparkMain $J ".length()).replace("/tmp/", dir + "/")));
      }
    }
    return out;
  }

  /** Splits on spaces, keeping single-quoted words whole (as the shell does for these lines). */
  private static String[] split(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    for (char c : s.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
      } else if (c == ' ' && !quoted) {
        if (w.length() > 0) {
          words.add(w.toString());
          w.setLength(0);
        }
      } else {
        w.append(c);
      }
    }
    if (w.length() > 0) {
      words.add(w.toString());
    }
    return words.toArray(new String[0]);
  }

  @Test
  void readmeExampleFitsAndScoresAsTheCommandDoes() throws Exception {
    List<String[]> commands = readmeCommands();
    assertEquals(3, commands.size(), "the README shows a fit, a score and a deep LVM fit");
    for (String[] args : commands) {
      SparkMain.run(spark, args);
    }
    Dataset data = DataSources.load("toy:moons?n=2000");
    GmmDensityModel reference = GmmDensityModel.fit(data, GmmOptions.of(8), false).model();
    DensityModel written = Models.read(dir.resolve("moons.marginal"));
    assertArrayEquals(reference.mixture().weights(), ((GmmDensityModel) written).mixture().weights(), 0);
    double[] expected = reference.logDensity(data, DensityModel.ScoreOptions.exact(), null).value();
    double[] actual = new double[expected.length];
    List<Row> rows = spark.read().parquet(dir.resolve("moons-scores.parquet").toString()).collectAsList();
    assertEquals(expected.length, rows.size());
    for (Row r : rows) {
      actual[(int) r.getLong(0)] = r.getDouble(1);
    }
    assertArrayEquals(expected, actual, 0);
    // The deep LVM: 4 shards, 20 local steps a round, as the README line says, equals the in-process run.
    DeepLvm lvm = DataParallelFit.fit(data, 4, new MarginalLvm().setHidden(new int[] {32, 32}).setEpochs(2).options(),
        20, Progress.silent()).model().model();
    DeepLvm writtenLvm = ((LvmDensityModel) Models.read(dir.resolve("moons-lvm.marginal"))).model();
    for (int i = 0; i < lvm.parameters().size(); i++) {
      assertArrayEquals(lvm.parameters().get(i).value().toArray(), writtenLvm.parameters().get(i).value().toArray(), 0f);
    }
    String eval = SparkMain.run(spark, new String[] {"eval", "--model", dir.resolve("moons.marginal").toString(),
        "--data", "toy:moons?n=2000"});
    assertTrue(eval.startsWith("{\"rows\":2000,") && eval.contains("\"nll\""), eval);
    assertEquals(-1, eval.indexOf('\n'), "one JSON object on one line, as docs/json.md says of --json: " + eval);
  }

  @Test
  void badArgumentsAreOneLineErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkMain.run(spark, new String[] {"score", "--model"}));
    assertEquals("expected --option value pairs, got '--model' without a value", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SparkMain.run(spark, new String[] {"sample"}));
    assertTrue(e.getMessage().startsWith("unknown verb 'sample'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SparkMain.run(spark,
        new String[] {"fit", "--kind", "vae", "--data", "toy:moons?n=10", "--out", "x"}));
    assertTrue(e.getMessage().contains("gmm, ppca or lvm"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SparkMain.run(spark,
        new String[] {"fit", "--kind", "lvm", "--data", "toy:moons?n=10", "--shards", "11", "--out", "x"}));
    assertTrue(e.getMessage().contains("cannot fill 11 shards"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SparkMain.run(spark,
        new String[] {"eval", "--model", "m", "--data", "rows.parquet", "--limit", "5"}));
    assertEquals("--limit applies to toy: and fashion-mnist: data only", e.getMessage());
  }

  /** {@code SparkMain.run}'s one-line refusal of {@code args}, with an {@code --out x} moved into {@code dir}. */
  private String refusal(String... args) {
    for (int i = 1; i < args.length; i++) {
      if (args[i - 1].equals("--out") && args[i].equals("x")) {
        args[i] = dir.resolve("x").toString();
      }
    }
    return assertThrows(IllegalArgumentException.class, () -> SparkMain.run(spark, args)).getMessage();
  }

  @Test
  void unknownOptionsAndOptionsOfAnotherKindOrVerbAreRefused() {
    String gmm = dir.resolve("gmm.marginal").toString();
    SparkMain.run(spark, new String[] {"fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", gmm});
    assertEquals("unknown option '--componets'; did you mean --components?",
        refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--componets", "8", "--out", "x"));
    assertEquals("unknown option '--bogus'",
        refusal("eval", "--model", gmm, "--data", "toy:moons?n=50", "--bogus", "1"));
    assertEquals("--components applies to --kind gmm only",
        refusal("fit", "--kind", "lvm", "--data", "toy:moons?n=50", "--components", "3", "--out", "x"));
    assertEquals("--hidden applies to --kind lvm only",
        refusal("fit", "--kind", "ppca", "--data", "toy:moons?n=50", "--hidden", "8", "--out", "x"));
    assertEquals("--latent applies to --kind ppca or lvm, not gmm",
        refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--latent", "1", "--out", "x"));
    assertEquals("--k applies to --objective elbo or iwae, not sumo", refusal("fit", "--kind", "lvm", "--data",
        "toy:moons?n=50", "--objective", "sumo", "--k", "5", "--out", "x"));
    assertEquals("--k applies to lvm models; the log-likelihood of a gmm model is exact",
        refusal("eval", "--model", gmm, "--data", "toy:moons?n=50", "--k", "50"));
    assertEquals("--repeats applies to lvm models; the log-likelihood of a gmm model is exact",
        refusal("score", "--model", gmm, "--data", "toy:moons?n=50", "--repeats", "2", "--out", "x"));
    assertEquals("--out does not apply to eval", refusal("eval", "--model", gmm, "--data", "toy:moons?n=50",
        "--out", "x"));
    assertEquals("--estimator does not apply to encode", refusal("encode", "--model", gmm, "--data", "toy:moons?n=50",
        "--estimator", "exact", "--out", "x"));
    assertEquals("--components given twice", refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50",
        "--components", "2", "--components", "3", "--out", "x"));
  }

  @Test
  void latentIsTheCliNameAndLatentDimItsOlderAlias() throws Exception {
    for (String name : new String[] {"--latent", "--latent-dim"}) {
      Path out = dir.resolve(name.substring(2) + ".marginal");
      SparkMain.run(spark, new String[] {"fit", "--kind", "ppca", "--data", "toy:moons?n=50", name, "1", "--out",
          out.toString()});
      assertEquals(1, ((PpcaDensityModel) Models.read(out)).ppca().latentDim(), name);
    }
    assertEquals("--latent given twice (as --latent-dim)", refusal("fit", "--kind", "ppca", "--data",
        "toy:moons?n=50", "--latent", "1", "--latent-dim", "1", "--out", "x"));
  }

  @Test
  void missingInputsAndExistingOutputsAreOneLineErrors() throws Exception {
    assertEquals("fashion-mnist: unknown split 'val' (expected train or test)",
        refusal("fit", "--kind", "gmm", "--data", "fashion-mnist:val", "--out", "x"));
    String missing = dir.resolve("missing.parquet").toString();
    assertEquals("--data " + missing + " does not exist", refusal("fit", "--kind", "gmm", "--data", missing,
        "--out", "x"));
    String model = dir.resolve("missing.marginal").toString();
    assertEquals("--model " + model + " does not exist", refusal("eval", "--model", model, "--data", "toy:moons?n=50"));
    assertEquals("--model " + model + " does not exist", refusal("encode", "--model", model, "--data",
        "toy:moons?n=50", "--out", "x"));
    String gmm = dir.resolve("gmm.marginal").toString();
    SparkMain.run(spark, new String[] {"fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", gmm});
    Path scores = Files.createDirectories(dir.resolve("scores.parquet"));
    Files.writeString(scores.resolve("kept"), "not replaced");
    assertEquals("--out " + scores + " exists and is not replaced",
        refusal("score", "--model", gmm, "--data", "toy:moons?n=50", "--out", scores.toString()));
    assertEquals("not replaced", Files.readString(scores.resolve("kept")));
  }

  @Test
  void fitRefusesAnExistingOutputBeforeTraining() throws Exception {
    Path existing = Files.writeString(dir.resolve("existing.marginal"), "not replaced");
    // 11 shards of 10 rows would fail in training: the refusal of --out comes first.
    assertEquals("--out " + existing + " exists and is not replaced", refusal("fit", "--kind", "lvm", "--data",
        "toy:moons?n=10", "--shards", "11", "--out", existing.toString()));
    assertEquals("--out " + existing + " exists and is not replaced",
        refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", existing.toString()));
    assertEquals("not replaced", Files.readString(existing));
  }

  /** As the CLI's {@code fit --model gmm}: whether EM converged and its iterations, a warning when it did not. */
  @Test
  void gmmFitReportsConvergenceAndWarnsWhenStoppedAtMaxIter() {
    for (String maxIter : List.of("1", "200")) {
      String out = dir.resolve("gmm" + maxIter + ".marginal").toString();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      String report = SparkMain.run(spark, new String[] {"fit", "--kind", "gmm", "--data", "toy:moons?n=100",
          "--components", "2", "--max-iter", maxIter, "--out", out}, new java.io.PrintStream(err, true));
      Map<String, Object> provenance = assertDoesNotThrow(() -> dev.marginal.io.ModelFile.read(Path.of(out)))
          .provenance();
      assertEquals("wrote gmm model " + out + ": converged " + provenance.get("converged") + ", iterations "
          + provenance.get("iterations"), report);
      if (maxIter.equals("1")) {
        assertEquals("wrote gmm model " + out + ": converged false, iterations 1", report);
        assertEquals("marginal-spark: warning: EM stopped at --max-iter 1 before its mean log-likelihood changed by "
            + "less than --tol 0.001 in an iteration: the fit may not have converged; raise --max-iter\n",
            err.toString());
      } else {
        assertTrue(report.contains(": converged true, iterations "), report);
        assertEquals("", err.toString(), "no warning for a converged fit");
      }
    }
  }

  /**
   * As the CLI's {@code fit --model lvm}: a Gaussian decoder of columns far from unit scale is warned of, naming
   * {@code --standardize}, which fits standardized columns and scores in the data's units.
   */
  @Test
  void lvmFitWarnsOfTheColumnsScaleAndStandardizes() throws Exception {
    String[] fit = {"fit", "--kind", "lvm", "--data", "toy:funnel?n=5000", "--hidden", "4", "--epochs", "1",
        "--shards", "2", "--round-steps", "50"};
    String asGiven = dir.resolve("funnel.marginal").toString();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    SparkMain.run(spark, concat(fit, "--out", asGiven), new java.io.PrintStream(err, true));
    assertTrue(err.toString().startsWith("marginal-spark: warning: spark: standard deviation "
        + "outside 0.5 to 6 in column 'x0' (7."), err.toString());
    assertTrue(err.toString().endsWith("--standardize fits standardized columns (the scores stay in the data's "
        + "units)\n"), err.toString());
    assertEquals(null, ((LvmDensityModel) Models.read(Path.of(asGiven))).standardizer());

    String standardized = dir.resolve("funnel-z.marginal").toString();
    err.reset();
    SparkMain.run(spark, concat(fit, "--out", standardized, "--standardize", "true"),
        new java.io.PrintStream(err, true));
    assertEquals("", err.toString());
    LvmDensityModel z = (LvmDensityModel) Models.read(Path.of(standardized));
    Dataset funnel = DataSources.load("toy:funnel?n=5000");
    assertEquals(dev.marginal.data.Standardizer.fit(funnel).sd()[0], z.standardizer().sd()[0],
        1e-9 * z.standardizer().sd()[0]);
    assertEquals(true, ModelFile.read(Path.of(standardized)).provenance().get("options") instanceof Map<?, ?> m
        && Boolean.TRUE.equals(m.get("standardize")));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkMain.run(spark,
        concat(fit, "--out", dir.resolve("x.marginal").toString(), "--standardize", "yes")));
    assertEquals("--standardize must be true or false, got 'yes'", e.getMessage());
    // The exact models standardize too, as the CLI's fit --standardize does.
    for (String kind : List.of("gmm", "ppca")) {
      String out = dir.resolve(kind + "-z.marginal").toString();
      String[] args = {"fit", "--kind", kind, "--data", "toy:funnel?n=3000", "--out", out, "--standardize", "true"};
      SparkMain.run(spark, kind.equals("gmm") ? args : concat(args, "--latent", "1"));
      DensityModel m = Models.read(Path.of(out));
      Dataset data = DataSources.load("toy:funnel?n=3000");
      DensityModel reference = kind.equals("gmm") ? GmmDensityModel.fit(data, GmmOptions.of(1), true).model()
          : PpcaDensityModel.fit(data, 1, true).model();
      assertArrayEquals(reference.logDensity(data.head(10), DensityModel.ScoreOptions.exact(), null).value(),
          m.logDensity(data.head(10), DensityModel.ScoreOptions.exact(), null).value(), 0, kind);
    }
  }

  /** fit --kind lvm --checkpoint-rounds R writes OUT.ckpt; --resume continues that run to the same model. */
  @Test
  void anLvmFitResumesFromItsCheckpoint() throws Exception {
    String[] fit = {"fit", "--kind", "lvm", "--data", "toy:moons?n=300", "--hidden", "4", "--epochs", "2",
        "--shards", "2", "--round-steps", "4"};
    String whole = dir.resolve("whole.marginal").toString();
    SparkMain.run(spark, concat(fit, "--out", whole, "--checkpoint-rounds", "2"));
    Path checkpoint = Path.of(whole + ".ckpt");
    assertTrue(Files.exists(checkpoint), "the checkpoint stays beside the model");
    String resumed = dir.resolve("resumed.marginal").toString();
    SparkMain.run(spark, concat(fit, "--out", resumed, "--resume", checkpoint.toString()));
    DeepLvm a = ((LvmDensityModel) Models.read(Path.of(whole))).model();
    DeepLvm b = ((LvmDensityModel) Models.read(Path.of(resumed))).model();
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i).value().toArray(), b.parameters().get(i).value().toArray(), 0f);
    }
    assertEquals("--checkpoint-rounds must be >= 1, got 0", refusal(concat(fit, "--out", "x", "--checkpoint-rounds",
        "0")));
    assertEquals("--resume " + dir.resolve("none") + " does not exist", refusal(concat(fit, "--out", "x", "--resume",
        dir.resolve("none").toString())));
    // A checkpoint left beside --out is not replaced by a run that does not resume it.
    long before = Files.size(checkpoint);
    String again = dir.resolve("again.marginal").toString();
    Files.copy(checkpoint, Path.of(again + ".ckpt"));
    assertEquals(again + ".ckpt holds the checkpoint of an earlier run, which this run would replace; resume it with "
        + "--resume " + again + ".ckpt or remove it to start afresh", refusal(concat(fit, "--out", again,
        "--checkpoint-rounds", "2")));
    assertEquals(before, Files.size(Path.of(again + ".ckpt")));
    SparkMain.run(spark, concat(fit, "--out", again, "--checkpoint-rounds", "2", "--resume", again + ".ckpt"));
    assertTrue(Files.exists(Path.of(again)));
    String refused = refusal(concat(fit, "--out", "x", "--resume", checkpoint.toString(), "--seed", "3"));
    assertTrue(refused.startsWith("the checkpoint is of a different run: --seed 3 (the checkpoint's run had 0)"),
        refused);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void encodeWritesTheCodesOfEachRow() throws Exception {
    // SparkMain's encode asks the stage for encodings alone (logPxCol empty); that such a stage estimates no log p(x)
    // is MarginalDensityModelTest's encodingAloneEstimatesNoLogDensity. Here: the codes, and nothing else, per id.
    StringBuilder csv = new StringBuilder("id,a,b\n");
    for (int i = 0; i < 50; i++) {
      csv.append(i).append(',').append((i % 7) / 7.0).append(',').append((i % 5) / 5.0).append('\n');
    }
    Path input = Files.writeString(dir.resolve("unit.csv"), csv);
    Dataset data = DataSources.load(input.toString(), List.of("a", "b"), Integer.MAX_VALUE);
    LvmDensityModel lvm = new LvmDensityModel(DeepLvm.create(new DeepLvm.Config(2, 1, new int[] {8},
        Activation.TANH, DeepLvm.Decoder.BERNOULLI), RngKey.of(1), null), data.columns(), null);
    Path model = dir.resolve("bernoulli.marginal");
    lvm.toFile(Map.of()).write(model);
    Path out = dir.resolve("encoded.parquet");
    SparkMain.run(spark, new String[] {"encode", "--model", model.toString(), "--data", input.toString(),
        "--columns", "a,b", "--out", out.toString()});
    Dataset expected = lvm.encode(data);
    List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
    assertEquals(List.of("id", "encoded"), List.of(spark.read().parquet(out.toString()).columns()));
    assertEquals(50, rows.size());
    for (Row r : rows) {
      List<Double> z = r.getList(1);
      for (int j = 0; j < expected.cols(); j++) {
        assertEquals(expected.get(((Number) r.get(0)).intValue(), j), z.get(j).floatValue(), 0);
      }
    }
  }

  @Test
  void integerOptionsOutsideTheIntRangeAreRefusedNotWrapped() {
    assertEquals("--components must be an integer from -2147483648 to 2147483647, got 4294967297",
        refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--components", "4294967297", "--out", "x"));
    assertEquals("--limit must be an integer from -2147483648 to 2147483647, got 4294967301",
        refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--limit", "4294967301", "--out", "x"));
  }

  /** As on the command line: a number a double rounds to zero is refused, not taken as 0. */
  @Test
  void aNumberTooSmallForADoubleIsRefused() {
    assertEquals("--tol '1e-400' is too small for a double, which rounds it to 0",
        refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--tol", "1e-400", "--out", "x"));
    assertEquals("--reg-covar '5E-999' is too small for a double, which rounds it to 0",
        refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--reg-covar", "5E-999", "--out", "x"));
  }

  /** --features-col on a built-in data set, whose columns are named, is refused rather than ignored. */
  @Test
  void featuresColOfABuiltInDataSetIsRefused() {
    assertEquals("--features-col applies to Parquet or CSV data; the columns of toy:moons?n=50 are named (--columns)",
        refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--features-col", "features", "--out",
            dir.resolve("zz.marginal").toString()));
    String gmm = dir.resolve("gmm.marginal").toString();
    SparkMain.run(spark, new String[] {"fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", gmm});
    assertEquals("--features-col applies to Parquet or CSV data; the columns of toy:moons?n=50 are named (--columns)",
        refusal("eval", "--model", gmm, "--data", "toy:moons?n=50", "--features-col", "v"));
  }

  /** A value out of its range is refused naming the option given (--lr), not the stage parameter (learningRate). */
  @Test
  void outOfRangeValuesAreRefusedNamingTheOption() throws Exception {
    Path lvm = dir.resolve("lvm.marginal");
    new LvmDensityModel(DeepLvm.create(new DeepLvm.Config(2, 1, new int[] {4}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN), RngKey.of(1), null), List.of("x0", "x1"), null).toFile(Map.of()).write(lvm);
    String[] gmm = {"fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", "x"};
    String[] ppca = {"fit", "--kind", "ppca", "--data", "toy:moons?n=50", "--out", "x"};
    String[] fitLvm = {"fit", "--kind", "lvm", "--data", "toy:moons?n=50", "--out", "x"};
    String[] eval = {"eval", "--model", lvm.toString(), "--data", "toy:moons?n=50"};
    String[] score = {"score", "--model", lvm.toString(), "--data", "toy:moons?n=50", "--out", "x"};
    Map<String, String[]> cases = new java.util.LinkedHashMap<>();
    cases.put("--components must be >= 1, got 0", with(gmm, "--components", "0"));
    cases.put("--n-init must be >= 1, got 0", with(gmm, "--n-init", "0"));
    cases.put("--max-iter must be >= 1, got 0", with(gmm, "--max-iter", "0"));
    cases.put("--tol must be finite and >= 0, got -1.0", with(gmm, "--tol", "-1"));
    cases.put("--reg-covar must be finite and >= 0, got NaN", with(gmm, "--reg-covar", "NaN"));
    cases.put("--covariance must be full, diag or spherical, got 'tied'", with(gmm, "--covariance", "tied"));
    cases.put("--latent must be >= 1, got 0", with(ppca, "--latent", "0"));
    cases.put("--latent must be >= 0, got -1", with(fitLvm, "--latent", "-1"));
    cases.put("--hidden sizes must be >= 1, got [8, 0]", with(fitLvm, "--hidden", "8,0"));
    cases.put("--k must be >= 1, got 0", with(fitLvm, "--k", "0"));
    cases.put("--batch must be >= 1, got 0", with(fitLvm, "--batch", "0"));
    cases.put("--lr must be > 0 and within float32's range (1.17549435E-38 to 3.4028235E38: training runs in float32), got 0.0", with(fitLvm, "--lr", "0"));
    cases.put("--lr must be > 0 and within float32's range (1.17549435E-38 to 3.4028235E38: training runs in float32), got 1.0E-50", with(fitLvm, "--lr", "1e-50"));
    cases.put("--epochs must be >= 1, got 0", with(fitLvm, "--epochs", "0"));
    cases.put("--shards must be >= 1, got 0", with(fitLvm, "--shards", "0"));
    cases.put("--round-steps must be >= 1, got -3", with(fitLvm, "--round-steps", "-3"));
    cases.put("--limit must be at least 1, got 0", with(eval, "--limit", "0"));
    cases.put("--repeats must be >= 1, got 0", with(eval, "--repeats", "0"));
    cases.put("--min-terms must be >= 1, got 0", with(eval, "--estimator", "sumo", "--min-terms", "0"));
    cases.put("--estimator must be auto, exact, elbo, iwae or sumo, got 'ais'", with(eval, "--estimator", "ais"));
    for (Map.Entry<String, String[]> c : cases.entrySet()) {
      assertEquals(c.getKey(), refusal(c.getValue()), String.join(" ", c.getValue()));
    }
    // The same value on score, where --k is the estimator's K rather than the objective's.
    assertEquals("--k must be >= 1, got 0", refusal(with(score, "--k", "0")));
    assertTrue(Files.notExists(dir.resolve("x")), "a refused fit or score writes nothing");
  }

  /** {@code args} followed by {@code more}. */
  private static String[] with(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  @Test
  void decoderRefusalListsEveryNameTheEstimatorTakes() {
    assertEquals("--decoder must be bernoulli, gaussian, gaussian-tied or auto, got 'beta'",
        refusal("fit", "--kind", "lvm", "--data", "toy:moons?n=50", "--decoder", "beta", "--out", "x"));
    for (String decoder : new String[] {"bernoulli", "gaussian", "gaussian-tied", "auto"}) {
      assertDoesNotThrow(() -> new MarginalLvm().setDecoder(decoder).options(), decoder);
    }
  }

  @Test
  void aBadRowIsItsOwnOneLineErrorNotATaskFailure() {
    String gmm = dir.resolve("gmm.marginal").toString();
    SparkMain.run(spark, new String[] {"fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", gmm});
    String bad = dir.resolve("bad.parquet").toString();
    StructType schema = new StructType().add("id", DataTypes.LongType).add("x0", DataTypes.DoubleType)
        .add("x1", DataTypes.DoubleType);
    spark.createDataFrame(List.of(RowFactory.create(3L, 0.5, 0.5), RowFactory.create(-1L, 0.0, 1.0)), schema)
        .write().parquet(bad);
    String message = "id column 'id' has a negative id -1";
    assertEquals(message, refusal("eval", "--model", gmm, "--data", bad, "--columns", "x0,x1"));
    assertEquals(message, refusal("score", "--model", gmm, "--data", bad, "--columns", "x0,x1", "--out",
        dir.resolve("s").toString()));
    assertEquals(message, refusal("fit", "--kind", "gmm", "--data", bad, "--columns", "x0,x1", "--out",
        dir.resolve("m").toString()));
  }

  /** Rows with ids 0..2047 and then {@code last}, as Parquet with columns id, x0 and x1. */
  private String idsAcrossAChunkBoundary(String name, long last) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 2049; i++) {
      rows.add(RowFactory.create(i < 2048 ? (long) i : last, (double) (i % 7), (double) ((i * 3) % 11)));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType).add("x0", DataTypes.DoubleType)
        .add("x1", DataTypes.DoubleType);
    String path = dir.resolve(name).toString();
    spark.createDataFrame(rows, schema).repartition(2).write().parquet(path);
    return path;
  }

  @Test
  void aRepeatedIdInTwoChunksIsRefused() throws Exception {
    String repeated = idsAcrossAChunkBoundary("repeated.parquet", 2047);
    String distinct = idsAcrossAChunkBoundary("distinct.parquet", 2048);
    for (String kind : List.of("gmm", "ppca", "lvm")) {
      assertEquals("id 2047 appears more than once; ids must be unique", refusal(with(new String[] {"fit", "--kind",
          kind, "--data", repeated, "--columns", "x0,x1", "--out", "x"}, kind.equals("gmm") ? new String[0]
          : new String[] {"--latent", "1"})), kind);
    }
    for (String kind : List.of("gmm", "ppca")) {
      String out = dir.resolve(kind + ".marginal").toString();
      SparkMain.run(spark, with(new String[] {"fit", "--kind", kind, "--data", distinct, "--columns", "x0,x1",
          "--out", out}, kind.equals("gmm") ? new String[0] : new String[] {"--latent", "1"}));
      assertEquals(2049L, ((Number) ModelFile.read(Path.of(out)).provenance().get("rows")).longValue(), kind);
    }
  }

  @Test
  void dataThatIsNotParquetIsAOneLineError() throws Exception {
    String gmm = dir.resolve("gmm.marginal").toString();
    SparkMain.run(spark, new String[] {"fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", gmm});
    String text = Files.writeString(dir.resolve("some.txt"), "id,x0,x1\n1,0.5,0.5\n").toString();
    for (String data : List.of(gmm, text)) {
      String message = refusal("eval", "--model", gmm, "--data", data, "--columns", "x0,x1");
      assertTrue(message.startsWith("--data " + data + ": not a Parquet file ("), message);
      assertEquals(1, message.lines().count(), message);
      assertEquals(message, refusal("fit", "--kind", "gmm", "--data", data, "--out", "x"));
    }
  }

  @Test
  void columnsAndFeaturesColTogetherAreRefused() {
    String gmm = dir.resolve("gmm.marginal").toString();
    SparkMain.run(spark, new String[] {"fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", gmm});
    String message = "--columns and --features-col cannot both be given";
    assertEquals(message, refusal("score", "--model", gmm, "--data", "toy:moons?n=50", "--columns", "x0,x1",
        "--features-col", "zz", "--out", "x"));
    assertEquals(message, refusal("eval", "--model", gmm, "--data", "toy:moons?n=50", "--features-col", "zz",
        "--columns", "x0,x1"));
    assertEquals(message, refusal("fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--columns", "x0,x1",
        "--features-col", "zz", "--out", "x"));
    assertEquals(message, refusal("encode", "--model", gmm, "--data", "toy:moons?n=50", "--columns", "x0,x1",
        "--features-col", "zz", "--out", "x"));
  }

  @Test
  void spacesAroundColumnNamesAreDropped() {
    String gmm = dir.resolve("gmm.marginal").toString();
    SparkMain.run(spark, new String[] {"fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", gmm});
    assertEquals(SparkMain.run(spark, new String[] {"eval", "--model", gmm, "--data", "toy:moons?n=50"}),
        SparkMain.run(spark, new String[] {"eval", "--model", gmm, "--data", "toy:moons?n=50", "--columns",
            "x0, x1 "}));
  }

  @Test
  void scoreScoresEachRowOnce() throws Exception {
    String gmm = dir.resolve("gmm.marginal").toString();
    SparkMain.run(spark, new String[] {"fit", "--kind", "gmm", "--data", "toy:moons?n=50", "--out", gmm});
    // Stages that run the scoring (Spark's MapPartitions operator): the write's, and no second one to count rows.
    AtomicInteger scoring = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onStageCompleted(SparkListenerStageCompleted stage) {
        for (RDDInfo rdd : JavaConverters.seqAsJavaList(stage.stageInfo().rddInfos())) {
          if (rdd.scope().isDefined() && rdd.scope().get().name().equals("MapPartitions")) {
            scoring.incrementAndGet();
            return;
          }
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      assertEquals("wrote scores of 50 rows to " + dir.resolve("scores.parquet"), SparkMain.run(spark,
          new String[] {"score", "--model", gmm, "--data", "toy:moons?n=50", "--out",
              dir.resolve("scores.parquet").toString()}));
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    assertEquals(1, scoring.get());
  }
}
