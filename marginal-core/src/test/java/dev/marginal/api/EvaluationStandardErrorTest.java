package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.estimators.Ais;
import dev.marginal.math.MeanEstimate;
import dev.marginal.models.GmmOptions;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A deep LVM's evaluation gives the ELBO, every IWAE_K and forward AIS with their standard errors over rows, equal to
 * those of per-row values computed apart from the evaluation.
 */
class EvaluationStandardErrorTest {
  private static final Dataset MOONS = ToyData.generate("moons", 200, RngKey.of(3));
  private static final long SEED = 11;
  private static final int ROWS = 12;
  private static final int AIS_STEPS = 10;

  /**
   * Two standard errors of the same values by different algorithms (Welford's one pass here, two passes in
   * MeanEstimate): both are backward stable in double and differ by rounding of order n·ε·(1 + |mean|/s), with
   * |mean|/s below 3 here: 12 · 1.1e-16 · 4 ≈ 5e-15 relative (seen: 2e-16). 1e-12 relative leaves room for that and
   * nothing else: dividing by n instead of n − 1 moves the standard error by 4%, a standard error over samples
   * instead of rows by far more.
   */
  private static final double SE_RELATIVE_TOLERANCE = 1e-12;

  private static LvmDensityModel model() {
    DeepLvmOptions.Architecture small = new DeepLvmOptions.Architecture(2, new int[] {16}, Activation.TANH, null);
    return DeepLvmFit.fit(MOONS, DeepLvmOptions.defaults().withEpochs(1).withArchitecture(small)).model();
  }

  /** s / √n with s the sample standard deviation (n − 1), by Welford's one-pass update. */
  private static double welfordStandardError(double[] v) {
    double m = 0;
    double m2 = 0;
    for (int i = 0; i < v.length; i++) {
      double delta = v[i] - m;
      m += delta / (i + 1);
      m2 += delta * (v[i] - m);
    }
    return Math.sqrt(m2 / (v.length - 1) / v.length);
  }

  private static void assertMeanAndSe(double[] perRow, MeanEstimate reported, String what) {
    assertEquals(MeanEstimate.mean(perRow), reported.mean(), 0.0,
        what + ": the mean is that of the per-row values, bit for bit");
    double se = welfordStandardError(perRow);
    assertTrue(se > 0, what + ": rows that differ");
    assertEquals(se, reported.stdErr(), SE_RELATIVE_TOLERANCE * se, what + ": the standard error over rows");
  }

  @Test
  void eachBoundsStandardErrorIsThatOfItsPerRowValuesScoredOneRowAtATime() {
    LvmDensityModel lvm = model();
    Dataset data = MOONS.head(ROWS);
    Evaluation.Report r = Evaluation.evaluate(lvm, data,
        Evaluation.Settings.defaults().withNumSamples(50).withSeed(SEED).withAis(true, 0, AIS_STEPS));

    // The evaluation's estimators, each row scored in a call of its own: row i is row i of the whole set by its id,
    // so it draws what the evaluation drew for it (LvmDensityModel.logDensities with row ids).
    List<DensityModel.ScoreOptions> options = new ArrayList<>();
    options.add(DensityModel.ScoreOptions.elbo(1));
    Evaluation.BOUND_K.forEach(k -> options.add(DensityModel.ScoreOptions.iwae(k)));
    double[][] perRow = new double[options.size()][ROWS];
    for (int i = 0; i < ROWS; i++) {
      List<DensityModel.LogDensity> one = lvm.logDensities(data.subset(new int[] {i}), new long[] {i}, options,
          RngKey.of(SEED));
      for (int e = 0; e < options.size(); e++) {
        perRow[e][i] = one.get(e).value()[0];
      }
    }

    assertMeanAndSe(perRow[0], r.elboEstimate(), "ELBO");
    assertEquals(r.elboEstimate().mean(), r.elbo(), 0.0, "the old accessor");
    for (int j = 0; j < Evaluation.BOUND_K.size(); j++) {
      int k = Evaluation.BOUND_K.get(j);
      assertMeanAndSe(perRow[j + 1], r.iwaeEstimates().get(k), "IWAE_" + k);
      assertEquals(r.iwaeEstimates().get(k).mean(), r.iwae().get(k), 0.0, "the old accessor, K = " + k);
    }
    assertEquals(r.nll().stdErr(), r.iwaeEstimates().get(50).stdErr(), 0.0, "the test NLL is −IWAE_50 here");

    double[] ais = lvm.aisLogDensity(data, Ais.of(AIS_STEPS), RngKey.of(SEED)).value();
    assertMeanAndSe(ais, r.aisEstimate(), "AIS");
    assertEquals(r.aisEstimate().mean(), r.ais(), 0.0, "the old accessor");

    Map<String, Object> m = r.toMap();
    assertEquals(r.elboEstimate().stdErr(), (double) m.get("elbo_se"), 0.0);
    for (int k : Evaluation.BOUND_K) {
      assertEquals(r.iwaeEstimates().get(k).mean(), (double) m.get("iwae_" + k), 0.0);
      assertEquals(r.iwaeEstimates().get(k).stdErr(), (double) m.get("iwae_" + k + "_se"), 0.0);
    }
    assertEquals(r.aisEstimate().stdErr(), (double) m.get("ais_" + AIS_STEPS + "_se"), 0.0);
    assertEquals(-r.aisEstimate().mean(), (double) m.get("nll_ais"), 0.0);
    assertEquals(r.aisEstimate().stdErr(), (double) m.get("nll_ais_se"), 0.0);
  }

  @Test
  void anExactModelHasNoBoundsAndNoAis() {
    GmmDensityModel gmm = GmmDensityModel.fit(MOONS, GmmOptions.of(2), false).model();
    Evaluation.Report r = Evaluation.evaluate(gmm, MOONS.head(ROWS), Evaluation.Settings.defaults());
    assertNull(r.elboEstimate());
    assertNull(r.aisEstimate());
    assertTrue(Double.isNaN(r.elbo()) && Double.isNaN(r.ais()) && r.iwae().isEmpty() && r.iwaeEstimates().isEmpty());
    assertTrue(r.toMap().keySet().stream().noneMatch(k -> k.startsWith("elbo") || k.startsWith("iwae")), r.toString());
  }
}
