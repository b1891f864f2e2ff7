package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        "--eval-samples", "50", "--eval-k", "50", "--out", model.toString(), "--png", png.toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("kl_iwae50") && r.out().contains("cross_entropy"), r.out());
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

  @Test
  void unknownTargetAndBadOptionsAreOneLineErrors() {
    CliRun r = CliRun.of("target", "--target", "banana", "--out", dir.resolve("x.marginal").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown target 'banana'"), r.err());
    assertEquals(1, r.err().strip().lines().count());
    CliRun o = CliRun.of("target", "--target", "funnel", "--objective", "vimco",
        "--out", dir.resolve("x.marginal").toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("unknown objective"), o.err());
    CliRun d = CliRun.of("target", "--target", "funnel", "--out", dir.resolve("nope/x.marginal").toString());
    assertEquals(2, d.code());
    assertTrue(d.err().contains("does not exist"), d.err());
  }
}
