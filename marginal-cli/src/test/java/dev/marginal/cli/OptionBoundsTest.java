package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.CsvReader;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.density.Models;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.train.LogZEstimate;
import dev.marginal.tensor.Parallel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes that cannot fit are refused before anything is allocated, in one line naming the option, the estimate and
 * what to change; samples stream to disk; thread counts are capped; no file in the directory changes.
 */
class OptionBoundsTest {
  @TempDir static Path dir;
  private static Path lvm;
  private static Path gmm;

  @BeforeAll
  static void fitModels() {
    lvm = dir.resolve("lvm.marginal");
    CliRun r = CliRun.of("fit", "--data", "toy:moons?n=60", "--model", "lvm", "--hidden", "8", "--steps", "2",
        "--out", lvm.toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
    gmm = dir.resolve("gmm.marginal");
    r = CliRun.of("fit", "--data", "toy:moons?n=60", "--model", "gmm", "--components", "2", "--out",
        gmm.toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
  }

  private static List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName() + ":" + p.toFile().length()).sorted().toList();
    }
  }

  private static String refused(String... args) throws IOException {
    List<String> before = listing();
    CliRun r = CliRun.of(args);
    assertEquals(Cli.EXIT_USAGE, r.code(), r.toString());
    assertEquals(1, r.errLines().size(), r.toString());
    String line = r.errLines().get(0);
    assertFalse(line.contains("Exception") || line.contains("\tat "), line);
    assertEquals(before, listing(), "files changed");
    return line;
  }

  private static String out(String name) {
    return dir.resolve(name).toString();
  }

  /**
   * An output whose name the file system cannot hold (here with the temporary file's additions) is refused before
   * the work, not when the result is saved: the training would otherwise run to its end and lose its result.
   */
  @Test
  void anOutputNameTooLongForTheFileSystemIsRefusedBeforeTheWork() throws IOException {
    String metrics = out("m".repeat(246) + ".csv");
    String line = refused("target", "--target", "u1", "--iters", "5", "--hidden", "8", "--eval-samples", "10",
        "--eval-k", "10", "--out", out("t.marginal"), "--metrics", metrics);
    assertEquals("marginal: --metrics " + metrics + ": cannot write (File name too long)", line);
    line = refused("sample", "--model", gmm.toString(), "--n", "3", "--out", out("s".repeat(300) + ".csv"));
    assertTrue(line.startsWith("marginal: --out ") && line.endsWith(": cannot write (File name too long)"), line);
  }

  @Test
  void importanceSamplesBeyondTheHeapNameTheOption() throws IOException {
    String line = refused("score", "--model", lvm.toString(), "--data", "toy:moons?n=5", "--estimator", "iwae",
        "--k", "1000000000", "--out", out("s.csv"));
    assertTrue(line.startsWith("marginal: --k 1000000000: K importance samples of one row would need about"), line);
    assertTrue(line.contains("lower --k"), line);
    assertTrue(refused("eval", "--model", lvm.toString(), "--data", "toy:moons?n=5", "--k", "1000000000")
        .contains("--k 1000000000"));
    assertTrue(refused("fit", "--data", "toy:moons?n=50", "--model", "lvm", "--k", "100000000", "--out",
        out("f.marginal")).contains("--k 100000000: a training step's K importance samples per point"));
  }

  @Test
  void aFitsStepBeyondTheHeapNamesTheOptionsGiven() throws IOException {
    // --batch alone was reported as "--k 5: ... lower --k", and SUMO's --min-terms as "--k too large".
    String line = refused("fit", "--data", "toy:moons?n=50", "--model", "lvm", "--batch", "2000000000", "--steps",
        "5", "--out", out("f.marginal"));
    assertTrue(line.startsWith("marginal: --batch 2000000000: a training step's K importance samples per point"
        + " would need about"), line);
    assertTrue(line.contains("; lower --batch") && !line.contains("--k"), line);
    line = refused("fit", "--data", "toy:moons?n=50", "--model", "lvm", "--k", "100000", "--batch", "100000",
        "--out", out("f.marginal"));
    assertTrue(line.startsWith("marginal: --k 100000 with --batch 100000: ") && line.contains("lower --k or --batch"),
        line);
    line = refused("fit", "--data", "toy:moons?n=50", "--model", "lvm", "--objective", "sumo", "--min-terms",
        "2000000000", "--steps", "5", "--out", out("f.marginal"));
    assertTrue(line.startsWith("marginal: --min-terms 2000000000: a training step's SUMO samples would need about"),
        line);
    assertTrue(line.contains("lower --min-terms") && !line.contains("--k"), line);
  }

  @Test
  void aLatentDimensionBeyondTheHeapIsNamedNotTheDefaultWidths() throws IOException {
    // It was reported as "--hidden 200,200: ...; lower --hidden", an option the run was not given.
    String line = refused("fit", "--data", "toy:moons?n=50", "--model", "lvm", "--latent", "100000000", "--steps",
        "5", "--out", out("f.marginal"));
    assertTrue(line.startsWith("marginal: --latent 100000000: the encoder and decoder weights would need about"),
        line);
    assertTrue(line.contains("lower --latent") && !line.contains("--hidden"), line);
    line = refused("fit", "--data", "toy:moons?n=50", "--model", "lvm", "--latent", "100000000", "--hidden", "300",
        "--out", out("f.marginal"));
    assertTrue(line.startsWith("marginal: --hidden 300 with --latent 100000000: ")
        && line.contains("lower --hidden or --latent"), line);
    line = refused("target", "--target", "funnel", "--latent", "100000000", "--out", out("t.marginal"));
    assertTrue(line.startsWith("marginal: --latent 100000000: ") && line.contains("lower --latent"), line);
  }

  @Test
  void noHeapIsSuggestedBeyondTheMachinesMemory() {
    long gib = 1L << 30;
    // The suggestions were -Xmx7750g for fit --batch 2000000000 and -Xmx402332g for target --batch 1000000000.
    assertEquals("--batch 9: a step would need about 3.0 TiB of memory, more than the 4.0 GiB heap and the 16.0 GiB"
        + " of memory of this machine; lower --batch",
        Limits.tooLarge("--batch 9", 3072 * gib, "a step", "lower --batch", 4 * gib, 16 * gib));
    assertEquals("--batch 9: a step would need about 6.0 GiB of memory, more than the 4.0 GiB heap; lower --batch or"
        + " give the JVM more memory, e.g. MARGINAL_JAVA_OPTS=-Xmx14g",
        Limits.tooLarge("--batch 9", 6 * gib, "a step", "lower --batch", 4 * gib, 64 * gib));
    // Within the machine's memory, the suggestion is at most what it has.
    assertTrue(Limits.tooLarge("--batch 9", 12 * gib, "a step", "lower --batch", 4 * gib, 16 * gib)
        .endsWith("MARGINAL_JAVA_OPTS=-Xmx16g"));
    assertTrue(Limits.physicalBytes() > 0);
  }

  @Test
  void evalsAisSettingsBeyondTheHeapNameTheOptionBeforeAnyWork() throws IOException {
    // --bdmc 2000000000 overflowed into "marginal: -294967296" (exit 1); --bdmc 100000000 ran the evaluation and
    // then out of memory; --ais-steps 2000000000 ran out of memory in the AIS schedule.
    String line = refused("eval", "--model", lvm.toString(), "--data", "toy:moons?n=10", "--bdmc", "2000000000");
    assertTrue(line.startsWith("marginal: --bdmc 2000000000: the simulated points, their latents and encodings would"
        + " need about"), line);
    assertTrue(line.contains("lower --bdmc"), line);
    assertTrue(refused("eval", "--model", lvm.toString(), "--data", "toy:moons?n=10", "--bdmc", "100000000")
        .startsWith("marginal: --bdmc 100000000: "));
    line = refused("eval", "--model", lvm.toString(), "--data", "toy:moons?n=10", "--ais", "--ais-steps",
        "2000000000");
    assertTrue(line.startsWith("marginal: --ais-steps 2000000000: AIS's step sizes per annealing step")
        && line.contains("lower --ais-steps"), line);
    assertTrue(refused("eval", "--model", lvm.toString(), "--data", "toy:moons?n=10", "--bdmc", "5", "--ais-steps",
        "2000000000").startsWith("marginal: --ais-steps 2000000000: "));
    // What these settings hold at ordinary sizes stays small.
    DeepLvm.Config moons = new DeepLvm.Config(2, 2, new int[] {200, 200}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN);
    assertTrue(Limits.aisBytes(moons, 10_000, 1024, 16) < 400L << 20, Limits.human(Limits.aisBytes(moons, 10_000,
        1024, 16)));
    assertTrue(Limits.bdmcBytes(moons, 100_000) < 1L << 30, Limits.human(Limits.bdmcBytes(moons, 100_000)));
  }

  @Test
  void aMillionImportanceSamplesOfOneImageFitABlockedBernoulliEvaluation() {
    // 784-50-8 with a Bernoulli decoder: the samples are decoded in blocks, so memory grows with K times the latent
    // width, not K times the 784 pixels (that estimate was 36.8 GiB).
    DeepLvm.Config bernoulli = new DeepLvm.Config(784, 8, new int[] {50}, Activation.TANH,
        DeepLvm.Decoder.BERNOULLI);
    long million = Limits.importanceSampleBytes(bernoulli, 1_000_000);
    assertTrue(million < 1L << 30, Limits.human(million));
    assertTrue(million > 1_000_000L * 8 * 4, "z alone is K x 8 floats: " + Limits.human(million));
    assertTrue(Limits.importanceSampleBytes(bernoulli, Integer.MAX_VALUE) > 256L << 30,
        "2^31 samples cannot fit any ordinary heap");
    // A Gaussian decoder holds every sample's activations: K times the data width.
    DeepLvm.Config gaussian = new DeepLvm.Config(784, 8, new int[] {50}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN);
    assertTrue(Limits.importanceSampleBytes(gaussian, 1_000_000) > 30L << 30);
    DensityModel model = new LvmDensityModel(DeepLvm.create(bernoulli, RngKey.of(0), null),
        IntStream.range(0, 784).mapToObj(i -> "px" + i).toList(), null);
    UserInputException e = assertThrows(UserInputException.class,
        () -> Limits.checkImportanceSamples("--k", Integer.MAX_VALUE, model));
    assertEquals("--k 2147483647: K samples of the 8-D latent would exceed 2^31 entries; lower --k", e.getMessage());
  }

  /**
   * A small CSV of 100,000 columns (3 rows) is refused before a d × d matrix is allocated: a full-covariance mixture
   * would need a 100,000 × 100,000 covariance per component (75 GiB), PPCA its sample covariance; the message names
   * the file, the size and what to change. A diagonal or spherical mixture of the same file holds k·d numbers and
   * fits.
   */
  @Test
  void aWideCsvIsRefusedBeforeAnyDByDMatrixIsAllocated() throws IOException {
    int d = 100_000;
    StringBuilder csv = new StringBuilder();
    csv.append(String.join(",", IntStream.range(0, d).mapToObj(i -> "c" + i).toList())).append('\n');
    for (int r = 0; r < 3; r++) {
      int row = r;
      csv.append(String.join(",", IntStream.range(0, d).mapToObj(i -> String.valueOf((row * 7 + i) % 5)).toList()))
          .append('\n');
    }
    Path wide = dir.resolve("wide.csv");
    Files.writeString(wide, csv);
    String gmmLine = refused("fit", "--data", wide.toString(), "--model", "gmm", "--out", out("w.marginal"));
    assertTrue(gmmLine.startsWith("marginal: " + wide + ": 100000 columns need a 100000 × 100000 covariance per"
        + " component (about 74.5 GiB), and fitting 1 component would need about "), gmmLine);
    // About 670 GiB: more than this machine's memory, so no larger heap is suggested.
    assertTrue(gmmLine.endsWith("heap; use --covariance diag or spherical, or fewer --columns"), gmmLine);
    assertTrue(refused("fit", "--data", wide.toString(), "--model", "gmm", "--components", "2", "--out",
        out("w.marginal")).endsWith("or fewer --columns or --components"));
    String ppcaLine = refused("fit", "--data", wide.toString(), "--model", "ppca", "--out", out("w.marginal"));
    assertTrue(ppcaLine.startsWith("marginal: " + wide + ": 100000 columns need the 100000 × 100000 sample"
        + " covariance (about 74.5 GiB), and the fit would need about "), ppcaLine);
    assertTrue(ppcaLine.contains("heap; use fewer --columns"), ppcaLine);
    for (String type : List.of("diag", "spherical")) {
      CliRun r = CliRun.of("fit", "--data", wide.toString(), "--model", "gmm", "--covariance", type, "--out",
          out("w-" + type + ".marginal"), "--threads", "1", "--quiet");
      assertEquals(0, r.code(), r.toString());
    }
  }

  @Test
  void networksBeyondTheHeapAreRefusedBeforeAllocation() throws IOException {
    assertTrue(refused("fit", "--data", "toy:moons?n=50", "--model", "lvm", "--hidden", "100000,100000", "--out",
        out("f.marginal")).contains("--hidden 100000,100000: the encoder and decoder weights would need about"));
    assertTrue(refused("target", "--target", "mixture", "--hidden", "100000,100000", "--out", out("t.marginal"))
        .contains("--hidden 100000,100000"));
  }

  @Test
  void targetSizesBeyondTheHeapNameTheOptionBeforeAnyWork() throws IOException {
    // These ran into an out-of-memory error after the run started, or a negative array size ("marginal: -84901888",
    // exit 1), or a SUMO size reported as --k.
    assertTrue(refused("target", "--target", "many-well:1000000", "--iters", "2", "--out", out("t.marginal"))
        .startsWith("marginal: --target many-well:1000000: the 1000000-D surrogate's weights (--hidden 128, --latent"
            + " 8) with their gradients and optimizer state would need about"));
    // Wider still, the default network's weights passed the target's width to a refusal naming --hidden and --latent.
    assertTrue(refused("target", "--target", "many-well:100000000", "--iters", "2", "--out", out("t.marginal"))
        .startsWith("marginal: --target many-well:100000000: the 100000000-D surrogate's weights (--hidden 128,"
            + " --latent 8) with their gradients and optimizer state would need about"));
    assertTrue(refused("target", "--target", "funnel", "--recipe", "reverse", "--batch", "100000000", "--out",
        out("t.marginal")).contains("--min-terms 4 with --batch 100000000: a training step's SUMO samples"));
    assertTrue(refused("target", "--target", "u1", "--batch", "100000000", "--out", out("t.marginal"))
        .contains("--k 50 with --batch 100000000: a training step's K importance samples"));
    assertTrue(refused("target", "--target", "funnel", "--recipe", "reverse", "--min-terms", "100000000", "--out",
        out("t.marginal")).contains("--min-terms 100000000 with --batch 32"));
    assertTrue(refused("target", "--target", "funnel", "--eval-k", "100000000", "--out", out("t.marginal"))
        .contains("--eval-k 100000000: K importance samples of one surrogate sample would need about"));
    assertTrue(refused("target", "--target", "funnel", "--eval-samples", "100000000", "--out", out("t.marginal"))
        .contains("--eval-samples 100000000: the surrogate samples of an evaluation would need about"));
  }

  @Test
  void aWideTargetsEvaluationBeyondTheHeapNamesTheTargetBeforeAnyWork() throws IOException {
    // The evaluation's 20,000 draws of the surrogate and of the target, 100,000 values each, and its log Z chunk of
    // 4,096 draws: tiny --eval-samples and --eval-k passed the checks, and the run ran out of memory once it
    // evaluated (a 10,000-D many-well after about 36 s under a 6 GiB heap).
    String line = refused("target", "--target", "many-well:100000", "--iters", "2", "--eval-samples", "2",
        "--eval-k", "2", "--out", out("t.marginal"));
    assertTrue(line.startsWith("marginal: --target many-well:100000: an evaluation's 20000 draws of the 100000-D"
        + " surrogate and of the target with its log Z passes would need about"), line);
    assertTrue(line.contains("use a target of fewer dimensions"), line);
    // What a narrow target's evaluation holds stays small: such a run is not refused on a small heap.
    DeepLvm.Config narrow = new DeepLvm.Config(200, 8, new int[] {128}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN);
    long evaluation = Limits.evaluationBytes(narrow, 40_000, 1000, 5000, 100);
    assertTrue(evaluation < 400L << 20, Limits.human(evaluation));
    // A pass of K = 5000 samples of one row of a 10,000-D surrogate is counted whole.
    DeepLvm.Config wide = new DeepLvm.Config(10_000, 8, new int[] {128}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN);
    assertEquals(Limits.evaluationActivationBytes(wide, 5000), Limits.evaluationPassBytes(wide, 1000, 5000));
    // Nor is a 2-D target's on a small one: the funnel's evaluation ran in a heap of 88 MiB, where a count of four
    // copies per activation (273 MiB) refused it under 256 MiB.
    DeepLvm.Config funnel = new DeepLvm.Config(2, 8, new int[] {128}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN);
    long funnelEvaluation = Limits.evaluationBytes(funnel, 40_000, 1, 1, LogZEstimate.DEFAULT_INNER_K);
    assertTrue(funnelEvaluation < 150L << 20, Limits.human(funnelEvaluation));
  }

  @Test
  void sumoTermsAndRepeatsBeyondTheHeapNameTheOption() throws IOException {
    // --min-terms 100000000 failed with a negative array size, 2147483647 overflowed into "got -2147483648".
    assertTrue(refused("score", "--model", lvm.toString(), "--data", "toy:moons?n=5", "--estimator", "sumo",
        "--min-terms", "100000000", "--out", out("s.csv")).startsWith("marginal: --min-terms 100000000: "));
    assertTrue(refused("score", "--model", lvm.toString(), "--data", "toy:moons?n=5", "--estimator", "sumo",
        "--min-terms", "2147483647", "--out", out("s.csv")).contains("lower --min-terms"));
    // Every repeat's estimates are held: 2^31 repeats ran out of memory, 10^8 of them ran on for hours.
    assertTrue(refused("score", "--model", lvm.toString(), "--data", "toy:moons?n=20", "--estimator", "iwae",
        "--k", "5", "--repeats", "2147483647", "--out", out("s.csv"))
        .startsWith("marginal: --repeats 2147483647: the estimates of every repeat would need about"));
    assertTrue(refused("score", "--model", lvm.toString(), "--data", "toy:moons?n=20", "--estimator", "sumo",
        "--repeats", "100000000", "--out", out("s.csv")).contains("lower --repeats"));
  }

  @Test
  void aLearningRateWarmupLongerThanTheRunNamesBothOptions() throws IOException {
    assertEquals("marginal: --warmup 100 is longer than the run's --iters 10: the learning rates would still be rising "
        + "when it ends, never reaching their set values; give a --warmup of at most --iters",
        refused("target", "--target", "u1", "--iters", "10", "--warmup", "100", "--out", out("w.marginal")));
  }

  @Test
  void countsThatOverflowAreRefused() throws IOException {
    assertTrue(refused("fit", "--data", "toy:moons?n=2000000000", "--model", "gmm", "--out", out("f.marginal"))
        .contains("toy:moons: n=2000000000 points would need about"));
    assertTrue(refused("target", "--target", "mixture", "--iters", "3000000000", "--out", out("t.marginal"))
        .contains("--iters must be at most 2147483639, got 3000000000"));
    assertTrue(refused("fit", "--data", "toy:moons?n=50", "--model", "lvm", "--per-datapoint", "--local-steps",
        "1000000000", "--out", out("f.marginal")).contains("--local-steps must be at most"));
  }

  @Test
  void samplesBeyondTheDiskAreRefused() throws IOException {
    StringBuilder csv = new StringBuilder();
    for (int j = 0; j < 300; j++) {
      csv.append(j == 0 ? "" : ",").append("c").append(j);
    }
    csv.append('\n');
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 300; j++) {
        csv.append(j == 0 ? "" : ",").append((i * 7 + j * 3) % 11);
      }
      csv.append('\n');
    }
    Path wide = dir.resolve("wide.csv");
    Files.writeString(wide, csv);
    Path wideModel = dir.resolve("wide.marginal");
    assertEquals(0, CliRun.of("fit", "--data", wide.toString(), "--model", "gmm", "--components", "1",
        "--covariance", "diag", "--out", wideModel.toString(), "--quiet").code());
    // 2e9 rows of 300 values: terabytes of text.
    assertTrue(refused("sample", "--model", wideModel.toString(), "--n", "2000000000", "--out", out("big.csv"))
        .contains("--n 2000000000: the CSV would take about"));
  }

  @Test
  void samplesStreamInPiecesAndTheFirstPieceIsTheModelsOwnDraw() throws IOException {
    Path s = dir.resolve("stream.csv");
    int n = SampleStream.CHUNK_ROWS + 1000;
    CliRun r = CliRun.of("sample", "--model", gmm.toString(), "--n", String.valueOf(n), "--seed", "4", "--out",
        s.toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
    Dataset written = CsvReader.read(s);
    assertEquals(n, written.rows());
    DensityModel m = Models.read(gmm);
    float[] direct = m.sample(RngKey.of(4), SampleStream.CHUNK_ROWS).values();
    float[] head = Arrays.copyOf(written.values(), direct.length);
    assertArrayEquals(direct, head);
    float[] tail = Arrays.copyOfRange(written.values(), direct.length, written.values().length);
    assertArrayEquals(m.sample(RngKey.of(4).foldIn(1), 1000).values(), tail);
    Files.delete(s);
  }

  @Test
  void threadsAreCappedAtTheCores() {
    CliRun r = CliRun.of("fit", "--data", "toy:moons?n=60", "--model", "lvm", "--hidden", "4", "--steps", "1",
        "--threads", "1000", "--out", out("t.marginal"), "--quiet");
    assertEquals(0, r.code(), r.toString());
    assertEquals(Runtime.getRuntime().availableProcessors(), Parallel.defaultThreads());
    assertEquals(Runtime.getRuntime().availableProcessors(), Limits.threads(1000));
    assertEquals(1, Limits.threads(1));
  }

  @Test
  void emptyIdxDataIsAnError() throws IOException {
    Path empty = dir.resolve("empty-images.idx");
    Files.write(empty, ByteBuffer.allocate(16).putInt(0x803).putInt(0).putInt(1).putInt(2).array());
    String line = refused("score", "--model", gmm.toString(), "--data", empty.toString(), "--out", out("e.csv"));
    assertTrue(line.contains(empty + ": no data rows"), line);
  }

  @Test
  void aModelThatCannotBeWrittenIsSavedElsewhereAndTheMessageSaysWhere() throws IOException {
    Path blocker = dir.resolve("blocker");
    Files.writeString(blocker, "a file where a directory is expected");
    Path out = blocker.resolve("m.marginal");
    ModelFile file = ModelFile.read(gmm);
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> Commands.writeModel(file, out));
    Path rescue = Commands.rescuePath(out);
    try {
      assertTrue(e.getMessage().contains("the model was saved to " + rescue + " instead"), e.getMessage());
      assertArrayEquals(file.float64("covariances").values(), ModelFile.read(rescue).float64("covariances").values());
    } finally {
      Files.deleteIfExists(rescue);
      Files.delete(blocker);
    }
  }
}
