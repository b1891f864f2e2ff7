package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.CsvWriter;
import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.io.Json;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.Models;
import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

/** Runs every command with tiny settings and checks exit codes, files and their contents. */
class CommandsSmokeTest {
  private static final String MOONS = "toy:moons?n=200";
  private static final String MOONS_TEST = "toy:moons?n=50&seed=7";

  @TempDir Path dir;

  private Path fitGmm() {
    Path model = dir.resolve("moons.marginal");
    CliRun r = CliRun.of("fit", "--data", MOONS, "--model", "gmm", "--components", "3", "--out", model.toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("converged") && r.out().contains("bic"), r.toString());
    return model;
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd : List.of("fit", "score", "sample", "encode", "decode", "eval", "info")) {
      CliRun r = CliRun.of(cmd, "--help");
      assertEquals(0, r.code(), r.toString());
      assertTrue(r.out().contains("Usage: marginal " + cmd), r.toString());
    }
    assertTrue(CliRun.of("fit", "--help").out().contains("--components"));
  }

  @Test
  void columnNamesFromAFileAreShownEscapedInTextReports() throws IOException {
    Path csv = dir.resolve("esc.csv");
    Files.writeString(csv, "a\u001b[31m,b\n0,1\n1,0\n2,2\n0.5,1.5\n");
    Path model = dir.resolve("esc.marginal");
    CliRun fit = CliRun.of("fit", "--data", csv.toString(), "--model", "gmm", "--out", model.toString());
    assertEquals(0, fit.code(), fit.toString());
    CliRun info = CliRun.of("info", "--model", model.toString());
    for (CliRun r : List.of(fit, info)) {
      assertTrue(r.out().chars().noneMatch(c -> Character.isISOControl(c) && c != '\n'), r.out());
    }
    assertTrue(info.out().contains("columns          a\\u001B[31m, b"), info.out());
    // JSON keeps the name exactly, escaped as JSON does.
    CliRun json = CliRun.of("info", "--model", model.toString(), "--json");
    assertTrue(json.out().contains("a\\u001b[31m") || json.out().contains("a\\u001B[31m"), json.out());
  }

  /** The top-level command and every command under it, at any depth. */
  private static List<CommandLine> allCommands() {
    List<CommandLine> all = new java.util.ArrayList<>();
    java.util.ArrayDeque<CommandLine> pending = new java.util.ArrayDeque<>(List.of(Cli.newCommandLine()));
    while (!pending.isEmpty()) {
      CommandLine cl = pending.pop();
      all.add(cl);
      pending.addAll(cl.getSubcommands().values());
    }
    return all;
  }

  /**
   * A list of commands ({@code marginal --help}, {@code marginal bench --help}) shows the first element of each
   * command's description alone, so that element must be a whole sentence, not the first line of one.
   */
  @Test
  void everyCommandsSummaryInAListIsAWholeSentence() {
    List<CommandLine> subcommands = allCommands().subList(1, allCommands().size());
    for (CommandLine sub : subcommands) {
      String[] description = sub.getCommandSpec().usageMessage().description();
      assertTrue(description.length >= 1, sub.getCommandName());
      String first = description[0].strip();
      assertTrue(first.endsWith("."), sub.getCommandName() + ": '" + first + "'");
    }
    assertTrue(subcommands.size() >= 15, "commands seen: " + subcommands.size());
  }

  /**
   * Each element of a description is printed on lines of its own, so an element that stops mid-sentence leaves a
   * ragged break in the help (as {@code score --repeats} once did): every element of every command's and option's
   * description ends a sentence or a parenthesis.
   */
  @Test
  void everyDescriptionLineEndsASentence() {
    int options = 0;
    for (CommandLine cl : allCommands()) {
      CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
      List<String[]> texts = new java.util.ArrayList<>();
      texts.add(spec.usageMessage().description());
      for (CommandLine.Model.OptionSpec o : spec.options()) {
        texts.add(o.description());
        options++;
      }
      for (String[] text : texts) {
        for (String line : text) {
          String t = line.replace("%n", "").strip();
          assertTrue(t.isEmpty() || t.matches("(?s).*[.):!?]$"), spec.qualifiedName() + ": '" + t + "'");
        }
      }
    }
    assertTrue(options >= 100, "options seen: " + options);
  }

  @Test
  void gmmScoreEqualsTheMixtureLogProb() throws IOException {
    Path model = fitGmm();
    Path scores = dir.resolve("scores.csv");
    CliRun r = CliRun.of("score", "--model", model.toString(), "--data", MOONS_TEST, "--out", scores.toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("mean log p(x) = "), r.out());
    assertEquals(List.of("log_px", "std_err"), CliRun.csvHeader(scores));
    List<double[]> rows = CliRun.csvRows(scores);
    Dataset x = DataSources.load(MOONS_TEST);
    assertEquals(x.rows(), rows.size());
    GmmDensityModel gmm = (GmmDensityModel) Models.read(model);
    for (int i = 0; i < x.rows(); i++) {
      double[] p = {x.get(i, 0), x.get(i, 1)};
      assertEquals(gmm.mixture().logProb(p), rows.get(i)[0], 0.0);
      assertEquals(0.0, rows.get(i)[1]);
    }
  }

  @Test
  void gmmSampleEncodeEvalAndInfo() throws IOException {
    Path model = fitGmm();
    Path samples = dir.resolve("samples.csv");
    assertEquals(0, CliRun.of("sample", "--model", model.toString(), "--n", "40", "--seed", "3",
        "--out", samples.toString()).code());
    assertEquals(List.of("x0", "x1"), CliRun.csvHeader(samples));
    assertEquals(40, CliRun.csvRows(samples).size());
    CliRun.csvRows(samples).forEach(r -> assertTrue(Double.isFinite(r[0]) && Double.isFinite(r[1])));
    Path again = dir.resolve("again.csv");
    CliRun.of("sample", "--model", model.toString(), "--n", "40", "--seed", "3", "--out", again.toString());
    assertEquals(Files.readString(samples), Files.readString(again));

    Path codes = dir.resolve("codes.csv");
    CliRun enc = CliRun.of("encode", "--model", model.toString(), "--data", MOONS_TEST, "--out", codes.toString());
    assertEquals(0, enc.code(), enc.toString());
    assertEquals("encoded 50 rows into " + codes + ": columns p0, p1, p2", enc.out().strip());
    assertEquals(List.of("p0", "p1", "p2"), CliRun.csvHeader(codes));
    for (double[] p : CliRun.csvRows(codes)) {
      assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
    }

    CliRun eval = CliRun.of("eval", "--model", model.toString(), "--data", MOONS_TEST, "--json");
    assertEquals(0, eval.code(), eval.toString());
    Map<String, Object> report = Json.parseObject(eval.out().strip());
    assertEquals(50L, report.get("rows"));
    double mean = 0;
    for (double v : ((GmmDensityModel) Models.read(model)).logDensity(DataSources.load(MOONS_TEST),
        dev.marginal.density.DensityModel.ScoreOptions.exact(), RngKey.of(0)).value()) {
      mean += v / 50;
    }
    assertEquals(mean, (Double) report.get("mean_log_likelihood"), 1e-12 * Math.abs(mean));

    CliRun info = CliRun.of("info", "--model", model.toString(), "--json");
    assertEquals(0, info.code(), info.toString());
    Map<String, Object> about = Json.parseObject(info.out().strip());
    assertEquals("gmm", about.get("kind"));
    assertEquals(2L, about.get("dim"));
    @SuppressWarnings("unchecked")
    Map<String, Object> provenance = (Map<String, Object>) about.get("provenance");
    assertEquals(0L, provenance.get("seed"));
    assertEquals("toy:moons?n=200&seed=0", provenance.get("data"));
    assertEquals(200L, provenance.get("rows"));
    assertTrue(String.valueOf(provenance.get("command_line")).startsWith("marginal fit --data"));
    assertTrue(provenance.containsKey("java_version") && provenance.containsKey("date")
        && provenance.containsKey("wall_time_s") && provenance.containsKey("marginal_version"));
    assertEquals(3L, ((Map<?, ?>) provenance.get("options")).get("components"));
    CliRun text = CliRun.of("info", "--model", model.toString());
    assertTrue(text.out().contains("Gaussian mixture") && text.out().contains("provenance"), text.toString());
  }

  @Test
  void ppcaOnACsvFile() throws IOException {
    Path csv = dir.resolve("factors.csv");
    float[] z = RngKey.of(1).normals(100 * 4);
    for (int i = 0; i < 100; i++) {
      z[i * 4 + 1] = 3 * z[i * 4] + 0.2f * z[i * 4 + 1];
      z[i * 4 + 3] = 50 + 10 * z[i * 4 + 3];
    }
    CsvWriter.write(csv, List.of("a", "b", "c", "d"), z);
    Path model = dir.resolve("ppca.marginal");
    CliRun fit = CliRun.of("fit", "--data", csv.toString(), "--model", "ppca", "--latent", "2", "--standardize",
        "--out", model.toString(), "--json");
    assertEquals(0, fit.code(), fit.toString());
    Map<String, Object> summary = Json.parseObject(fit.out().strip());
    assertEquals("ppca", summary.get("model"));
    assertEquals(100L, summary.get("rows"));

    Path scores = dir.resolve("s.csv");
    assertEquals(0, CliRun.of("score", "--model", model.toString(), "--data", csv.toString(), "--out",
        scores.toString(), "--quiet").code());
    List<double[]> rows = CliRun.csvRows(scores);
    assertEquals(100, rows.size());
    double mean = 0;
    for (double[] r : rows) {
      assertTrue(Double.isFinite(r[0]));
      mean += r[0] / rows.size();
    }
    assertEquals((Double) summary.get("mean_log_likelihood"), mean, 1e-9 * Math.abs(mean));

    Path codes = dir.resolve("codes.csv");
    assertEquals(0, CliRun.of("encode", "--model", model.toString(), "--data", csv.toString(), "--limit", "10",
        "--out", codes.toString()).code());
    assertEquals(List.of("z0", "z1", "var_z0", "var_z1"), CliRun.csvHeader(codes));
    assertEquals(10, CliRun.csvRows(codes).size());

    Path samples = dir.resolve("samples.csv");
    assertEquals(0, CliRun.of("sample", "--model", model.toString(), "--n", "7", "--out", samples.toString())
        .code());
    assertEquals(List.of("a", "b", "c", "d"), CliRun.csvHeader(samples));
    assertEquals(7, CliRun.csvRows(samples).size());

    CliRun eval = CliRun.of("eval", "--model", model.toString(), "--data", csv.toString());
    assertEquals(0, eval.code(), eval.toString());
    assertTrue(eval.out().contains("mean_log_likelihood"), eval.out());
    assertEquals(0, CliRun.of("info", "--model", model.toString()).code());
  }

  @Test
  void infoNamesAFewOfManyColumnsAndJsonListsAll() throws IOException {
    Path csv = dir.resolve("wide.csv");
    List<String> names = new java.util.ArrayList<>();
    for (int j = 0; j < 40; j++) {
      names.add("px" + j);
    }
    CsvWriter.write(csv, names, RngKey.of(2).normals(60 * 40));
    Path model = dir.resolve("wide.marginal");
    assertEquals(0, CliRun.of("fit", "--data", csv.toString(), "--model", "ppca", "--latent", "2", "--out",
        model.toString(), "--quiet").code());
    CliRun text = CliRun.of("info", "--model", model.toString());
    assertEquals(0, text.code(), text.toString());
    assertTrue(text.out().contains("px0, px1, px2, px3, px4, px5, ... 40 in all"), text.out());
    assertTrue(!text.out().contains("px39"), text.out());
    CliRun json = CliRun.of("info", "--model", model.toString(), "--json");
    @SuppressWarnings("unchecked")
    Map<String, Object> provenance = (Map<String, Object>) Json.parseObject(json.out().strip()).get("provenance");
    assertEquals(names, provenance.get("columns"));
  }

  @Test
  void quietPrintsNothingAndFitRecordsColumnsAndLimit() throws IOException {
    Path model = dir.resolve("diag.marginal");
    CliRun r = CliRun.of("fit", "--data", "toy:rings?n=300", "--model", "gmm", "--components", "2",
        "--covariance", "diag", "--columns", "x1", "--limit", "100", "--seed", "5", "--quiet",
        "--out", model.toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals("", r.out());
    assertEquals(List.of("x1"), Models.read(model).columns());
    CliRun info = CliRun.of("info", "--model", model.toString(), "--json");
    Map<String, Object> about = Json.parseObject(info.out().strip());
    assertEquals("diag", about.get("covariance"));
    assertEquals(100L, ((Map<?, ?>) about.get("provenance")).get("rows"));
    assertEquals(5L, ((Map<?, ?>) about.get("provenance")).get("seed"));
  }

  @Test
  void samplesOfAStandardizedModelAreInDataUnits() {
    Path model = dir.resolve("std.marginal");
    assertEquals(0, CliRun.of("fit", "--data", MOONS, "--model", "gmm", "--components", "2", "--standardize",
        "--out", model.toString()).code());
    Path samples = dir.resolve("s.csv");
    assertEquals(0, CliRun.of("sample", "--model", model.toString(), "--n", "2000", "--out", samples.toString())
        .code());
    Dataset x = DataSources.load(MOONS);
    double dataMean = 0;
    double dataVar = 0;
    for (int i = 0; i < x.rows(); i++) {
      dataMean += x.get(i, 0) / x.rows();
    }
    for (int i = 0; i < x.rows(); i++) {
      dataVar += (x.get(i, 0) - dataMean) * (x.get(i, 0) - dataMean) / x.rows();
    }
    double sampleMean = 0;
    List<double[]> rows = CliRun.csvRows(samples);
    for (double[] r : rows) {
      sampleMean += r[0] / rows.size();
    }
    double se = Math.sqrt(dataVar / rows.size() + dataVar / x.rows());
    assertEquals(dataMean, sampleMean, 4 * se, "z = " + (sampleMean - dataMean) / se);
  }

  /** Without a command the usage goes to standard error as a usage error; asked for with --help, it is output. */
  @Test
  void noCommandIsAUsageErrorAndHelpIsNot() {
    CliRun r = CliRun.of();
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals("", r.out());
    CliRun help = CliRun.of("--help");
    assertEquals(0, help.code(), help.toString());
    for (String cmd : List.of("fit", "score", "sample", "encode", "decode", "eval", "info")) {
      assertTrue(r.err().contains(cmd), r.err());
      assertTrue(help.out().contains(cmd), help.out());
    }
  }
}
