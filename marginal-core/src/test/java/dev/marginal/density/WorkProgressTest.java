package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.Evaluation;
import dev.marginal.config.WorkProgress;
import dev.marginal.data.Dataset;
import dev.marginal.data.Standardizer;
import dev.marginal.data.ToyData;
import dev.marginal.estimators.Ais;
import dev.marginal.estimators.BidirectionalMonteCarlo;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GmmOptions;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Long library work reports (done, total) on the calling thread, and gives the same results with a listener. */
class WorkProgressTest {
  private static final Dataset DATA = ToyData.generate("moons", 30, RngKey.of(2));

  /** Records every call with the thread it came on. */
  private static final class Recorder implements WorkProgress {
    final List<long[]> calls = new ArrayList<>();
    final List<Double> estimates = new ArrayList<>();
    final Thread caller = Thread.currentThread();
    boolean otherThread;

    @Override
    public void update(long done, long total, double estimate) {
      calls.add(new long[] {done, total});
      estimates.add(estimate);
      otherThread |= Thread.currentThread() != caller;
    }

    /** At least {@code minCalls} calls, done rising from ≥ 1 to the same total, all on the calling thread. */
    void assertReportedUpTo(int minCalls) {
      assertTrue(calls.size() >= minCalls, calls.size() + " calls");
      long total = calls.get(0)[1];
      long previous = 0;
      for (long[] c : calls) {
        assertEquals(total, c[1]);
        assertTrue(c[0] > previous && c[0] <= total, c[0] + " after " + previous + " of " + total);
        previous = c[0];
      }
      assertEquals(total, previous);
      assertTrue(!otherThread, "a call came from another thread");
    }
  }

