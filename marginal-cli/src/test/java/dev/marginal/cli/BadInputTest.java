package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.density.LvmDensityModel;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Support;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure is one line on standard error naming the source and the problem, with exit code 2 for bad input,
 * no stack trace, and the previous output file left as it was.
 */
class BadInputTest {
  private static final String OLD = "old contents\n";

  @TempDir Path dir;
  private Path model;
  private Path out;

  @BeforeEach
  void fitModelAndPlantOutput() throws IOException {
    model = dir.resolve("m.marginal");
    CliRun r = CliRun.of("fit", "--data", "toy:moons?n=100", "--model", "gmm", "--components", "2",
        "--out", model.toString());
    assertEquals(0, r.code(), r.toString());
    out = dir.resolve("out.csv");
    Files.writeString(out, OLD);
  }

  /** Runs the tool, expects exit 2, one line holding every {@code expected} part, and {@code out} untouched. */
  private void assertRejected(String[] args, String... expected) throws IOException {
    CliRun r = CliRun.of(args);
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("marginal: "), line);
    for (String part : expected) {
      assertTrue(line.contains(part), "'" + part + "' missing from: " + line);
    }
    assertTrue(line.chars().noneMatch(Character::isISOControl), line);
    assertFalse(line.contains("Exception") || line.contains("\tat "), line);
    assertEquals(OLD, Files.readString(out));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left");
    }
  }

  /** Column names quoted in a refusal are cut to 40 characters, so a file cannot flood the terminal with them. */
  @Test
  void longColumnNamesAreCutInTheMissingColumnsRefusal() throws IOException {
    String longName = "q".repeat(5000);
    Path flood = csv("flood.csv", "x0," + longName + "\n1,2\n");
    for (String command : new String[] {"score", "encode"}) {
      CliRun r = CliRun.of(command, "--model", model.toString(), "--data", flood.toString(), "--out", out.toString());
      assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
      String line = r.errLines().get(0);
      assertTrue(line.contains("lacks column x1 of the model"), line);
      assertTrue(line.contains("...(5000 characters)"), line);
      assertTrue(line.length() < 400, line.length() + " characters");
    }
  }

  private Path csv(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  private String[] score(Object data, String... more) {
    String[] base = {"score", "--model", model.toString(), "--data", data.toString(), "--out", out.toString()};
    String[] all = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void missingDataFile() throws IOException {
    Path missing = dir.resolve("absent.csv");
    assertRejected(score(missing), missing + ": no such file");
  }

  @Test
  void aDirectoryAsDataIsNamedAsOne() throws IOException {
    Path plain = Files.createDirectory(dir.resolve("plain"));
    assertRejected(score(plain), plain + ": is a directory");
    Path csvNamed = Files.createDirectory(dir.resolve("named.csv"));
    assertRejected(score(csvNamed), csvNamed + ": is a directory");
  }

  @Test
  void raggedCsvNamesFileAndLine() throws IOException {
    Path p = csv("ragged.csv", "x0,x1\n1,2\n3,4\n5\n");
    assertRejected(score(p), p + ":4:", "expected 2 values, found 1");
  }

  @Test
  void nanInFloatIdxDataNamesRowAndColumn() throws IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + 16);
    b.putInt(0x00000d02).putInt(2).putInt(2).putFloat(1).putFloat(2).putFloat(3).putFloat(Float.NaN);
    Path p = Files.write(dir.resolve("floats.idx"), b.array());
    assertRejected(score(p, "--columns", "px0,px1"), p + ": row 2, column 'px1': NaN is not allowed");
  }

  @Test
  void cutGzippedCsvSaysSo() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
      gz.write("x0,x1\n1,2\n3,4\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    byte[] whole = bytes.toByteArray();
    Path p = Files.write(dir.resolve("cut.csv.gz"), Arrays.copyOf(whole, whole.length - 6));
    assertRejected(score(p), p + ": truncated gzip stream");
  }

  @Test
  void nonNumericValueNamesFileLineAndColumn() throws IOException {
    Path p = csv("words.csv", "x0,x1\n1,2\n3,abc\n");
    assertRejected(score(p), p + ":3:", "'abc' is not a number");
  }

  @Test
  void nanIsRejected() throws IOException {
    Path p = csv("nan.csv", "x0,x1\nNaN,2\n");
    assertRejected(score(p), p + ":2:", "NaN");
  }

  @Test
  void emptyData() throws IOException {
    Path p = csv("empty.csv", "x0,x1\n");
    assertRejected(score(p), p + ": no data rows");
    Path modelOut = dir.resolve("new.marginal");
    assertRejected(new String[] {"fit", "--data", p.toString(), "--model", "gmm", "--out", modelOut.toString()},
        "no data rows");
    assertFalse(Files.exists(modelOut));
  }

  @Test
  void wrongDimensionNamesBothNumbers() throws IOException {
    Path p = csv("three.csv", "a,b,c\n1,2,3\n4,5,6\n");
    assertRejected(score(p, "--columns", "a,b,c"), p.toString(), "3 columns", "has 2 (x0, x1)");
    assertRejected(new String[] {"encode", "--model", model.toString(), "--data", p.toString(), "--out",
        out.toString(), "--columns", "c"}, "1 columns", "has 2");
  }

  @Test
  void invalidOptionValues() throws IOException {
    assertRejected(score("toy:moons", "--k", "0"), "--k must be >= 1, got 0");
    assertRejected(score("toy:moons", "--repeats", "-2"), "--repeats");
    assertRejected(score("toy:moons", "--estimator", "magic"), "unknown estimator 'magic'");
    assertRejected(score("toy:moons", "--estimator", "sumo"), "exact log density");
    assertRejected(score("toy:moons", "--k", "many"), "'many' is not an int");
    assertRejected(new String[] {"sample", "--model", model.toString(), "--n", "-5", "--out", out.toString()},
        "--n must be >= 1, got -5");
    Path m2 = dir.resolve("m2.marginal");
    assertRejected(fit("--components", "0"), "--components must be >= 1, got 0");
    assertRejected(fit("--n-init", "-1"), "--n-init");
    assertRejected(fit("--limit", "0"), "--limit must be >= 1");
    assertRejected(fit("--covariance", "banana"), "unknown covariance type 'banana'");
    assertRejected(fit("--reg-covar", "-1"), "--reg-covar");
    // A number quoted back is the one typed, not Java's rewriting of it (-1.0E-9).
    assertRejected(fit("--reg-covar", "-1e-9"), "--reg-covar must be a finite number >= 0, got -1e-9");
    assertRejected(fit("--hidden", "200,-3"), "--hidden applies to --model lvm only");
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "flow", "--out", m2.toString()},
        "unknown model 'flow'", "gmm, ppca, lvm");
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "lvm", "--hidden", "0",
        "--out", m2.toString()}, "--hidden must be >= 1, got 0");
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "lvm", "--objective", "vae",
        "--out", m2.toString()}, "--objective", "'vae'");
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "lvm", "--activation", "sigmoid",
        "--out", m2.toString()}, "--activation: unknown value 'sigmoid' (expected tanh, relu, softplus)");
    assertRejected(new String[] {"target", "--target", "u1", "--objective", "vae", "--out", m2.toString()},
        "--objective: unknown value 'vae' (expected elbo, iwae, sumo)");
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "ppca", "--latent", "2",
        "--out", m2.toString()}, "--latent 2 must be less than the data dimension 2");
    assertRejected(new String[] {"fit", "--data", "toy:moons?n=2", "--model", "gmm", "--components", "3",
        "--out", m2.toString()}, "toy:moons?n=2&seed=0: need at least 3 points, one per component (--components 3),"
        + " got 2");
    // Without --latent, the default is named as such; one column cannot have a smaller latent dimension at all.
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "ppca", "--out", m2.toString()},
        "the default --latent 2 must be less than the data dimension 2", "give a smaller --latent");
    Path oneColumn = Files.writeString(dir.resolve("one.csv"), "a\n1\n2\n3\n");
    assertRejected(new String[] {"fit", "--data", oneColumn.toString(), "--model", "ppca", "--out", m2.toString()},
        oneColumn + ": ppca needs at least 2 columns");
    // The fits' own parameter names come out as options.
    Path constant = Files.writeString(dir.resolve("const.csv"), "a,b\n1,5\n2,5\n3,5\n4,5\n");
    assertRejected(new String[] {"fit", "--data", constant.toString(), "--model", "ppca", "--latent", "1",
        "--out", m2.toString()}, "rank <= --latent", "use a smaller --latent");
    assertRejected(new String[] {"fit", "--data", "toy:nothing", "--model", "gmm", "--out", m2.toString()},
        "toy:nothing: unknown toy dataset");
    assertFalse(Files.exists(m2));
  }

  /** An empty file name would stand for the current directory; it is refused as a value of its option. */
  @Test
  void anEmptyFileNameNamesTheOption() throws IOException {
    assertRejected(new String[] {"score", "--model", model.toString(), "--data", "toy:moons", "--out", ""},
        "Invalid value for option '--out': '' is not a file name");
    assertRejected(new String[] {"info", "--model", ""}, "option '--model': '' is not a file name");
    assertRejected(new String[] {"sample", "--model", model.toString(), "--n", "3", "--out", out.toString(),
        "--png", " "}, "option '--png': ' ' is not a file name");
    assertRejected(new String[] {"target", "--target", "u1", "--out", out.toString(), "--metrics", ""},
        "option '--metrics': '' is not a file name");
    assertRejected(new String[] {"demo", "--quick", "--out", ""}, "option '--out': '' is not a file name");
  }

  @Test
  void lvmRejectsNegativeHiddenSizesBeforeTraining() throws IOException {
    Path m2 = dir.resolve("m2.marginal");
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "lvm", "--hidden", "20,-3",
        "--out", m2.toString()}, "--hidden");
    assertFalse(Files.exists(m2));
  }

  /**
   * A gradient estimator that does not fit the objective, K or the inference is refused before any data is read: the
   * data file named here does not exist, and the error is about the options alone.
   */
  @Test
  void gradientCombinationsAreRefusedBeforeTheDataIsRead() throws IOException {
    Path m2 = dir.resolve("m2.marginal");
    String missing = dir.resolve("missing.csv").toString();
    String[][] cases = {
        {"--objective", "elbo", "--gradient", "score"}, {"--objective", "sumo", "--gradient", "dreg"},
        {"--gradient", "score", "--k", "1"}, {"--per-datapoint", "--gradient", "dreg"},
        {"--per-datapoint", "--gradient", "score"}};
    String[][] named = {
        {"--gradient score needs --objective iwae"}, {"--gradient dreg needs --objective iwae"},
        {"--gradient score needs --k >= 2"}, {"--per-datapoint", "--gradient dreg"},
        {"--per-datapoint", "--gradient score"}};
    for (int i = 0; i < cases.length; i++) {
      List<String> args = new java.util.ArrayList<>(List.of("fit", "--data", missing, "--model", "lvm", "--out",
          m2.toString()));
      args.addAll(List.of(cases[i]));
      assertRejected(args.toArray(new String[0]), named[i]);
    }
    assertFalse(Files.exists(m2));
  }

  @Test
  void aValidationFractionLeavingNoRowsNamesTheOption() throws IOException {
    Path m2 = dir.resolve("m2.marginal");
    assertRejected(new String[] {"fit", "--data", "toy:moons?n=50", "--model", "lvm", "--validation", "0.999",
        "--epochs", "1", "--out", m2.toString()}, "--validation 0.999 leaves no rows for training or for validation",
        "of the 50 rows");
    assertFalse(Files.exists(m2));
  }

  /**
   * Options take decimal numbers, as CSV cells do: hexadecimal, NaN, Infinity, a type suffix and spaces, which Java's
   * parser reads, are refused naming the option, both in {@code --validation}'s fraction and in every option of
   * type double, which share one converter.
   */
  @Test
  void numericOptionsRefuseWhatIsNotDecimal() throws IOException {
    Path m2 = dir.resolve("m2.marginal");
    for (String v : new String[] {"0x1p-3", "0X1.0P-3", "NaN", "Infinity", "-Infinity", "0.1d", "0.1F", " 0.1"}) {
      assertRejected(new String[] {"fit", "--data", "toy:moons?n=50", "--model", "lvm", "--validation", v,
          "--epochs", "1", "--out", m2.toString()}, "--validation: '" + v + "' is not a decimal number (a fraction "
          + "such as 0.1, or a data source)");
    }
    String[][] options = {{"fit", "--model", "lvm", "--lr"}, {"fit", "--model", "lvm", "--clip"},
        {"fit", "--model", "gmm", "--tol"}, {"fit", "--model", "gmm", "--reg-covar"}};
    for (String[] o : options) {
      for (String v : new String[] {"0x1p-10", "NaN", "Infinity", "1e-3d"}) {
        assertRejected(new String[] {o[0], "--data", "toy:moons?n=50", o[1], o[2], o[3], v, "--out", m2.toString()},
            "Invalid value for option '" + o[3] + "': '" + v + "' is not a decimal number");
      }
      assertRejected(new String[] {o[0], "--data", "toy:moons?n=50", o[1], o[2], o[3], "1e400", "--out",
          m2.toString()}, "Invalid value for option '" + o[3] + "': '1e400' is beyond the range of a double");
      assertRejected(new String[] {o[0], "--data", "toy:moons?n=50", o[1], o[2], o[3], "1e-400", "--out",
          m2.toString()}, "Invalid value for option '" + o[3] + "': '1e-400' is too small for a double, which rounds"
          + " it to 0");
    }
    for (String o : new String[] {"--lr", "--anneal", "--ema"}) {
      assertRejected(new String[] {"target", "--target", "funnel", o, "0x1p-4", "--out", m2.toString()},
          "Invalid value for option '" + o + "': '0x1p-4' is not a decimal number");
    }
    assertFalse(Files.exists(m2));
  }

  private String[] fit(String... more) {
    String[] base = {"fit", "--data", "toy:moons?n=50", "--model", "gmm", "--out", model.toString()};
    String[] all = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void failedFitLeavesTheOldModelUntouched() throws IOException {
    byte[] before = Files.readAllBytes(model);
    assertRejected(fit("--components", "500"), "need at least 500 points");
    assertEquals(Arrays.toString(before), Arrays.toString(Files.readAllBytes(model)));
  }

  @Test
  void corruptOrTruncatedModelFile() throws IOException {
    byte[] all = Files.readAllBytes(model);
    Path truncated = dir.resolve("truncated.marginal");
    Files.write(truncated, Arrays.copyOf(all, all.length / 2));
    assertRejected(new String[] {"score", "--model", truncated.toString(), "--data", "toy:moons", "--out",
        out.toString()}, truncated.toString());
    Path text = csv("notes.marginal", "not a model");
    assertRejected(new String[] {"info", "--model", text.toString()}, text + ": not a marginal model file");
    Path missing = dir.resolve("nothing.marginal");
    assertRejected(new String[] {"sample", "--model", missing.toString(), "--n", "3", "--out", out.toString()},
        missing + ": no such file");
  }

  @Test
  void inconsistentModelContentsAreNamed() throws IOException {
    var file = dev.marginal.io.ModelFile.read(model);
    var config = new java.util.LinkedHashMap<>(file.config());
    config.put("components", 7L);
    Path bad = dir.resolve("bad.marginal");
    new dev.marginal.io.ModelFile("gmm", config, file.provenance(), file.tensors(), file.float64Tensors())
        .write(bad);
    assertRejected(new String[] {"eval", "--model", bad.toString(), "--data", "toy:moons"},
        bad.toString(), "invalid gmm model");
    new dev.marginal.io.ModelFile("flow", config, file.provenance(), file.tensors(), file.float64Tensors())
        .write(bad);
    assertRejected(new String[] {"info", "--model", bad.toString()}, "unknown model kind 'flow'");
    // Columns named twice loaded, and scoring then blamed the data ("toy:moons: duplicate column 'x0'").
    var twice = new java.util.LinkedHashMap<>(file.config());
    twice.put("columns", List.of("x0", "x0"));
    new dev.marginal.io.ModelFile("gmm", twice, file.provenance(), file.tensors(), file.float64Tensors()).write(bad);
    for (String command : new String[] {"info", "score"}) {
      assertRejected(command.equals("info") ? new String[] {"info", "--model", bad.toString()}
          : new String[] {"score", "--model", bad.toString(), "--data", "toy:moons?n=5", "--out", out.toString()},
          "marginal: " + bad + ": invalid gmm model: config 'columns' lists the column 'x0' twice");
    }
    // A kind that would drive the terminal is shown escaped, and short.
    new dev.marginal.io.ModelFile("\u001b[2J" + "k".repeat(500), config, file.provenance(), file.tensors(),
        file.float64Tensors()).write(bad);
    assertRejected(new String[] {"info", "--model", bad.toString()},
        "unknown model kind '\\u001B[2J" + "k".repeat(36) + "...(504 characters)'");
  }

  /** {@code file} with its float64 array {@code name} replaced by {@code values} (of the same shape). */
  private static dev.marginal.io.ModelFile withFloat64(dev.marginal.io.ModelFile file, String name, double[] values) {
    var float64 = new java.util.LinkedHashMap<>(file.float64Tensors());
    float64.put(name, new dev.marginal.io.ModelFile.Float64(values, file.float64(name).shape()));
    return new dev.marginal.io.ModelFile(file.kind(), file.config(), file.provenance(), file.tensors(), float64);
  }

  /**
   * A model file is untrusted: a mean that no float32 data can have (a hand-edited 1e300) is refused when the file
   * is read, naming the file, the field and the element; parameters finite and in range but so extreme that a row's
   * log density overflows (means of 1e30, variances of 1e-300; a float32 weight of 3e38) make that row an error
   * naming its line, never a -Infinity or NaN written as a score or an encoding.
   */
  @Test
  void extremeModelParametersAreRefusedNotScoredAsInfinities() throws IOException {
    var file = dev.marginal.io.ModelFile.read(model);
    Path pts = csv("pts.csv", "x0,x1\n0,0\n1,1\n");
    Path bad = dir.resolve("extreme.marginal");
    double[] means = file.float64("means").values();
    means[3] = 1e300;
    withFloat64(file, "means", means).write(bad);
    String unreadable = "marginal: " + bad + ": invalid gmm model: tensor 'means' holds 1.0E300 at element 3, beyond"
        + " the float32 range of the data it describes (magnitude at most 3.4028235E38)";
    assertRejected(new String[] {"score", "--model", bad.toString(), "--data", pts.toString(), "--out",
        out.toString()}, unreadable);
    assertRejected(new String[] {"info", "--model", bad.toString()}, unreadable);

    java.util.Arrays.fill(means, 1e30);
    double[] cov = new double[file.float64("covariances").values().length];
    for (int c = 0; c < 2; c++) {
      cov[4 * c] = 1e-300;
      cov[4 * c + 3] = 1e-300;
    }
    withFloat64(withFloat64(file, "means", means), "covariances", cov).write(bad);
    String overflow = " (the model's parameters are too extreme for this row: a step of its computation overflowed)";
    assertRejected(new String[] {"score", "--model", bad.toString(), "--data", pts.toString(), "--out",
        out.toString()}, "marginal: " + pts + ":2: log p(x) is -Infinity" + overflow);
    assertRejected(new String[] {"eval", "--model", bad.toString(), "--data", pts.toString()},
        "marginal: " + pts + ":2: log p(x) is -Infinity" + overflow);
    assertRejected(new String[] {"encode", "--model", bad.toString(), "--data", pts.toString(), "--out",
        out.toString()}, "marginal: " + pts + ":2: the encoding is NaN" + overflow);

    Path ppca = dir.resolve("ppca.marginal");
    assertEquals(0, CliRun.of("fit", "--data", "toy:moons?n=50", "--model", "ppca", "--latent", "1", "--out",
        ppca.toString()).code());
    var ppcaFile = dev.marginal.io.ModelFile.read(ppca);
    withFloat64(ppcaFile, "mean", new double[] {0, -1e39}).write(bad);
    assertRejected(new String[] {"score", "--model", bad.toString(), "--data", pts.toString(), "--out",
        out.toString()}, "marginal: " + bad + ": invalid ppca model: tensor 'mean' holds -1.0E39 at element 1,");

    DeepLvm lvm = DeepLvm.create(new DeepLvm.Config(2, 1, new int[] {4}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    var lvmFile = new LvmDensityModel(lvm, List.of("x0", "x1"), null).toFile(Map.of());
    var tensors = new java.util.LinkedHashMap<>(lvmFile.tensors());
    float[] bias = new float[tensors.get("decoder.b1").size()];
    java.util.Arrays.fill(bias, 3e38f);
    tensors.put("decoder.b1", dev.marginal.tensor.Tensor.wrap(bias, bias.length));
    new dev.marginal.io.ModelFile(lvmFile.kind(), lvmFile.config(), lvmFile.provenance(), tensors,
        lvmFile.float64Tensors()).write(bad);
    assertRejected(new String[] {"score", "--model", bad.toString(), "--data", pts.toString(), "--k", "2", "--out",
        out.toString()}, "marginal: " + pts + ":2: log p(x) is ", overflow);
  }

  @Test
  void infoNamesACheckpointsStepOfTheWrongJsonType() throws IOException {
    var file = dev.marginal.io.ModelFile.read(model);
    var tensors = new java.util.LinkedHashMap<>(file.tensors());
    tensors.put("opt.decoder/t", dev.marginal.tensor.Tensor.zeros(1));
    var provenance = new java.util.LinkedHashMap<>(file.provenance());
    provenance.put("training", java.util.Map.of("step", "40"));
    Path bad = dir.resolve("step.ckpt");
    new dev.marginal.io.ModelFile(file.kind(), file.config(), provenance, tensors, file.float64Tensors()).write(bad);
    assertRejected(new String[] {"info", "--model", bad.toString()},
        bad + ": training state 'step' must be a whole number >= 0, got '40'");
  }

  @Test
  void controlCharactersInAnyErrorAreEscaped() throws IOException {
    // From a data file.
    Path csv = dir.resolve("esc.csv");
    Files.writeString(csv, "x0,x1\n1,\u001b[31mred\n");
    assertRejected(new String[] {"score", "--model", model.toString(), "--data", csv.toString(), "--out",
        out.toString()}, "'\\u001B[31mred' is not a number");
    // From the command line.
    assertRejected(new String[] {"score", "--model", model.toString(), "--data", "toy:moons", "--out",
        out.toString(), "--bogus\u0007"}, "Unknown option: '--bogus\\u0007'");
  }

  @Test
  void missingOutputDirectory() throws IOException {
    Path nowhere = dir.resolve("no-such-dir").resolve("scores.csv");
    assertRejected(new String[] {"score", "--model", model.toString(), "--data", "toy:moons", "--out",
        nowhere.toString()}, nowhere.toString(), "does not exist");
    assertFalse(Files.exists(nowhere.getParent()));
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "gmm", "--out",
        dir.resolve("none").resolve("m.marginal").toString()}, "does not exist");
  }

  @Test
  void unknownOptionAndMissingRequiredOption() throws IOException {
    assertRejected(new String[] {"score", "--model", model.toString(), "--data", "toy:moons", "--out",
        out.toString(), "--bogus"}, "Unknown option: '--bogus'");
    assertRejected(new String[] {"sample", "--model", model.toString(), "--out", out.toString()}, "--n");
  }

  /** An unknown option is reported before a missing required one, which it is often the misspelling of. */
  @Test
  void anUnknownOptionComesBeforeAMissingRequiredOne() throws IOException {
    assertRejected(new String[] {"sample", "--model", model.toString(), "--samples", "5", "--out", out.toString()},
        "marginal: Unknown options: '--samples', '5'; did you mean --n? (see 'marginal sample --help')");
    assertRejected(new String[] {"target", "--iterations", "300", "--out", out.toString()},
        "Unknown options: '--iterations', '300'; did you mean --iters?");
    assertRejected(new String[] {"eval", "--model", model.toString(), "--ais", "20"},
        "Unmatched argument at index 4: '20'; --ais takes no value");
  }

  @Test
  void aMisspeltOptionOrCommandGetsTheNearestNames() throws IOException {
    assertRejected(new String[] {"target", "--target", "funnel", "--iterations", "300", "--out", out.toString()},
        "Unknown options: '--iterations', '300'; did you mean --iters? (see 'marginal target --help')");
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "gmm", "--component", "3", "--out",
        out.toString()}, "did you mean --components or ");
    assertRejected(new String[] {"scroe", "--model", model.toString()}, "did you mean score?");
    // Another command's name for the same setting, far in spelling: the command's own name.
    assertRejected(new String[] {"target", "--target", "funnel", "--steps", "300", "--out", out.toString()},
        "Unknown options: '--steps', '300'; did you mean --iters? (see 'marginal target --help')");
    assertRejected(new String[] {"fit", "--data", "toy:moons", "--model", "lvm", "--iters", "300", "--out",
        out.toString()}, "did you mean --steps or --epochs or --max-iter?");
    assertRejected(new String[] {"score", "--model", model.toString(), "--data", "toy:moons", "--samples", "5",
        "--out", out.toString()}, "did you mean --k?");
    // A value after a switch: picocli calls it unmatched; the switch takes none.
    assertRejected(new String[] {"eval", "--model", model.toString(), "--data", "toy:moons", "--ais", "20"},
        "Unmatched argument at index 6: '20'; --ais takes no value (see 'marginal eval --help')");
    assertRejected(new String[] {"eval", "--model", model.toString(), "--data", "toy:moons", "--k", "20", "--ais",
        "20"}, "'20'; --ais takes no value");
    // Nothing near: no suggestion.
    CliRun r = CliRun.of("score", "--model", model.toString(), "--data", "toy:moons", "--out", out.toString(),
        "--bogus");
    assertFalse(r.err().contains("did you mean"), r.toString());
  }

  @Test
  void lvmOnlyEvaluationsOfAnExactModelAreRefused() throws IOException {
    assertRejected(new String[] {"eval", "--model", model.toString(), "--data", "toy:moons", "--bdmc", "10"},
        "--bdmc applies to lvm models; the log-likelihood of a gmm model is exact");
    assertRejected(new String[] {"eval", "--model", model.toString(), "--data", "toy:moons", "--ais"},
        "--ais applies to lvm models");
  }

  @Test
  void optionsThatWouldBeIgnoredAreRefused() throws IOException {
    Path m2 = dir.resolve("m2.marginal");
    assertRejected(new String[] {"fit", "--data", "toy:moons?n=50", "--model", "lvm", "--epochs", "3", "--steps", "7",
        "--out", m2.toString()}, "marginal: --epochs and --steps both set the length of the run; give one of them");
    assertRejected(new String[] {"fit", "--data", "toy:moons?n=50", "--model", "lvm", "--objective", "elbo",
        "--min-terms", "3", "--out", m2.toString()}, "marginal: --min-terms applies to --objective sumo only");
    assertRejected(new String[] {"fit", "--data", "toy:moons?n=50", "--model", "lvm", "--min-terms", "3",
        "--out", m2.toString()}, "marginal: --min-terms applies to --objective sumo only");
    assertRejected(new String[] {"fit", "--data", "toy:moons?n=50", "--model", "lvm", "--objective", "sumo",
        "--k", "5", "--out", m2.toString()},
        "marginal: --k applies to --objective elbo or iwae, not sumo");
    assertFalse(Files.exists(m2));
    for (String option : new String[] {"--k", "--min-terms", "--repeats"}) {
      assertRejected(score("toy:moons", option, "7"),
          "marginal: " + option + " applies to lvm models; the log-likelihood of a gmm model is exact");
    }
    for (String option : new String[] {"--k", "--ais-steps"}) {
      assertRejected(new String[] {"eval", "--model", model.toString(), "--data", "toy:moons", option, "7"},
          "marginal: " + option + " applies to lvm models; the log-likelihood of a gmm model is exact");
    }
  }

  @Test
  void targetOptionsThatTheRunWouldIgnoreAreRefused() throws IOException {
    Path t = dir.resolve("t.marginal");
    String[] base = {"target", "--target", "funnel", "--recipe", "reverse", "--iters", "2", "--hidden", "4",
        "--out", t.toString()};
    Map<List<String>, String> refused = Map.of(
        List.of("--k", "3"), "marginal: --k applies to --objective iwae or elbo, or with --forward above 0, not to"
            + " sumo alone",
        List.of("--anneal-scale", "2"), "marginal: --anneal-scale applies with --anneal above 0 only",
        List.of("--anneal", "0", "--anneal-scale", "2"), "marginal: --anneal-scale applies with --anneal above 0",
        List.of("--forward-scale", "2"), "marginal: --forward-scale applies with --forward above 0 only",
        List.of("--forward-proposals", "64"), "marginal: --forward-proposals applies with --forward above 0 only");
    for (Map.Entry<List<String>, String> e : refused.entrySet()) {
      String[] args = Arrays.copyOf(base, base.length + e.getKey().size());
      System.arraycopy(e.getKey().toArray(new String[0]), 0, args, base.length, e.getKey().size());
      assertRejected(args, e.getValue());
    }
    // The forward recipe's forward KL uses both, and its K; turned off, they are refused there too.
    assertRejected(new String[] {"target", "--target", "funnel", "--recipe", "forward", "--forward", "0",
        "--forward-scale", "2", "--out", t.toString()}, "marginal: --forward-scale applies with --forward above 0");
    assertFalse(Files.exists(t));
  }

  @Test
  void aisStepsWithoutAisOrBdmcAreRefused() throws IOException {
    Path lvm = dir.resolve("lvm.marginal");
    CliRun r = CliRun.of("fit", "--data", "toy:moons?n=50", "--model", "lvm", "--hidden", "4", "--steps", "2",
        "--out", lvm.toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
    assertRejected(new String[] {"eval", "--model", lvm.toString(), "--data", "toy:moons?n=5", "--ais-steps", "20"},
        "marginal: --ais-steps applies to --ais or --bdmc only");
  }

  @Test
  void anEmptyColumnNameIsRefusedNotTakenAsAllColumns() throws IOException {
    // --columns , fitted all the columns, and score --columns , scored the model's.
    for (String columns : new String[] {",", "x0,", ",x0", "x0,,x1", " "}) {
      assertRejected(fit("--columns", columns), "marginal: --columns '" + columns + "': an empty column name");
    }
    assertRejected(score("toy:moons?n=5", "--columns", ","), "marginal: --columns ',': an empty column name");
    assertRejected(new String[] {"encode", "--model", model.toString(), "--data", "toy:moons?n=5", "--columns", ",",
        "--out", out.toString()}, "marginal: --columns ',': an empty column name");
    assertRejected(new String[] {"eval", "--model", model.toString(), "--data", "toy:moons?n=5", "--columns=,"},
        "marginal: --columns ',': an empty column name");
  }

  @Test
  void aPictureNotNamedPngIsRefusedBeforeWriting() throws IOException {
    Path jpg = dir.resolve("s.jpg");
    assertRejected(new String[] {"sample", "--model", model.toString(), "--n", "3", "--out", out.toString(),
        "--png", jpg.toString()}, "--png " + jpg + ": the picture is a PNG; give it a name ending in .png");
    assertRejected(new String[] {"target", "--target", "funnel", "--iters", "1", "--out",
        dir.resolve("t.marginal").toString(), "--png", jpg.toString()}, "give it a name ending in .png");
    assertFalse(Files.exists(jpg));
  }

  /** A CSV output named as a picture, a model or JSON, or a model named as CSV, is refused before any work. */
  @Test
  void anOutputNamedAsAnotherKindOfFileIsRefused() throws IOException {
    Path png = dir.resolve("samples.png");
    assertRejected(new String[] {"sample", "--model", model.toString(), "--n", "3", "--out", png.toString()},
        "--out " + png + ": this output is CSV, not a .png file; give it a name ending in .csv or .csv.gz (the picture "
            + "goes to --png)");
    for (String name : new String[] {"s.JSON", "s.marginal", "s.html"}) {
      Path wrong = dir.resolve(name);
      String ending = name.substring(name.indexOf('.')).toLowerCase(java.util.Locale.ROOT);
      assertRejected(new String[] {"score", "--model", model.toString(), "--data", "toy:moons?n=5", "--out",
          wrong.toString()}, "--out " + wrong + ": this output is CSV, "
          + "not a " + ending + " file; give it a name ending in .csv or .csv.gz");
      assertRejected(new String[] {"encode", "--model", model.toString(), "--data", "toy:moons?n=5", "--out",
          wrong.toString()}, "this output is CSV, not a " + ending + " file");
      assertFalse(Files.exists(wrong));
    }
    for (String name : new String[] {"m.csv", "m.csv.gz", "m.PNG", "m.json"}) {
      Path wrong = dir.resolve(name);
      String ending = name.substring(name.indexOf('.')).toLowerCase(java.util.Locale.ROOT);
      assertRejected(new String[] {"fit", "--data", "toy:moons?n=50", "--model", "gmm", "--out", wrong.toString()},
          "--out " + wrong + ": a model file is a zip archive, not a "
          + ending + " file; give it another name (model files are named .marginal)");
      assertRejected(new String[] {"target", "--target", "funnel", "--iters", "1", "--out", wrong.toString()},
          "a model file is a zip archive, not a " + ending + " file");
      assertFalse(Files.exists(wrong));
    }
    // Names that say nothing of the contents are taken as given.
    CliRun plain = CliRun.of("sample", "--model", model.toString(), "--n", "3", "--out",
        dir.resolve("samples").toString());
    assertEquals(0, plain.code(), plain.toString());
  }

  @Test
  void pngInAMissingDirectoryIsRefusedBeforeWriting() throws IOException {
    assertRejected(new String[] {"sample", "--model", model.toString(), "--n", "3", "--out", out.toString(),
        "--png", dir.resolve("none").resolve("s.png").toString()}, "does not exist");
  }

  @Test
  void pngOfAOneColumnModelIsRefusedBeforeSampling() throws IOException {
    Path one = dir.resolve("one.marginal");
    CliRun fit = CliRun.of("fit", "--data", csv("one.csv", "x\n1\n2\n3\n4\n").toString(), "--model", "gmm",
        "--components", "1", "--out", one.toString());
    assertEquals(0, fit.code(), fit.toString());
    Path png = dir.resolve("s.png");
    assertRejected(new String[] {"sample", "--model", one.toString(), "--n", "3", "--out", out.toString(),
        "--png", png.toString()}, "--png draws points of at least 2 columns or images", "has 1 column");
    assertFalse(Files.exists(png));
  }

  @Test
  void aLibraryErrorThatNamesItsDataNamesItOnce() throws IOException {
    Path p = csv("abc.csv", "x,y\n1,2\n3,4\n5,6\n");
    String[] args = {"fit", "--data", p.toString(), "--model", "lvm", "--decoder", "bernoulli", "--out",
        dir.resolve("abc.marginal").toString()};
    assertRejected(args, "--decoder bernoulli needs values in [0, 1]");
    assertEquals(List.of("marginal: " + p + ": --decoder bernoulli needs values in [0, 1]"),
        CliRun.of(args).errLines());
  }

  /**
   * A surrogate on [-4, 4]² maps onto the open box: score, encode and eval refuse a row on the box's edge as they
   * refuse one beyond it, with the same words.
   */
  @Test
  void rowsOnOrOutsideASurrogatesBoxAreRefusedByEveryCommand() throws IOException {
    Path boxed = dir.resolve("boxed.marginal");
    DeepLvm lvm = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    new LvmDensityModel(lvm, List.of("x0", "x1"), null).withSupport(Support.box(2, -4, 4)).toFile(Map.of())
        .write(boxed);
    for (String row : List.of("-4,4", "5,0")) {
      Path data = csv("pts.csv", "x0,x1\n0,0\n" + row + "\n");
      String says = "pts.csv:3: [" + row.replace(",", ".0, ") + ".0] lies on or outside the model's support "
          + "[-4, 4]^2";
      for (String command : List.of("score", "encode")) {
        assertRejected(new String[] {command, "--model", boxed.toString(), "--data", data.toString(), "--out",
            out.toString()}, says);
      }
      assertRejected(new String[] {"eval", "--model", boxed.toString(), "--data", data.toString()}, says);
    }
    Path inside = csv("in.csv", "x0,x1\n0,0\n-3.99,3.99\n");
    assertEquals(0, CliRun.of("score", "--model", boxed.toString(), "--data", inside.toString(), "--out",
        out.toString()).code());
  }
}
