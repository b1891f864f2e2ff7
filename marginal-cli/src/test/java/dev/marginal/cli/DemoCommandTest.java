package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marginal.io.Json;
import dev.marginal.plot.HtmlReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code marginal demo --quick} once and checks the page, its pictures and its tables. */
class DemoCommandTest {
  private static final List<String> TABLES = List.of("funnel", "funnel-evaluations", "density", "iwae-bound",
      "targets");

  @TempDir static Path dir;
  private static CliRun run;

  @BeforeAll
  static void runQuickDemo() {
    run = CliRun.of("demo", "--quick", "--out", dir.toString(), "--quiet");
  }

  @Test
  void quickDemoSucceedsQuietly() {
    assertEquals(0, run.code(), run.toString());
    assertEquals("", run.out(), run.toString());
  }

  @Test
  void pageRefersOnlyToImagesThatExist() throws IOException {
    Path page = dir.resolve(DemoReport.PAGE);
    assertTrue(Files.isRegularFile(page), run.toString());
    assertEquals(List.of(), HtmlReport.missingImages(page));
    String html = Files.readString(page);
    for (Path png : files(".png")) {
      assertTrue(html.contains("src=\"" + png.getFileName() + "\""), "page does not show " + png);
    }
  }

  /** Skipped where no Chromium is installed ({@code .ci/run} installs Debian's). */
  @Test
  void browserLoadsEveryPictureOfThePage(@TempDir Path profile) throws IOException, InterruptedException {
    Optional<HeadlessBrowser> browser = HeadlessBrowser.find();
    assumeTrue(browser.isPresent(), "no chromium on the PATH");
    HeadlessBrowser.ImageLoad load = browser.get().loadImages(dir.resolve(DemoReport.PAGE), profile);
    assertEquals(files(".png").size(), load.images(), "images on the page");
    assertEquals(List.of(), load.broken(), "images the browser could not load");
  }

  @Test
  void browserProbeReportsAMissingPicture(@TempDir Path tmp) throws IOException, InterruptedException {
    Optional<HeadlessBrowser> browser = HeadlessBrowser.find();
    assumeTrue(browser.isPresent(), "no chromium on the PATH");
    Path page = Files.createDirectories(tmp.resolve("site")).resolve("page.html");
    Files.writeString(page, "<html><body><p>two pictures</p><img src=\"absent.png\"><img src=\"also-absent.png\">"
        + "</body></html>");
    HeadlessBrowser.ImageLoad load = browser.get().loadImages(page, Files.createDirectories(tmp.resolve("profile")));
    assertEquals(2, load.images());
    assertEquals(List.of("absent.png", "also-absent.png"), load.broken());
  }

