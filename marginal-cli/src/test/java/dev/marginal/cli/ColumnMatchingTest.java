package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Score, encode and eval read a model's columns from the data by name, whatever their order in the file and
 * whatever other columns it has; data without them are refused unless {@code --columns} names the ones to use.
 */
class ColumnMatchingTest {
  private static final int ROWS = 40;

  @TempDir Path dir;
  private Path model;
  private Path abc;

  /** Rows of three columns on very different scales, so that any mix-up of columns changes log p(x). */
  private static double[] row(int i) {
    double a = Math.sin(i * 0.7);
    return new double[] {a, 2 * a + 0.1 * Math.cos(i * 1.3), 10 + 3 * Math.sin(i * 2.1)};
  }

  /** A CSV file: the header, then one line per row made by {@code line}. */
  private Path csv(String name, String header, IntFunction<String> line) throws IOException {
    StringBuilder text = new StringBuilder(header).append('\n');
    for (int i = 0; i < ROWS; i++) {
      text.append(line.apply(i)).append('\n');
    }
    return Files.writeString(dir.resolve(name), text);
  }

  private static String joined(double... values) {
    return String.join(",", Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.9g", v)).toList());
  }

  @BeforeEach
  void fitPpcaOnABC() throws IOException {
    abc = csv("abc.csv", "a,b,c", i -> joined(row(i)));
    model = dir.resolve("pca.marginal");
    CliRun fit = CliRun.of("fit", "--data", abc.toString(), "--model", "ppca", "--latent", "1",
        "--out", model.toString());
    assertEquals(0, fit.code(), fit.toString());
  }

  /** Runs {@code command} (score or encode) on {@code data} and returns the rows it wrote. */
  private List<double[]> rowsOf(String command, Path data, String... more) {
    Path out = dir.resolve(command + "-" + data.getFileName());
    List<String> args = new ArrayList<>(List.of(command, "--model", model.toString(), "--data", data.toString(),
        "--out", out.toString()));
    args.addAll(List.of(more));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.toString());
    return CliRun.csvRows(out);
  }

