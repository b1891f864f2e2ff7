package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.DeepLvmFit;
import dev.marginal.api.DeepLvmOptions;
import dev.marginal.data.ToyData;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.train.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The terminal progress line shows what the library's listener reports. */
class TerminalProgressTest {
  /** A clock that moves on by {@code nanos} at every reading: work that looks long however fast it runs. */
  private static LongSupplier ticking(long nanos) {
    long[] now = {0};
    return () -> now[0] += nanos;
  }

  /** A clock that reads {@code readings} in turn. */
  private static LongSupplier reading(long... readings) {
    int[] next = {0};
    return () -> readings[next[0]++];
  }

  @Test
  void theLineShowsTheLatestEpochFromTheListener() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TerminalProgress p = TerminalProgress.to(new PrintStream(bytes, true, StandardCharsets.UTF_8), "fit", 10);
    p.epoch(new EpochMetrics(0, 5, -1.25, -1.5, 1e-3, 100));
    String line = p.line(5, 50, -1.25, 1_000_000_000L);
    assertTrue(line.endsWith("epoch 1: train -1.2500, validation -1.5000"), line);
    p.epoch(new EpochMetrics(1, 10, -1.0, Double.NaN, 1e-3, 100));
    line = p.line(10, 100, -1.0, 1_000_000_000L);
    assertTrue(line.endsWith("epoch 2: train -1.0000"), line);
  }

  @Test
  void noLineIsDrawnBeforeTheFirstUnitIsDone() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TerminalProgress p = TerminalProgress.workTo(new PrintStream(bytes, true, StandardCharsets.UTF_8), "score",
        TerminalProgress.Unit.SCORED_ROWS, 30, ticking(TerminalProgress.SHOW_AFTER_NANOS));
    // Work counted in model evaluations: 10 of 1000 are a third of a row, shown as none done.
    p.work().update(10, 1000, -1.5);
    assertEquals("", bytes.toString(StandardCharsets.UTF_8), "no line with nothing done");
    p.work().update(500, 1000, -1.5);
    p.finish();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith("\rscore  rows 15/30 (50%)"), out);
  }

  @Test
  void aFitDrivesTheLineThroughTheListenerUpToItsLastEpoch() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TerminalProgress p = TerminalProgress.to(new PrintStream(bytes, true, StandardCharsets.UTF_8), "fit", 0,
        Integer.MAX_VALUE, ticking(TerminalProgress.REDRAW_NANOS));
    DeepLvmOptions o = DeepLvmOptions.defaults().withEpochs(3).withValidationFraction(0.2).withArchitecture(
        new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH, null));
    DeepLvmFit.fit(ToyData.generate("moons", 100, RngKey.of(1)), o, DeepLvmFit.Control.none().withProgress(p));
    String out = bytes.toString(StandardCharsets.UTF_8);
    String last = out.substring(out.lastIndexOf('\r') + 1);
    assertTrue(last.contains("epoch 3: train ") && last.contains(", validation "), last);
  }

  @Test
  void theLaunchersWordOnStandardErrorWinsOverTheConsole() {
    // `fit ... > result.json` on a terminal: no console (standard output is a file), standard error a terminal.
    assertTrue(TerminalProgress.stderrIsTerminal("true", false));
    // `fit ... 2> log` with standard input and output on a terminal: a console, standard error a file.
    assertFalse(TerminalProgress.stderrIsTerminal("false", true));
    // The jar run directly: the console decides, as before.
    assertTrue(TerminalProgress.stderrIsTerminal(null, true));
    assertFalse(TerminalProgress.stderrIsTerminal(null, false));
  }

  @Test
  void aSamplerShowsRowsWrittenWithoutAnObjective() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TerminalProgress p = TerminalProgress.rowsTo(new PrintStream(bytes, true, StandardCharsets.UTF_8), "sample",
        200_000);
    String line = p.line(131_072, 131_072, Double.NaN, 2_000_000_000L);
    assertEquals("sample  rows 131072/200000 (65%)  65,536 rows/s  ETA 0:01", line);
  }

  @Test
  void sampleReportsEachPieceAndEndsTheLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TerminalProgress p = TerminalProgress.rowsTo(new PrintStream(bytes, true, StandardCharsets.UTF_8), "sample",
        150_000, ticking(TerminalProgress.SHOW_AFTER_NANOS));
    var gmm = dev.marginal.density.GmmDensityModel.fit(ToyData.generate("moons", 200, RngKey.of(1)),
        dev.marginal.models.GmmOptions.of(2), false).model();
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sample-progress");
    SampleStream.write(gmm, RngKey.of(2), 150_000, dir.resolve("s.csv"), p);
    String out = bytes.toString(StandardCharsets.UTF_8);
    String last = out.substring(out.lastIndexOf('\r') + 1);
    assertTrue(last.startsWith("sample  rows 150000/150000 (100%)") && last.endsWith("\n"), last);
  }

  @Test
  void workThatEndsWithinASecondDrawsNothing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // 20 steps in 0.2 s, each reading of the clock 10 ms after the one before.
    TerminalProgress p = TerminalProgress.to(new PrintStream(bytes, true, StandardCharsets.UTF_8), "fit", 20,
        Integer.MAX_VALUE, ticking(10_000_000L));
    for (int step = 1; step <= 20; step++) {
      p.update(step, 20L * step, -1.0);
    }
    p.finish();
    assertEquals("", bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theEtaIsMeasuredFromTheFirstLineDrawnNotFromASlowStart() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // Created at 0; the first step takes 1.2 s (the JIT compiling), the next 100 take 0.5 s: 200 steps a second,
    // so the 899 steps left take about 4.5 s (counted from the start, 101 steps in 1.7 s, it would say 15 s).
    TerminalProgress p = TerminalProgress.to(new PrintStream(bytes, true, StandardCharsets.UTF_8), "fit", 1000,
        Integer.MAX_VALUE, reading(0L, 1_200_000_000L, 1_700_000_000L));
    p.update(1, 20, -1.0);
    p.update(101, 2020, -1.0);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\r");
    assertEquals(3, lines.length, String.join("|", lines));
    assertFalse(lines[1].contains("ETA"), lines[1]);
    assertTrue(lines[2].contains("ETA 0:04"), lines[2]);
  }

  @Test
  void theLineIsCutToTheTerminalsWidthAndNeverWraps() {
    String out = fitDrawnOnFortyColumns();
    assertTrue(out.endsWith("\n"), out);
    for (String drawn : out.strip().split("\r")) {
      String text = drawn.replace("\u001b[K", "");
      assertTrue(text.length() <= 39, text.length() + " columns: " + text);
    }
    assertTrue(out.startsWith("\rfit lvm iwae-5  step 334/2000"), out);
  }

  /** What a 2000-step fit draws on a terminal 40 columns wide, an epoch closed before its first step. */
  private static String fitDrawnOnFortyColumns() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TerminalProgress p = TerminalProgress.to(new PrintStream(bytes, true, StandardCharsets.UTF_8), "fit lvm iwae-5",
        2000, 40, ticking(TerminalProgress.REDRAW_NANOS));
    p.epoch(new EpochMetrics(0, 100, -1.25, -1.5, 1e-3, 100));
    for (int step = 1; step <= 2000; step += 111) {
      p.update(step, 20L * step, -1.0);
    }
    p.finish();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** A fit's display {@code columns} wide after its first epoch. */
  private static TerminalProgress fitAfterAnEpoch(int columns) {
    TerminalProgress p = TerminalProgress.to(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), "fit lvm iwae-5", 2000, columns, ticking(TerminalProgress.REDRAW_NANOS));
    p.epoch(new EpochMetrics(0, 100, -1.25, -1.5, 1e-3, 100));
    return p;
  }

  @Test
  void aWideTerminalShowsTheWholeLine() {
    TerminalProgress p = fitAfterAnEpoch(Integer.MAX_VALUE);
    String line = "fit lvm iwae-5  step 1200/2000 (60%)  objective -1.2345  12,000 ex/s  ETA 0:01"
        + "  epoch 1: train -1.2500, validation -1.5000";
    assertEquals(line, p.line(1200, 24_000, -1.2345, 2_000_000_000L));
    assertEquals(line, p.fitted(1200, 24_000, -1.2345, 2_000_000_000L));
  }

  @Test
  void aNarrowLineShedsTheRateTheEpochTheObjectiveAndTheLabelButKeepsThePositionAndEta() {
    assertEquals("fit lvm iwae-5  step 1200/2000 (60%)  objective -1.2345  ETA 0:01"
        + "  epoch 1: train -1.2500, validation -1.5000",
        fitAfterAnEpoch(115).fitted(1200, 24_000, -1.2345, 2_000_000_000L));
    // The epoch goes, and leaves room for the rate.
    assertEquals("fit lvm iwae-5  step 1200/2000 (60%)  objective -1.2345  12,000 ex/s  ETA 0:01",
        fitAfterAnEpoch(80).fitted(1200, 24_000, -1.2345, 2_000_000_000L));
    assertEquals("fit lvm iwae-5  step 1200/2000 (60%)  ETA 0:01",
        fitAfterAnEpoch(50).fitted(1200, 24_000, -1.2345, 2_000_000_000L));
    assertEquals("step 1200/2000 (60%)  ETA 0:01",
        fitAfterAnEpoch(40).fitted(1200, 24_000, -1.2345, 2_000_000_000L));
    // Without an epoch yet, the rate alone goes.
    TerminalProgress p = TerminalProgress.to(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), "fit lvm iwae-5", 2000, 70, ticking(TerminalProgress.REDRAW_NANOS));
    assertEquals("fit lvm iwae-5  step 1200/2000 (60%)  objective -1.2345  ETA 0:01",
        p.fitted(1200, 24_000, -1.2345, 2_000_000_000L));
  }

  /**
   * A rate right at the terminal's edge: shown while it fits, dropped once it grows by a digit, and not shown again
   * when it shrinks back, so that the line does not flicker between the two at every redraw.
   */
  /** A label too long to fit beside the position and ETA on 43 columns, so that the rate alone is at stake. */
  private static final String LONG_LABEL = "fit lvm iwae-5 on a data set with a long name";

  @Test
  void aPartAtTheEdgeStaysDroppedWhenItsDigitsShrinkAgain() {
    // "step 1200/2000 (60%)  9,999 ex/s  ETA 0:01" is 42 characters, with a rate of 10,001 ex/s 43.
    TerminalProgress p = TerminalProgress.to(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), LONG_LABEL, 2000, 43, ticking(TerminalProgress.REDRAW_NANOS));
    long second = 1_000_000_000L;
    assertEquals("step 1200/2000 (60%)  9,999 ex/s  ETA 0:01", p.fitted(1200, 9_999, Double.NaN, second));
    assertEquals("step 1200/2000 (60%)  ETA 0:01", p.fitted(1200, 10_001, Double.NaN, second));
    assertEquals("step 1200/2000 (60%)  ETA 0:01", p.fitted(1200, 9_999, Double.NaN, second));
    // A display that never drew the wider rate shows the narrower one: only this display's own history counts.
    TerminalProgress fresh = TerminalProgress.to(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), LONG_LABEL, 2000, 43, ticking(TerminalProgress.REDRAW_NANOS));
    assertEquals("step 1200/2000 (60%)  9,999 ex/s  ETA 0:01", fresh.fitted(1200, 9_999, Double.NaN, second));
  }

  @Test
  void aVeryNarrowLineIsCutFromItsEndToFitTheWidth() {
    assertEquals("step 1200/2", fitAfterAnEpoch(12).fitted(1200, 24_000, -1.2345, 2_000_000_000L));
    assertEquals("", fitAfterAnEpoch(1).fitted(1200, 24_000, -1.2345, 2_000_000_000L));
  }

  @Test
  void theLinesDrawnOnANarrowTerminalKeepTheEta() {
    String[] drawn = fitDrawnOnFortyColumns().strip().replace("\u001b[K", "").split("\r");
    // The first line has no ETA yet; every later one shows it, with the position.
    for (int i = 1; i < drawn.length; i++) {
      assertTrue(drawn[i].matches("step \\d+/2000 \\(\\d+%\\)  ETA \\d+:\\d\\d"), drawn[i]);
      assertTrue(drawn[i].length() <= 39, drawn[i].length() + " columns: " + drawn[i]);
    }
    assertTrue(drawn.length > 10, String.join("|", drawn));
  }

  @Test
  void theWidthComesFromTheLauncherThenColumnsThenADefault() {
    assertEquals(132, TerminalProgress.columns("132", "40"));
    assertEquals(40, TerminalProgress.columns(null, "40"));
    assertEquals(40, TerminalProgress.columns("0", "40"));
    assertEquals(TerminalProgress.DEFAULT_COLUMNS, TerminalProgress.columns(null, "wide"));
  }
}