  @Test
  void everyPictureReadsBackWithContent() throws IOException {
    List<Path> pngs = files(".png");
    assertTrue(pngs.size() >= 6, "pictures: " + pngs);
    for (Path png : pngs) {
      BufferedImage image = ImageIO.read(png.toFile());
      assertNotNull(image, png + " is not a readable PNG");
      assertTrue(image.getWidth() >= 300 && image.getHeight() >= 200,
          png + " is only " + image.getWidth() + "x" + image.getHeight());
      assertTrue(distinctColours(image) > 20, png + " is nearly blank");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyTableIsWrittenAsCsvAndJsonWithTheSameRows() throws IOException {
    for (String name : TABLES) {
      List<String> csv = Files.readAllLines(dir.resolve(name + ".csv"));
      List<Object> json = (List<Object>) Json.parse(Files.readString(dir.resolve(name + ".json")));
      assertTrue(json.size() >= 2, name + ": " + json);
      assertEquals(json.size(), csv.size() - 1, name);
      Map<String, Object> first = (Map<String, Object>) json.get(0);
      assertEquals(String.join(",", first.keySet()), csv.get(0), name);
    }
    Map<String, Object> summary = Json.parseObject(Files.readString(dir.resolve(DemoReport.SUMMARY)));
    assertEquals("quick", summary.get("mode"));
    for (String key : List.of("funnel", "funnel_warnings", "density", "iwae_bound", "bdmc", "targets")) {
      assertTrue(summary.containsKey(key), "summary.json lacks " + key);
    }
  }

  /**
   * Bidirectional Monte Carlo on points simulated from the moons LVM: the forward-AIS lower bound lies below the
   * reverse-AIS upper bound, and IWAE (a lower bound in expectation) does not rise above the upper bound, each
   * beyond four standard errors.
   */
  @Test
  @SuppressWarnings("unchecked")
  void bidirectionalMonteCarloBracketsTheSimulatedPoints() throws IOException {
    Map<String, Object> summary = Json.parseObject(Files.readString(dir.resolve(DemoReport.SUMMARY)));
    Map<String, Object> b = (Map<String, Object>) summary.get("bdmc");
    assertEquals(DemoSettings.BDMC_POINTS_QUICK, ((Number) b.get("bdmc_points")).intValue(), b.toString());
    double lower = ((Number) b.get("bdmc_ais_lower")).doubleValue();
    double upper = ((Number) b.get("bdmc_ais_upper")).doubleValue();
    double iwae = ((Number) b.get("bdmc_iwae_" + DemoSettings.SCORE_K)).doubleValue();
    assertTrue(Double.isFinite(lower) && Double.isFinite(upper) && Double.isFinite(iwae), b.toString());
    double lowerSe = ((Number) b.get("bdmc_ais_lower_se")).doubleValue();
    double upperSe = ((Number) b.get("bdmc_ais_upper_se")).doubleValue();
    double iwaeSe = ((Number) b.get("bdmc_iwae_se")).doubleValue();
    assertTrue(lower <= upper + 4 * Math.hypot(lowerSe, upperSe), "lower " + b);
    assertTrue(iwae <= upper + 4 * Math.hypot(iwaeSe, upperSe), "IWAE above the upper bound: " + b);
    String html = Files.readString(dir.resolve("index.html"));
    assertTrue(html.contains("reverse AIS from the true latent"), "the page shows the bracket");
  }

  @Test
  @SuppressWarnings("unchecked")
  void funnelTableHasFiniteMetricsForBothRuns() throws IOException {
    List<Object> rows = (List<Object>) Json.parse(Files.readString(dir.resolve("funnel.json")));
    assertEquals(2, rows.size());
    Set<String> objectives = new HashSet<>();
    for (Object o : rows) {
      Map<String, Object> row = (Map<String, Object>) o;
      objectives.add((String) row.get("objective"));
      assertEquals(DemoSettings.FUNNEL_STEPS_QUICK, ((Number) row.get("steps")).longValue(), row.toString());
      for (String key : List.of("kl_iwae", "kl_iwae_se", "kl_sumo", "kl_sumo_se", "cross_entropy", "w1_x0",
          "w1_x1", "neck_mass", "target_entropy", "target_neck_mass")) {
        assertTrue(row.get(key) instanceof Number n && Double.isFinite(n.doubleValue()), key + " in " + row);
      }
    }
    assertEquals(Set.of("sumo", "iwae"), objectives);
  }

  @Test
  @SuppressWarnings("unchecked")
  void densityTableScoresEveryModelOnBothDataSets() throws IOException {
    List<Object> rows = (List<Object>) Json.parse(Files.readString(dir.resolve("density.json")));
    assertEquals(10, rows.size());
    for (Object o : rows) {
      Map<String, Object> row = (Map<String, Object>) o;
      assertTrue(row.get("mean_log_likelihood") instanceof Number n && Double.isFinite(n.doubleValue()),
          row.toString());
    }
  }

  /**
   * The section beyond the funnel: the bounded target's surrogate never samples outside its box, and every row
   * carries finite KL and log Z figures beside the exact log Z; the mixture's rows count its modes, and the
   * forward recipe covers more of them than reverse KL in the same number of steps.
   */
  @Test
  @SuppressWarnings("unchecked")
  void targetsTableShowsTheBoundedTargetInsideItsBoxAndTheMixturesModes() throws IOException {
    List<Object> rows = (List<Object>) Json.parse(Files.readString(dir.resolve("targets.json")));
    assertEquals(DemoTargets.TARGETS.size(), rows.size());
    for (Object o : rows) {
      Map<String, Object> row = (Map<String, Object>) o;
      assertEquals(DemoSettings.TARGET_STEPS_QUICK, ((Number) row.get("steps")).longValue(), row.toString());
      for (String key : List.of("kl_iwae", "log_z", "log_z_se", "target_log_z", "forward_log_q")) {
        assertTrue(row.get(key) instanceof Number n && Double.isFinite(n.doubleValue()), key + " in " + row);
      }
    }
    Map<String, Object> u2 = (Map<String, Object>) rows.get(0);
    assertEquals("u2", u2.get("target"));
    assertEquals(0.0, ((Number) u2.get("outside_support")).doubleValue(), 0, u2.toString());
    assertEquals("forward", u2.get("recipe"), "U2 gets the recipe marginal target picks in two dimensions");
    Map<String, Object> gmm = (Map<String, Object>) rows.get(1);
    assertEquals("gmm40", gmm.get("target"));
    assertEquals(40, ((Number) gmm.get("modes")).intValue());
    long covered = modeCount(gmm);
    assertTrue(covered >= 1 && covered <= 40, gmm.toString());
    assertEquals("reverse", gmm.get("recipe"));
    Map<String, Object> forward = (Map<String, Object>) rows.get(2);
    assertEquals("forward", forward.get("recipe"));
    long forwardCovered = modeCount(forward);
    assertTrue(forwardCovered > covered, "forward " + forward + " against reverse " + gmm);
    String html = Files.readString(dir.resolve(DemoReport.PAGE));
    for (long count : List.of(covered, forwardCovered)) {
      assertTrue(html.contains("<td>" + count + " of 40</td>"), "the page shows " + count + " of 40 modes");
    }
  }

  /** A row's {@code modes_covered}: a whole number of modes, as the page and {@code marginal target} give it. */
  private static long modeCount(Map<String, Object> row) {
    double covered = ((Number) row.get("modes_covered")).doubleValue();
    assertEquals(Math.rint(covered), covered, 0, "modes_covered is a count: " + row);
    return (long) covered;
  }

  /** The terminal summary heads section 4 as the page does: both recipes are in it, not reverse KL alone. */
  @Test
  void terminalHeadingOfTheTargetsIsThePagesHeading() throws IOException {
    String html = Files.readString(dir.resolve(DemoReport.PAGE));
    int start = html.indexOf("<h2>4. ") + "<h2>".length();
    String pageHeading = html.substring(start, html.indexOf("</h2>", start));
    assertEquals(pageHeading + ", " + DemoSettings.TARGET_STEPS_QUICK + " steps each (final evaluation)",
        DemoReport.targetsHeading(DemoSettings.TARGET_STEPS_QUICK));
  }

  /** The page is plain HTML text: no Markdown backticks around command names. */
  @Test
  void pageHoldsNoMarkdownBackticks() throws IOException {
    String html = Files.readString(dir.resolve(DemoReport.PAGE));
    assertEquals(-1, html.indexOf('`'), "a backtick at " + html.indexOf('`'));
  }

  @Test
  void supportOutlineRunsAlongTheBoxBoundary() {
    float[][] outline = DemoTargets.outline(dev.marginal.targets.Support.box(2, -4, 4));
    assertEquals(outline[0].length, outline[1].length);
    for (int i = 0; i < outline[0].length; i++) {
      float x = outline[0][i];
      float y = outline[1][i];
      assertTrue(Math.abs(x) <= 4 && Math.abs(y) <= 4 && (Math.abs(x) == 4 || Math.abs(y) == 4),
          "point " + x + ", " + y + " is not on the boundary");
    }
  }

  @Test
  void renderAlignsColumns() {
    String text = DemoReport.render(List.of("a", "bb"), List.of(List.of("long", "1"), List.of("x", "22")));
    assertEquals("   a     bb\n   long  1\n   x     22\n", text);
  }

  @Test
  void badThreadsIsAUsageError() {
    CliRun r = CliRun.of("demo", "--threads", "0", "--out", dir.resolve("never").toString());
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("--threads"), r.toString());
  }

  private static List<Path> files(String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        seen.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return seen.size();
  }
}