  private String evalJson(Path data, String... more) {
    List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString(), "--data", data.toString(),
        "--json"));
    args.addAll(List.of(more));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.toString());
    return r.out().replace(data.toString(), "DATA");
  }

  private static void assertSameRows(List<double[]> expected, List<double[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(Arrays.equals(expected.get(i), actual.get(i)),
          "row " + i + ": " + Arrays.toString(expected.get(i)) + " vs " + Arrays.toString(actual.get(i)));
    }
  }

  @Test
  void reorderedHeaderGivesTheSameResultsAsTheOriginalOrder() throws IOException {
    Path cba = csv("cba.csv", "c,b,a", i -> joined(row(i)[2], row(i)[1], row(i)[0]));
    assertSameRows(rowsOf("score", abc), rowsOf("score", cba));
    assertSameRows(rowsOf("encode", abc), rowsOf("encode", cba));
    assertEquals(evalJson(abc), evalJson(cba));
  }

  @Test
  void otherColumnsOfTheDataAreIgnoredEvenIfNotNumbers() throws IOException {
    Path labelled = csv("labelled.csv", "id,a,b,c,label", i -> i + "," + joined(row(i)) + ",x" + i);
    assertSameRows(rowsOf("score", abc), rowsOf("score", labelled));
    assertSameRows(rowsOf("encode", abc), rowsOf("encode", labelled));
    assertEquals(evalJson(abc), evalJson(labelled));
  }

  @Test
  void columnsOptionMapsOtherNamesByPosition() throws IOException {
    Path renamed = csv("renamed.csv", "z,x,y,note", i -> joined(row(i)[2], row(i)[0], row(i)[1]) + ",n" + i);
    assertSameRows(rowsOf("score", abc), rowsOf("score", renamed, "--columns", "x,y,z"));
    assertSameRows(rowsOf("encode", abc), rowsOf("encode", renamed, "--columns", "x,y,z"));
    assertEquals(evalJson(abc), evalJson(renamed, "--columns", "x,y,z"));
    // --columns is taken as given, even where the names are the model's own.
    Path cba = csv("cba.csv", "c,b,a", i -> joined(row(i)[2], row(i)[1], row(i)[0]));
    assertSameRows(rowsOf("score", abc), rowsOf("score", cba, "--columns", "a,b,c"));
  }

  @Test
  void spacesAroundColumnNamesAreDropped() throws IOException {
    Path renamed = csv("renamed.csv", "z,x,y", i -> joined(row(i)[2], row(i)[0], row(i)[1]));
    assertSameRows(rowsOf("score", abc), rowsOf("score", renamed, "--columns", "x, y , z"));
    Path spaced = dir.resolve("spaced.marginal");
    CliRun fit = CliRun.of("fit", "--data", renamed.toString(), "--columns", "x, y, z", "--model", "ppca",
        "--latent", "1", "--out", spaced.toString());
    assertEquals(0, fit.code(), fit.toString());
    Path out = dir.resolve("spaced-scores.csv");
    CliRun score = CliRun.of("score", "--model", spaced.toString(), "--data", renamed.toString(), "--out",
        out.toString());
    assertEquals(0, score.code(), score.toString());
    assertSameRows(rowsOf("score", abc), CliRun.csvRows(out));
  }

  /** Runs the tool and expects exit 2 with one line on standard error holding every {@code expected} part. */
  private static void assertRefused(List<String> args, String... expected) {
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    for (String part : expected) {
      assertTrue(r.errLines().get(0).contains(part), "'" + part + "' missing from: " + r.err());
    }
  }

  @Test
  void dataWithoutTheModelsColumnsAreRefusedEvenWithTheSameCount() throws IOException {
    Path xbc = csv("xbc.csv", "x,b,c", i -> joined(row(i)));
    String advice = "; name the columns to use, in the model's order, with --columns";
    for (String command : List.of("score", "encode", "eval")) {
      List<String> args = new ArrayList<>(List.of(command, "--model", model.toString(), "--data", xbc.toString()));
      if (!command.equals("eval")) {
        args.addAll(List.of("--out", dir.resolve("out.csv").toString()));
      }
      assertRefused(args, "marginal: " + xbc + ": lacks column a of the model " + model
          + " (the data has x, b, c)" + advice);
    }
    assertTrue(Files.notExists(dir.resolve("out.csv")));
    Path xy = csv("xy.csv", "x,y", i -> joined(row(i)[0], row(i)[1]));
    assertRefused(List.of("eval", "--model", model.toString(), "--data", xy.toString()),
        xy + ": lacks columns a, b, c of the model");
  }

  @Test
  void manyMissingNamesAreAbbreviated() throws IOException {
    Path wide = csv("wide.csv", "c0,c1,c2,c3,c4,c5,c6,c7", i -> joined(row(i)) + "," + joined(row(i + 1))
        + "," + joined(row(i + 2)[0], row(i + 2)[1]));
    Path wideModel = dir.resolve("wide.marginal");
    assertEquals(0, CliRun.of("fit", "--data", wide.toString(), "--model", "gmm", "--covariance", "diag",
        "--out", wideModel.toString()).code());
    Path other = csv("other.csv", "d0,d1,d2,d3,d4,d5,d6,d7", i -> joined(new double[8]));
    assertRefused(List.of("eval", "--model", wideModel.toString(), "--data", other.toString()),
        other + ": lacks columns c0, c1, c2, c3, c4, c5, ... 8 in all of the model " + wideModel
            + " (the data has d0, d1, d2, d3, d4, d5, ... 8 in all)");
  }

  /** Generated names: toy data have x0, x1 and IDX images px0 ..; models fitted on them apply to them again. */
  @Test
  void sourcesWithGeneratedNamesStillMatch() throws IOException {
    Path moons = dir.resolve("moons.marginal");
    assertEquals(0, CliRun.of("fit", "--data", "toy:moons?n=60", "--model", "gmm", "--components", "2",
        "--out", moons.toString()).code());
    CliRun toy = CliRun.of("eval", "--model", moons.toString(), "--data", "toy:moons?n=20&seed=3");
    assertEquals(0, toy.code(), toy.toString());
    Path xy = csv("x0x1.csv", "x1,x0", i -> joined(row(i)[1], row(i)[0]));
    CliRun swapped = CliRun.of("eval", "--model", moons.toString(), "--data", xy.toString(), "--json");
    CliRun straight = CliRun.of("eval", "--model", moons.toString(), "--data", xy.toString(), "--json",
        "--columns", "x0,x1");
    assertEquals(straight.out(), swapped.out());

    Path images = dir.resolve("train-images-idx3-ubyte");
    writeImages(images, 12, 2, 2);
    Path pixels = dir.resolve("pixels.marginal");
    CliRun fit = CliRun.of("fit", "--data", images.toString(), "--model", "ppca", "--latent", "1",
        "--out", pixels.toString());
    assertEquals(0, fit.code(), fit.toString());
    CliRun score = CliRun.of("score", "--model", pixels.toString(), "--data", images.toString(), "--limit", "5",
        "--out", dir.resolve("pixel-scores.csv").toString());
    assertEquals(0, score.code(), score.toString());
    assertEquals(5, CliRun.csvRows(dir.resolve("pixel-scores.csv")).size());
    assertRefused(List.of("eval", "--model", pixels.toString(), "--data", "toy:moons?n=5"),
        "toy:moons?n=5: lacks columns px0, px1, px2, px3 of the model");
  }

  /** An IDX images file of {@code n} images of {@code h x w} pixels with varied intensities. */
  private static void writeImages(Path path, int n, int h, int w) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(path))) {
      out.writeInt(0x00000803);
      out.writeInt(n);
      out.writeInt(h);
      out.writeInt(w);
      for (int i = 0; i < n * h * w; i++) {
        out.writeByte((i * 37 + i / 3 * 11) % 256);
      }
    }
  }
}
