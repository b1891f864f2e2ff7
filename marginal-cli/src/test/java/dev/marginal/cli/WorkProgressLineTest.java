package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.Evaluation;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GmmOptions;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** score, eval, encode and fit gmm draw the library's progress on the terminal's line, and nothing when quiet. */
class WorkProgressLineTest {
  private static final Dataset DATA = ToyData.generate("moons", 30, RngKey.of(2));

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  /** A clock that moves on by a second at every reading: work that looks long however fast it runs. */
  private static LongSupplier slow() {
    long[] now = {0};
    return () -> now[0] += TerminalProgress.SHOW_AFTER_NANOS;
  }

  private TerminalProgress display(String label, TerminalProgress.Unit unit, long total) {
    return TerminalProgress.workTo(new PrintStream(bytes, true, StandardCharsets.UTF_8), label, unit, total, slow());
  }

  /** The lines drawn, each without its carriage return and clear-to-end. */
  private List<String> lines() {
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.endsWith("\n"), "the line is not ended: " + out);
    return List.of(out.strip().replace("\u001b[K", "").split("\r"));
  }

  private static LvmDensityModel lvm() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    return new LvmDensityModel(m, List.of("x0", "x1"), null);
  }

  @Test
  void scoreShowsRowsScoredWithTheMeanSoFar() {
    // K = 2000: 8 rows a pass, so the line shows 8, 16, 24 and 30 rows.
    DensityModel.LogDensity lp = ScoreCommand.score(lvm(), DATA, DensityModel.ScoreOptions.iwae(2000),
        RngKey.of(3), display("score", TerminalProgress.Unit.SCORED_ROWS, DATA.rows()));
    List<String> lines = lines();
    assertTrue(lines.get(0).startsWith("score  rows 8/30 (26%)  mean log p(x) "), lines.get(0));
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith(String.format(Locale.ROOT, "score  rows 30/30 (100%%)  mean log p(x) %.4f",
        lp.mean())), last);
    assertTrue(last.contains(" rows/s"), last);
  }

  @Test
  void evalShowsItsScoringAsRowsOfTheWork() {
    EvalCommand.evaluate(lvm(), DATA, Evaluation.Settings.defaults().withNumSamples(100),
        display("eval", TerminalProgress.Unit.SCORED_ROWS, DATA.rows()));
    List<String> lines = lines();
    assertTrue(lines.size() > 2, lines.toString());
    assertTrue(lines.get(lines.size() - 1).startsWith("eval  rows 30/30 (100%)"), lines.toString());
  }

  @Test
  void encodeShowsRowsEncoded() {
    LvmDensityModel m = lvm().withPerDatapointInference(LocalPosteriorFit.defaults().withSteps(1));
    Dataset rows = ToyData.generate("moons", 5000, RngKey.of(4));
    EncodeCommand.encode(m, rows, display("encode", TerminalProgress.Unit.ROWS, rows.rows()));
    List<String> lines = lines();
    assertTrue(lines.get(0).startsWith("encode  rows 4096/5000 (81%)"), lines.toString());
    assertTrue(lines.get(lines.size() - 1).startsWith("encode  rows 5000/5000 (100%)"), lines.toString());
  }

  @Test
  void fitGmmShowsIterationsWithTheLogLikelihood() {
    FitRequest r = new FitRequest(DATA, 1, 1, false, new GmmArgs(), null, null, null,
        new PrintWriter(new StringWriter()), false, "", () -> false);
    GmmOptions o = GmmOptions.of(3).withMaxIter(40);
    var f = Fitters.emFit(r, o, display("fit gmm", TerminalProgress.Unit.ITERATIONS, 40));
    List<String> lines = lines();
    assertTrue(lines.get(0).startsWith("fit gmm  iteration 1/40 (2%)  log-likelihood "), lines.get(0));
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith(String.format(Locale.ROOT, "fit gmm  iteration 40/40 (100%%)  log-likelihood %.4f",
        f.fit().lowerBound())), last);
    assertTrue(last.contains(" it/s"), last);
  }

  @Test
  void quietWorkDrawsNothingOnStandardError() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String terminal = System.getProperty(TerminalProgress.STDERR_TERMINAL);
    System.setProperty(TerminalProgress.STDERR_TERMINAL, "true");
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ScoreCommand.score(lvm(), DATA, DensityModel.ScoreOptions.iwae(2000), RngKey.of(3),
          TerminalProgress.workOnTerminal("score", TerminalProgress.Unit.SCORED_ROWS, DATA.rows(), true));
    } finally {
      System.setErr(err);
      if (terminal == null) {
        System.clearProperty(TerminalProgress.STDERR_TERMINAL);
      } else {
        System.setProperty(TerminalProgress.STDERR_TERMINAL, terminal);
      }
    }
    assertEquals("", captured.toString(StandardCharsets.UTF_8));
  }
}
