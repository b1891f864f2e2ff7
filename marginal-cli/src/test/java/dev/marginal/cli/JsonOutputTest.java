package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.io.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --json} as docs/json.md promises: one JSON object on standard output, numbers as numbers (a value and
 * its standard error as two fields, never "0.0252 ± 0.0080"), and printed even under {@code --quiet}.
 */
class JsonOutputTest {
  @TempDir Path dir;

  private static Map<String, Object> json(CliRun r) {
    assertEquals(0, r.code(), r.toString());
    assertEquals(1, r.out().strip().lines().count(), "one line of JSON: " + r.out());
    return Json.parseObject(r.out());
  }

  /** No value in the report is a string holding a ± (recursively through lists and objects). */
  private static void assertNoPlusMinus(Object v, String where) {
    if (v instanceof String s) {
      assertFalse(s.contains("±"), where + " is text with ±: " + s);
    } else if (v instanceof Map<?, ?> m) {
      m.forEach((k, x) -> assertNoPlusMinus(x, where + "." + k));
    } else if (v instanceof Iterable<?> l) {
      l.forEach(x -> assertNoPlusMinus(x, where + "[]"));
    }
  }

  @Test
  void targetReportsValuesAndStandardErrorsAsNumbersEvenWhenQuiet() {
    Path out = dir.resolve("f.marginal");
    Map<String, Object> r = json(CliRun.of("target", "--target", "funnel", "--iters", "20", "--eval-samples", "20",
        "--eval-k", "10", "--json", "--quiet", "--out", out.toString()));
    assertNoPlusMinus(r, "target");
    for (String key : new String[] {"kl_sumo", "kl_sumo_se", "kl_iwae10", "kl_iwae10_se", "cross_entropy",
        "cross_entropy_se", "log_z", "log_z_se", "log_z_ess"}) {
      assertInstanceOf(Number.class, r.get(key), key + " in " + r);
    }
    assertEquals(20L, ((Number) r.get("steps")).longValue());
  }

  @Test
  void fitScoreAndEvalPrintJsonUnderQuiet() {
    Path model = dir.resolve("g.marginal");
    Map<String, Object> fit = json(CliRun.of("fit", "--data", "toy:moons?n=200", "--model", "gmm", "--components",
        "2", "--json", "-q", "--out", model.toString()));
    assertInstanceOf(Number.class, fit.get("mean_log_likelihood"), fit.toString());
    assertEquals(0L, ((Number) fit.get("empty_components")).longValue(), fit.toString());
    Path csv = dir.resolve("s.csv");
    Map<String, Object> score = json(CliRun.of("score", "--model", model.toString(), "--data", "toy:moons?n=50",
        "--json", "--quiet", "--out", csv.toString()));
    assertNoPlusMinus(score, "score");
    assertNumbers(score, "mean_log_px", "mean_log_px_se", "rows");
    assertInstanceOf(String.class, score.get("estimator"), score.toString());
    assertFalse(score.containsKey("std_err"), "the x / x_se convention: " + score);
    // mean_log_px_se is the standard error over rows of the per-row log_px the CSV holds: s/sqrt(n), s with n-1.
    double[] logPx = CliRun.csvRows(csv).stream().mapToDouble(r -> r[0]).toArray();
    double n = logPx.length;
    double mean = java.util.Arrays.stream(logPx).sum() / n;
    double ss = java.util.Arrays.stream(logPx).map(v -> (v - mean) * (v - mean)).sum();
    double se = Math.sqrt(ss / (n - 1) / n);
    assertEquals(50, logPx.length);
    assertEquals(mean, number(score, "mean_log_px"), 1e-9 * Math.abs(mean));
    assertEquals(se, number(score, "mean_log_px_se"), 1e-9 * se);

    Map<String, Object> eval = json(CliRun.of("eval", "--model", model.toString(), "--data", "toy:moons?n=50",
        "--json", "--quiet"));
    assertNoPlusMinus(eval, "eval");
    assertNumbers(eval, "nll", "nll_se", "mean_log_likelihood", "mean_log_likelihood_se", "rows");
    assertFalse(eval.containsKey("std_err"), "the x / x_se convention: " + eval);
    // An exact model on the same rows: eval's nll is -score's mean, with the same standard error.
    assertEquals(-mean, number(eval, "nll"), 1e-9 * Math.abs(mean));
    assertEquals(se, number(eval, "nll_se"), 1e-9 * se);
    assertEquals(se, number(eval, "mean_log_likelihood_se"), 1e-9 * se);
  }

