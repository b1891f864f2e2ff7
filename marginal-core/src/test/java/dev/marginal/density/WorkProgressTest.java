package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.Evaluation;
import dev.marginal.config.WorkProgress;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
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

  @Test
  void exactScoringReportsOnceAtTheEnd() {
    GmmDensityModel g = GmmDensityModel.fit(DATA, GmmOptions.of(2), false).model();
    Recorder r = new Recorder();
    DensityModel.LogDensity with = g.logDensity(DATA, DensityModel.ScoreOptions.exact(), RngKey.of(0), r);
    r.assertReportedUpTo(1);
    assertEquals(30, r.calls.get(0)[1]);
    assertEquals(with, g.logDensity(DATA, DensityModel.ScoreOptions.exact(), RngKey.of(0)));
  }

  @Test
  void evaluationReportsItsScoringAndGivesTheSameReport() {
    Evaluation.Settings s = Evaluation.Settings.defaults().withNumSamples(100);
    Recorder r = new Recorder();
    Evaluation.Report with = Evaluation.evaluate(lvm(), DATA, s, r);
    r.assertReportedUpTo(6);
    // IWAE_100 and the ELBO, then IWAE_K for K = 1, 5, 50, 500 (K = 5000 is not the test K here).
    assertEquals(30L * (100 + 1 + 1 + 5 + 50 + 500 + 5000), r.calls.get(0)[1]);
    assertEquals(with.toMap(), Evaluation.evaluate(lvm(), DATA, s).toMap());
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