  private static LvmDensityModel lvm() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
    return new LvmDensityModel(m, List.of("x0", "x1"), null);
  }

  @Test
  void iwaeScoringReportsEachPassAndScoresTheSameBits() {
    // K = 2000: 8 rows a pass, so 30 rows take 4 passes of 8·2000 units each (the last of 6 rows).
    DensityModel.ScoreOptions o = DensityModel.ScoreOptions.iwae(2000).withRepeats(2);
    Recorder r = new Recorder();
    DensityModel.LogDensity with = lvm().logDensity(DATA, o, RngKey.of(3), r);
    r.assertReportedUpTo(4);
    assertEquals(30L * 2000 * 2, r.calls.get(0)[1]);
    assertEquals(8L * 2000 * 2, r.calls.get(0)[0]);
    assertEquals(with, lvm().logDensity(DATA, o, RngKey.of(3)));
    assertEquals(with.mean(), r.estimates.get(r.estimates.size() - 1), 1e-12);
  }

  @Test
  void aPerDatapointModelCountsItsLocalFitsAndEveryEstimator() {
    LvmDensityModel m = lvm().withPerDatapointInference(LocalPosteriorFit.defaults().withSteps(5));
    List<DensityModel.ScoreOptions> o = List.of(DensityModel.ScoreOptions.iwae(50),
        DensityModel.ScoreOptions.elbo(1));
    Recorder r = new Recorder();
    List<DensityModel.LogDensity> with = m.logDensities(DATA, o, RngKey.of(3), r);
    r.assertReportedUpTo(3);
    assertEquals(30L * (5 * LocalPosteriorFit.DEFAULT_SAMPLES + 50 + 1), r.calls.get(0)[1]);
    assertTrue(Double.isNaN(r.estimates.get(0)), "no estimate while q is fitted");
    assertEquals(with, m.logDensities(DATA, o, RngKey.of(3)));
  }

  /** 40,000 rows: three passes of exact scoring and encoding, 16,384 rows each but the last. */
  private static final Dataset LARGE = ToyData.generate("moons", 40_000, RngKey.of(7));

  /** The rows of {@link #LARGE} standardized in double, as the model's standardization maps them. */
  private static double[][] standardized(Standardizer s) {
    double[][] x = new double[LARGE.rows()][2];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 2; j++) {
        x[i][j] = (LARGE.get(i, j) - s.mean()[j]) / s.sd()[j];
      }
    }
    return x;
  }

  /** Three passes reported, with the rows done so far and the mean of their values. */
  private static void assertThreePasses(Recorder r, double[] values) {
    r.assertReportedUpTo(3);
    assertEquals(3, r.calls.size());
    assertEquals(40_000, r.calls.get(0)[1]);
    assertEquals(16_384, r.calls.get(0)[0]);
    assertEquals(32_768, r.calls.get(1)[0]);
    if (values != null) {
      double sum = 0;
      for (int i = 0; i < 16_384; i++) {
        sum += values[i];
      }
      assertEquals(sum / 16_384, r.estimates.get(0));
    }
  }

  @Test
  void gmmExactScoringReportsEachPassAndScoresEveryRowAsTheMixtureDoes() {
    GmmDensityModel g = GmmDensityModel.fit(DATA, GmmOptions.of(2), true).model();
    Recorder r = new Recorder();
    DensityModel.LogDensity with = g.logDensity(LARGE, DensityModel.ScoreOptions.exact(), RngKey.of(0), r);
    assertThreePasses(r, with.value());
    Standardizer s = g.standardizer().orElseThrow();
    double[] expected = g.mixture().logProb(standardized(s));
    for (int i = 0; i < expected.length; i++) {
      expected[i] += s.logJacobian();
    }
    assertArrayEquals(expected, with.value());
    assertEquals(with, g.logDensity(LARGE, DensityModel.ScoreOptions.exact(), RngKey.of(0)));
  }

  @Test
  void ppcaExactScoringReportsEachPassAndScoresEveryRowAsThePpcaDoes() {
    PpcaDensityModel p = PpcaDensityModel.fit(DATA, 1, true).model();
    Recorder r = new Recorder();
    DensityModel.LogDensity with = p.logDensity(LARGE, DensityModel.ScoreOptions.exact(), RngKey.of(0), r);
    assertThreePasses(r, with.value());
    Standardizer s = p.standardizer().orElseThrow();
    double[] expected = p.ppca().logProb(standardized(s));
    for (int i = 0; i < expected.length; i++) {
      expected[i] += s.logJacobian();
    }
    assertArrayEquals(expected, with.value());
    assertEquals(with, p.logDensity(LARGE, DensityModel.ScoreOptions.exact(), RngKey.of(0)));
  }

  @Test
  void gmmAndPpcaEncodingReportEachPassAndEncodeEveryRowAlone() {
    GmmDensityModel g = GmmDensityModel.fit(DATA, GmmOptions.of(2), true).model();
    Recorder r = new Recorder();
    Dataset responsibilities = g.encode(LARGE, r);
    assertThreePasses(r, null);
    double[][] x = standardized(g.standardizer().orElseThrow());
    for (int i : new int[] {0, 16_383, 16_384, 39_999}) {
      double[] expected = g.mixture().responsibilities(x[i]);
      assertEquals((float) expected[1], responsibilities.get(i, 1));
    }
    assertArrayEquals(responsibilities.values(), g.encode(LARGE).values());

    PpcaDensityModel p = PpcaDensityModel.fit(DATA, 1, true).model();
    Recorder q = new Recorder();
    Dataset codes = p.encode(LARGE, q);
    assertThreePasses(q, null);
    double[][] y = standardized(p.standardizer().orElseThrow());
    for (int i : new int[] {0, 16_383, 16_384, 39_999}) {
      assertEquals((float) p.ppca().posterior(y[i]).mean()[0], codes.get(i, 0));
    }
    assertArrayEquals(codes.values(), p.encode(LARGE).values());
  }

  @Test
  void evaluationReportsItsScoringAndGivesTheSameReport() {
    Evaluation.Settings s = Evaluation.Settings.defaults().withNumSamples(100);
    Recorder r = new Recorder();
    Evaluation.Report with = Evaluation.evaluate(lvm(), DATA, s, r);
    r.assertReportedUpTo(6);
    // IWAE_100 and the ELBO, then IWAE_K for K = 1, 5, 50, 500 (K = 5000 is not the test K here); then the
    // active-unit count's encoder pass, one unit a row.
    assertEquals(30L * (100 + 1 + 1 + 5 + 50 + 500 + 5000) + 30, r.calls.get(0)[1]);
    assertEquals(with.toMap(), Evaluation.evaluate(lvm(), DATA, s).toMap());
  }

  @Test
  void evaluationReportsItsAisAndBdmcStepByStepUpToItsEnd() {
    // 3 annealing steps for the 30 rows' forward AIS, then 3 each way for 2 simulated points.
    Evaluation.Settings s = Evaluation.Settings.defaults().withNumSamples(10).withAis(true, 2, 3);
    LvmDensityModel m = lvm();
    Recorder r = new Recorder();
    Evaluation.Report with = Evaluation.evaluate(m, DATA, s, r);
    r.assertReportedUpTo(10);
    Ais ais = Ais.of(3);
    List<DensityModel.ScoreOptions> scored = List.of(DensityModel.ScoreOptions.iwae(10),
        DensityModel.ScoreOptions.elbo(1), DensityModel.ScoreOptions.iwae(1), DensityModel.ScoreOptions.iwae(5),
        DensityModel.ScoreOptions.iwae(50), DensityModel.ScoreOptions.iwae(500), DensityModel.ScoreOptions.iwae(5000));
    long scoring = m.scoreWork(30, scored);
    long total = scoring + 30 + m.aisWork(30, ais) + BidirectionalMonteCarlo.work(2, ais, 10, Sumo.DEFAULT_MIN_TERMS);
    assertEquals(total, r.calls.get(0)[1]);
    // Past the scoring and the active-unit count: forward AIS's 2 × 3 steps (pilot and chains) and BDMC's 2 × 2 × 3
    // steps, IWAE_K and SUMO, each reported.
    long after = r.calls.stream().filter(c -> c[0] > scoring + 30).count();
    assertEquals(6 + 12 + 2, after);
    assertEquals(with.toMap(), Evaluation.evaluate(m, DATA, s).toMap());
  }

  @Test
  void aPerDatapointEvaluationCountsTheActiveUnitsSecondFit() {
    LvmDensityModel m = lvm().withPerDatapointInference(LocalPosteriorFit.defaults().withSteps(5));
    Evaluation.Settings s = Evaluation.Settings.defaults().withNumSamples(10);
    Recorder r = new Recorder();
    Evaluation.Report with = Evaluation.evaluate(m, DATA, s, r);
    r.assertReportedUpTo(8);
    long fit = 5L * LocalPosteriorFit.DEFAULT_SAMPLES;
    assertEquals(30 * fit + 30L * (10 + 1 + 1 + 5 + 50 + 500 + 5000) + 30 * fit, r.calls.get(0)[1]);
    assertEquals(with.toMap(), Evaluation.evaluate(m, DATA, s).toMap());
  }

  @Test
  void aisOnDataReportsEveryAnnealingStepAndTheMeanOfEachChunk() {
    Ais ais = Ais.of(4);
    Recorder r = new Recorder();
    DensityModel.LogDensity with = lvm().aisLogDensity(DATA, ais, RngKey.of(5), r);
    // One chunk: the pilot's 4 steps and the chains' 4.
    r.assertReportedUpTo(8);
    assertEquals(8, r.calls.size());
    assertEquals(lvm().aisWork(30, ais), r.calls.get(0)[1]);
    assertEquals(30L * (Ais.PILOT_CHAINS + 16) * 4 * 6, r.calls.get(0)[1]);
    assertTrue(Double.isNaN(r.estimates.get(6)), "no mean before the chunk is done");
    assertEquals(with.mean(), r.estimates.get(7), 1e-12);
    assertEquals(with, lvm().aisLogDensity(DATA, ais, RngKey.of(5)));
  }

  @Test
  void bidirectionalMonteCarloReportsBothDirectionsStepByStep() {
    Ais ais = Ais.of(3);
    Recorder r = new Recorder();
    BidirectionalMonteCarlo.Report with = lvm().bidirectionalMonteCarlo(4, ais, 20, 1, RngKey.of(6), r);
    // One chunk: forward and reverse, each the pilot's 3 steps and the chains' 3, then IWAE_K and SUMO.
    r.assertReportedUpTo(14);
    assertEquals(14, r.calls.size());
    assertEquals(BidirectionalMonteCarlo.work(4, ais, 20, 1), r.calls.get(0)[1]);
    assertEquals(with, lvm().bidirectionalMonteCarlo(4, ais, 20, 1, RngKey.of(6)));
  }

  @Test
  void perDatapointEncodingReportsRowsEncodedChunkByChunk() {
    LvmDensityModel m = lvm().withPerDatapointInference(LocalPosteriorFit.defaults().withSteps(1));
    // 4096 rows a chunk with 4 samples each: 5000 rows take two.
    Dataset rows = ToyData.generate("moons", 5000, RngKey.of(4));
    Recorder r = new Recorder();
    Dataset with = m.encode(rows, r);
    r.assertReportedUpTo(2);
    assertEquals(5000, r.calls.get(0)[1]);
    assertTrue(java.util.Arrays.equals(with.values(), m.encode(rows).values()));
  }

  @Test
  void gmmFitReportsEveryIterationWithItsLogLikelihood() {
    GmmOptions o = GmmOptions.of(3).withNInit(2).withMaxIter(50);
    Recorder r = new Recorder();
    GmmDensityModel.Fitted with = GmmDensityModel.fit(DATA, o, false, r);
    r.assertReportedUpTo(2);
    assertEquals(100, r.calls.get(0)[1]);
    assertEquals(with.fit(), GmmDensityModel.fit(DATA, o, false).fit());
    for (double lowerBound : with.fit().lowerBoundHistory()) {
      assertTrue(r.estimates.contains(lowerBound), lowerBound + " not among " + r.estimates);
    }
  }
}