  @Test
  void evalTextFoldsTheStandardErrorIntoItsValue() {
    Path model = dir.resolve("h.marginal");
    assertEquals(0, CliRun.of("fit", "--data", "toy:moons?n=200", "--model", "gmm", "--components", "2", "-q",
        "--out", model.toString()).code());
    CliRun text = CliRun.of("eval", "--model", model.toString(), "--data", "toy:moons?n=50");
    assertEquals(0, text.code(), text.toString());
    assertTrue(text.out().matches("(?s).*\\bnll\\s+-?\\d+\\.\\d{4} ± \\d+\\.\\d{4}.*"), text.out());
    assertFalse(text.out().contains("nll_se"), text.out());
  }

  /**
   * A mean of one row has no standard error: {@code null} in JSON (as the Spark evaluation of one row gives) and
   * "no standard error" in text, never 0, which would claim an exact mean.
   */
  @Test
  void aMeanOfOneRowHasNoStandardError() throws java.io.IOException {
    Path model = dir.resolve("one.marginal");
    assertEquals(0, CliRun.of("fit", "--data", "toy:moons?n=200", "--model", "gmm", "--components", "2", "-q",
        "--out", model.toString()).code());
    Path one = java.nio.file.Files.writeString(dir.resolve("one.csv"), "x0,x1\n0.5,0.2\n");
    Map<String, Object> eval = json(CliRun.of("eval", "--model", model.toString(), "--data", one.toString(),
        "--json"));
    assertNumbers(eval, "nll", "mean_log_likelihood");
    for (String key : new String[] {"nll_se", "mean_log_likelihood_se"}) {
      assertTrue(eval.containsKey(key) && eval.get(key) == null, key + " in " + eval);
    }
    Map<String, Object> score = json(CliRun.of("score", "--model", model.toString(), "--data", one.toString(),
        "--json", "--out", dir.resolve("one-scores.csv").toString()));
    assertTrue(score.containsKey("mean_log_px_se") && score.get("mean_log_px_se") == null, score.toString());

    CliRun text = CliRun.of("eval", "--model", model.toString(), "--data", one.toString());
    assertEquals(0, text.code(), text.toString());
    assertTrue(text.out().matches("(?s).*\\bnll\\s+-?\\d+\\.\\d{4} \\(no standard error\\)\n.*"), text.out());
    assertFalse(text.out().contains("±"), text.out());
    CliRun scored = CliRun.of("score", "--model", model.toString(), "--data", one.toString(), "--out",
        dir.resolve("one-text.csv").toString());
    assertEquals(0, scored.code(), scored.toString());
    assertTrue(scored.out().matches("mean log p\\(x\\) = -?[0-9.]+ nats over 1 row \\(exact; no standard error\\)\n"),
        scored.out());
  }

  private static void assertNumbers(Map<String, Object> report, String... keys) {
    for (String key : keys) {
      assertInstanceOf(Number.class, report.get(key), key + " in " + report);
    }
  }

  private static double number(Map<String, Object> report, String key) {
    return ((Number) report.get(key)).doubleValue();
  }

