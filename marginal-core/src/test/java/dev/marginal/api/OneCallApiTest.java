package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.data.Binarization;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.math.MeanEstimate;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GmmOptions;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import dev.marginal.train.LvmTrainer;
import dev.marginal.train.Progress;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.ReverseKlRun;
import dev.marginal.train.ReverseKlTrainer;
import dev.marginal.train.SurrogateMetrics;
import dev.marginal.train.TrainingState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-call API does exactly what the hand-written recipe does, and reports what it did. */
class OneCallApiTest {
  private static final Dataset MOONS = ToyData.generate("moons", 200, RngKey.of(3));
  private static final DeepLvmOptions.Architecture SMALL =
      new DeepLvmOptions.Architecture(2, new int[] {16}, Activation.TANH, null);

  private static float[][] values(DeepLvm m) {
    List<Parameter> ps = m.parameters();
    float[][] v = new float[ps.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = ps.get(i).value().toArray();
    }
    return v;
  }

  private static void assertSameParameters(DeepLvm expected, DeepLvm actual) {
    float[][] a = values(expected);
    float[][] b = values(actual);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], "parameter " + i);
    }
  }

  @Test
  void deepLvmFitEqualsTheManualRecipeBitForBit() throws Exception {
    DeepLvmOptions o = DeepLvmOptions.defaults().withEpochs(3).withArchitecture(SMALL).withSeed(7);
    DeepLvmFit.Result fit = DeepLvmFit.fit(MOONS, o);
    // By hand: a Gaussian decoder (moons leave [0, 1]) with its bias at the column means, the resolved options.
    double[] m = new double[2];
    for (int i = 0; i < MOONS.rows(); i++) {
      m[0] += MOONS.get(i, 0);
      m[1] += MOONS.get(i, 1);
    }
    float[] means = {(float) (m[0] / MOONS.rows()), (float) (m[1] / MOONS.rows())};
    DeepLvm manual = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {16}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN), RngKey.of(7), means);
    new LvmTrainer(manual, o.resolvedTraining().withBinarization(Binarization.NONE))
        .fit(MOONS, null, Progress.silent(), () -> false, t -> { });
    assertSameParameters(manual, fit.model().model());
    assertEquals(TrainingState.Status.COMPLETED, fit.state().status());
    assertEquals("completed", fit.summary().get("status"));
    assertEquals(7L, fit.provenance().seed());
    assertEquals(MOONS.source(), fit.provenance().source());
    assertEquals(1, fit.provenance().options().get("warmupEpochs"), "40% of 3 epochs, rounded");
  }

  /**
   * The result's warnings include those of the last evaluation's diagnostics, which the CLI prints: a 2-D many-well
   * after 30 steps has log Z weights with Pareto k̂ above 0.7 (about 1.3).
   */
  @Test
  void surrogateTrainingWarnsOfUnreliableImportanceWeights() {
    Target wells = Targets.of("many-well:2");
    ReverseKlOptions o = ReverseKlOptions.forTarget(wells).withIterations(30);
    SurrogateMetrics.Settings s = new SurrogateMetrics.Settings(50, 20, ReverseKlOptions.DEFAULT_MIN_TERMS, 100);
    SurrogateTraining.Result r = SurrogateTraining.train(wells, o,
        SurrogateTraining.Control.none().withEvaluation(0, s));
    SurrogateMetrics last = r.finalMetrics();
    assertTrue(last.checks().logZ().unreliable(), "precondition: k̂ = " + last.checks().logZ().paretoK());
    assertTrue(r.warnings().contains("step 30: the log Z estimate: " + last.checks().logZ().warning()),
        r.warnings().toString());
    long iwae = r.warnings().stream().filter(w -> w.startsWith("step 30: the IWAE-20 weights")).count();
    assertEquals(last.iwaeDiagnostics().anyUnreliable() ? 1 : 0, iwae, r.warnings().toString());
  }

  /** A 2-D standard normal that declares a log Z 50 nats below its own, so that every KL estimate is about 50 low. */
  private static final class UnderstatedLogZ implements Target {
    @Override
    public String name() {
      return "understated-log-z";
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public dev.marginal.autodiff.Var logDensity(dev.marginal.autodiff.Var x) {
      return x.square().sum(-1, false).mul(-0.5f);
    }

    @Override
    public java.util.OptionalDouble logZ() {
      return java.util.OptionalDouble.of(Math.log(2 * Math.PI) - 50);
    }
  }

  /** A KL estimate significantly below zero on a normalized target is a warning, for IWAE and for SUMO alike. */
  @Test
  void surrogateTrainingWarnsOfNegativeKlEstimates() {
    Target t = new UnderstatedLogZ();
    ReverseKlOptions o = ReverseKlOptions.forTarget(t).withIterations(30);
    SurrogateMetrics.Settings s = new SurrogateMetrics.Settings(50, 20, ReverseKlOptions.DEFAULT_MIN_TERMS, 100);
    SurrogateTraining.Result r = SurrogateTraining.train(t, o, SurrogateTraining.Control.none().withEvaluation(0, s));
    SurrogateMetrics last = r.finalMetrics();
    assertTrue(last.klIwae() + 2 * last.klIwaeSe() < 0, "precondition: " + last.klIwae() + " ± " + last.klIwaeSe());
    assertTrue(r.warnings().contains(String.format(java.util.Locale.ROOT, "step 30: the IWAE-20 estimate of KL(q||p) is"
        + " %.4f ± %.4f < 0 on a normalized target: the IWAE bound under-estimates log q(x) for this surrogate, a bias"
        + " that training on the IWAE objective rewards", last.klIwae(), last.klIwaeSe())), r.warnings().toString());
    assertEquals(1, r.warnings().stream().filter(w -> w.startsWith("step 30: the SUMO estimate of KL(q||p) is ")
        && w.endsWith("< 0 on a normalized target (SUMO is unbiased, so this is noise or a heavy tail: evaluate with"
        + " more samples)")).count(), r.warnings().toString());
  }

  /** Without a chosen estimator a model scores as {@code marginal score} does: exact where it can, else IWAE-5000. */
  @Test
  void theDefaultEstimatorIsExactWhereTheModelHasItElseIwae5000() {
    Dataset rows = MOONS.head(4);
    RngKey key = RngKey.of(11);
    GmmDensityModel gmm = GmmDensityModel.fit(MOONS, GmmOptions.of(2), false).model();
    assertEquals(DensityModel.ScoreOptions.exact(), gmm.defaultScoreOptions());
    assertArrayEquals(gmm.logDensity(rows, DensityModel.ScoreOptions.exact(), key).value(),
        gmm.logDensity(rows, key).value());
    DensityModel lvm = DeepLvmFit.fit(MOONS, DeepLvmOptions.defaults().withEpochs(1).withArchitecture(SMALL))
        .model();
    assertEquals(DensityModel.ScoreOptions.iwae(5000), lvm.defaultScoreOptions());
    DensityModel.LogDensity byDefault = lvm.logDensity(rows, key);
    assertEquals("iwae-5000", byDefault.estimator());
    assertArrayEquals(lvm.logDensity(rows, DensityModel.ScoreOptions.iwae(5000), key).value(), byDefault.value());
  }

  @Test
  void surrogateTrainingReturnsTheAveragedModel() throws Exception {
    Target funnel = Targets.of("funnel");
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(30).withAveraging(0.9)
        .withArchitecture(2, new int[] {16}, Activation.TANH);
    SurrogateMetrics.Settings quick = new SurrogateMetrics.Settings(20, 10, 4, 100);
    SurrogateTraining.Result r = SurrogateTraining.train(funnel, o,
        SurrogateTraining.Control.none().withEvaluation(0, quick));
    DeepLvm raw = ReverseKlTrainer.newSurrogate(funnel, o);
    ReverseKlTrainer trainer = new ReverseKlTrainer(raw, funnel, o);
    ReverseKlRun.run(trainer, funnel, o, ReverseKlRun.Control.defaults().withEvaluation(0, quick));
    float[][] last = values(raw);
    trainer.finishWithAveragedParametersInPlace();
    assertSameParameters(raw, r.model().model());
    assertFalse(java.util.Arrays.equals(last[0], values(r.model().model())[0]),
        "the returned model is the average, not the last iterate");
    assertEquals(30, r.steps());
    assertEquals(30, r.losses().length);
    assertEquals(ReverseKlRun.Status.COMPLETED, r.status());
    assertEquals(30, r.finalMetrics().step());
    assertEquals("funnel", r.provenance().source());
  }

  @Test
  void evaluatingAGmmGivesItsExactMeanLogLikelihoodAndItsStandardError() {
    GmmDensityModel gmm = GmmDensityModel.fit(MOONS, GmmOptions.of(3), false).model();
    Evaluation.Report r = Evaluation.evaluate(gmm, MOONS, Evaluation.Settings.defaults());
    double[] lp = gmm.logDensity(MOONS, DensityModel.ScoreOptions.exact(), RngKey.of(0)).value();
    assertEquals(-MeanEstimate.mean(lp), r.nll().mean(), 0.0);
    assertEquals(MeanEstimate.standardError(lp), r.nll().stdErr(), 0.0);
    assertTrue(r.exact());
    assertEquals(-r.nll().mean(), (double) r.toMap().get("mean_log_likelihood"), 0.0);
  }

  @Test
  void evaluatingADeepLvmReportsEveryBoundAndIwaeOneIsTheElbo() {
    DeepLvmFit.Result fit = DeepLvmFit.fit(MOONS, DeepLvmOptions.defaults().withEpochs(1).withArchitecture(SMALL));
    Evaluation.Report r = Evaluation.evaluate(fit.model(), MOONS.head(10), Evaluation.Settings.defaults()
        .withNumSamples(50));
    assertEquals(Evaluation.BOUND_K, List.copyOf(r.iwae().keySet()));
    assertEquals(r.elbo(), r.iwae().get(1), 0.0, "IWAE_1 with the ELBO's draws is the ELBO");
    assertEquals(-r.nll().mean(), r.iwae().get(50), 0.0, "the test NLL is −IWAE_50 here");
    assertTrue(r.iwae().get(5000) >= r.elbo(), "IWAE_5000 " + r.iwae().get(5000) + " below the ELBO " + r.elbo());
    assertTrue(r.activeUnits() >= 0 && r.activeUnits() <= 2);
    assertEquals(2, r.latentDim());
  }

  @Test
  void floatRowsWorkWherever() {
    float[][] rows = MOONS.toRows();
    Dataset back = Dataset.ofRows(rows);
    assertArrayEquals(MOONS.values(), back.values());
    GmmDensityModel gmm = GmmDensityModel.fit(back, GmmOptions.of(2), false).model();
    assertEquals(gmm.logDensity(MOONS, DensityModel.ScoreOptions.exact(), RngKey.of(0)),
        gmm.logDensity(rows, DensityModel.ScoreOptions.exact(), RngKey.of(0)), "records compare by value");
    assertArrayEquals(gmm.encode(MOONS).toRows(), gmm.encode(rows));
    DensityModel.LogDensity none = gmm.logDensity(new float[0][], DensityModel.ScoreOptions.exact(), RngKey.of(0));
    assertEquals(0, none.value().length);
    assertEquals(0, gmm.encode(new float[0][]).length);
  }
}