  @Test
  void quietWithoutJsonPrintsNothingAndTextShowsValuePlusMinusError() {
    Path model = dir.resolve("q.marginal");
    CliRun quiet = CliRun.of("target", "--target", "funnel", "--iters", "10", "--eval-samples", "20", "--eval-k",
        "10", "--quiet", "--out", model.toString());
    assertEquals(0, quiet.code(), quiet.toString());
    assertTrue(quiet.out().isEmpty(), quiet.out());
    CliRun text = CliRun.of("target", "--target", "funnel", "--iters", "10", "--eval-samples", "20", "--eval-k",
        "10", "--out", dir.resolve("t.marginal").toString());
    assertTrue(text.out().matches("(?s).*kl_sumo\\s+-?\\d+\\.\\d{4} ± \\d+\\.\\d{4}.*"), text.out());
    assertFalse(text.out().contains("kl_sumo_se"), "the text report folds the _se entry into its value");
  }

  @Test
  void aGmmWithComponentsEmEmptiedSaysSo() throws java.io.IOException {
    // Twenty identical rows: one component takes them all, EM empties the other two.
    Path same = java.nio.file.Files.writeString(dir.resolve("same.csv"), "a,b\n" + "1,2\n".repeat(20));
    CliRun r = CliRun.of("fit", "--data", same.toString(), "--model", "gmm", "--components", "3", "--json",
        "--out", dir.resolve("same.marginal").toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(2L, ((Number) json(r).get("empty_components")).longValue(), r.toString());
    assertEquals(java.util.List.of("marginal: warning: 2 of 3 components hold less than half a point each: the data"
        + " support fewer components (--components)"), r.errLines());
  }

  @Test
  void aGmmWhoseComponentsRestOnTooFewPointsSaysSo() throws java.io.IOException {
    // Three points, two full-covariance components in 2-D: neither has the 3 points its covariance needs.
    Path three = java.nio.file.Files.writeString(dir.resolve("three.csv"), "a,b\n1,2\n3,4\n5,7\n");
    CliRun r = CliRun.of("fit", "--data", three.toString(), "--model", "gmm", "--components", "2", "--json",
        "--out", dir.resolve("three.marginal").toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(0L, ((Number) json(r).get("empty_components")).longValue(), r.toString());
    assertEquals(2L, ((Number) json(r).get("thin_components")).longValue(), r.toString());
    assertEquals(java.util.List.of("marginal: warning: 2 of 2 components rest on fewer than 3 points each (the"
        + " dimension + 1, for a full covariance): their covariance is mostly --reg-covar, which inflates the"
        + " log-likelihood; use fewer components (--components), a simpler --covariance or more data"), r.errLines());
    // --quiet drops the report, not the warning (as its help says).
    CliRun quiet = CliRun.of("fit", "--data", three.toString(), "--model", "gmm", "--components", "2", "--quiet",
        "--out", dir.resolve("three-quiet.marginal").toString());
    assertTrue(quiet.out().isEmpty(), quiet.toString());
    assertEquals(r.errLines(), quiet.errLines());
    // A diagonal covariance needs 2 points: the same fit with one component per point pair is not thin.
    CliRun diag = CliRun.of("fit", "--data", three.toString(), "--model", "gmm", "--components", "1",
        "--covariance", "diag", "--json", "--out", dir.resolve("three-diag.marginal").toString());
    assertEquals(0L, ((Number) json(diag).get("thin_components")).longValue(), diag.toString());
    assertTrue(diag.errLines().isEmpty(), diag.toString());
  }

  @Test
  void aComponentWithExactlyTheFullCovariancesPointsIsNotThin() throws java.io.IOException {
    // Three points near the origin, four further out: the first component holds its 3 points (d + 1 in 2-D) less
    // the far points' tiny responsibilities, a weight of 2.99999999998 points, and its covariance is estimated.
    Path seven = java.nio.file.Files.writeString(dir.resolve("seven.csv"), "a,b\n0,0\n0,1\n1,0\n5,5\n5,6\n6,5\n"
        + "7,7\n");
    CliRun r = CliRun.of("fit", "--data", seven.toString(), "--model", "gmm", "--components", "2", "--json",
        "--out", dir.resolve("seven.marginal").toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(0L, ((Number) json(r).get("thin_components")).longValue(), r.toString());
    assertTrue(r.errLines().isEmpty(), r.toString());
  }

  @Test
  void aGmmStoppedByMaxIterBeforeConvergingSaysSo() throws java.io.IOException {
    // One EM iteration cannot show a change below --tol: the fit ends unconverged.
    Path two = java.nio.file.Files.writeString(dir.resolve("two.csv"), "a,b\n0,0\n0,1\n1,0\n1,1\n5,5\n5,6\n6,5\n"
        + "6,6\n9,0\n");
    CliRun r = CliRun.of("fit", "--data", two.toString(), "--model", "gmm", "--components", "2", "--covariance",
        "spherical", "--max-iter", "1", "--json", "--out", dir.resolve("two.marginal").toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(Boolean.FALSE, json(r).get("converged"), r.toString());
    assertEquals(java.util.List.of("marginal: warning: EM stopped at --max-iter 1 before its mean log-likelihood"
        + " changed by less than --tol 0.001 in an iteration: the fit may not have converged; raise --max-iter"),
        r.errLines());
    // Given the iterations it needs, the same fit converges and warns of nothing.
    CliRun enough = CliRun.of("fit", "--data", two.toString(), "--model", "gmm", "--components", "2", "--covariance",
        "spherical", "--json", "--out", dir.resolve("two-enough.marginal").toString());
    assertEquals(Boolean.TRUE, json(enough).get("converged"), enough.toString());
    assertTrue(enough.errLines().isEmpty(), enough.toString());
    // Columns whose variance is near --reg-covar are warned of before EM, in JSON too; standardized, not.
    StringBuilder tiny = new StringBuilder("a,b\n");
    for (int i = 0; i < 40; i++) {
      tiny.append(String.format(java.util.Locale.ROOT, "%g,%g%n", 1e-4 * (i % 7), 1e-4 * (i % 5)));
    }
    Path small = java.nio.file.Files.writeString(dir.resolve("small.csv"), tiny.toString());
    CliRun warned = CliRun.of("fit", "--data", small.toString(), "--model", "gmm", "--components", "2", "--json",
        "--out", dir.resolve("small.marginal").toString());
    assertEquals(0, warned.code(), warned.toString());
    assertEquals(1, warned.errLines().size(), warned.toString());
    assertTrue(warned.errLines().get(0).startsWith("marginal: warning: " + small + ": variance below 100 times "
        + "--reg-covar 1.00e-06 in 2 of 2 columns: 'a' ("), warned.toString());
    assertTrue(warned.errLines().get(0).endsWith("--standardize fits standardized columns (the scores stay in the "
        + "data's units), or lower --reg-covar"), warned.toString());
    assertEquals(java.util.List.of(warned.errLines().get(0).substring("marginal: warning: ".length())),
        json(warned).get("warnings"));
    CliRun standardized = CliRun.of("fit", "--data", small.toString(), "--model", "gmm", "--components", "2",
        "--standardize", "--json", "--out", dir.resolve("small-z.marginal").toString());
    assertTrue(standardized.errLines().isEmpty(), standardized.toString());
    assertEquals(null, json(standardized).get("warnings"));
    // --tol 0 asks for every iteration: the fit did what it was asked, and a larger --max-iter would not help.
    CliRun all = CliRun.of("fit", "--data", two.toString(), "--model", "gmm", "--components", "2", "--covariance",
        "spherical", "--max-iter", "3", "--tol", "0", "--json", "--out", dir.resolve("two-all.marginal").toString());
    assertEquals(0, all.code(), all.toString());
    assertEquals(3L, ((Number) json(all).get("iterations")).longValue(), all.toString());
    assertTrue(all.errLines().isEmpty(), all.toString());
  }
}
