package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.autodiff.Var;
import dev.marginal.config.ParameterException;
import dev.marginal.data.DataException;
import dev.marginal.data.DataShards;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.density.PpcaDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GmmOptions;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import dev.marginal.train.LvmTrainer;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.Progress;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.ReverseKlRun;
import dev.marginal.train.ReverseKlTrainer;
import dev.marginal.train.SurrogateMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Settings out of range and missing arguments fail where they are given, naming the parameter, not deep inside a
 * run (after training) or as a bare NullPointerException.
 */
class ApiMisuseTest {
  private static final Dataset ROWS = Dataset.ofRows(new float[][] {{0f, 1f}, {1f, 0f}, {2f, 2f}});

  private static void assertNames(Class<? extends RuntimeException> type, String message, Executable call) {
    assertEquals(message, assertThrows(type, call).getMessage());
  }

  @Test
  void surrogateMetricsSettingsNameTheSettingOutOfRangeWhenMade() {
    assertNames(ParameterException.class, "klSamples must be >= 1, got -1",
        () -> new SurrogateMetrics.Settings(-1, 5, 4, 100));
    assertNames(ParameterException.class, "klSamples must be >= 1, got 0",
        () -> new SurrogateMetrics.Settings(0, 0, 0, 0));
    assertNames(ParameterException.class, "iwaeK must be >= 1, got 0", () -> new SurrogateMetrics.Settings(5, 0, 4, 1));
    assertNames(ParameterException.class, "sumoMinTerms must be >= 1, got 0",
        () -> new SurrogateMetrics.Settings(5, 5, 0, 1));
    assertNames(ParameterException.class, "w1Samples must be >= 1, got 0",
        () -> new SurrogateMetrics.Settings(5, 5, 4, 0));
    assertNames(ParameterException.class, "logZSamples must be >= 2, got 1",
        () -> new SurrogateMetrics.Settings(5, 5, 4, 1, 1, 1));
    assertNames(ParameterException.class, "forwardSamples must be >= 1, got 0",
        () -> new SurrogateMetrics.Settings(5, 5, 4, 1, 2, 0));
    assertEquals(List.of("iwaeK"), assertThrows(ParameterException.class,
        () -> new SurrogateMetrics.Settings(5, -4, 4, 1)).parameters());
  }

  @Test
  void missingOptionsAndArgumentsAreNamed() {
    assertNames(NullPointerException.class, "hidden",
        () -> ReverseKlOptions.defaults().withArchitecture(2, null, null));
    assertNames(NullPointerException.class, "activation",
        () -> ReverseKlOptions.defaults().withArchitecture(2, new int[] {8}, null));
    assertNames(NullPointerException.class, "objective", () -> DeepLvmOptions.defaults().withObjective(null));
    assertNames(NullPointerException.class, "objective",
        () -> LvmTrainingOptions.defaults().withObjective(null));
    assertNames(NullPointerException.class, "path", () -> ModelFile.read(null));
    assertNames(NullPointerException.class, "path", () -> ModelFile.read((Path) null, 1L));
    assertNames(NullPointerException.class, "rows", () -> Dataset.ofRows(null));
    assertNames(NullPointerException.class, "rows[1]", () -> Dataset.ofRows(new float[][] {{1f}, null}));
  }

  @Test
  void rowsWithoutARowOrAColumnAreRefused() {
    assertNames(ParameterException.class, "rows must hold at least one row, which gives the number of columns",
        () -> Dataset.ofRows(new float[0][]));
    assertNames(ParameterException.class, "rows must have at least one column",
        () -> Dataset.ofRows(new float[][] {{}, {}}));
    assertNames(ParameterException.class, "rows row 1 has 1 values, row 0 has 2",
        () -> Dataset.ofRows(new float[][] {{1f, 2f}, {3f}}));
  }

  @Test
  void theOneCallEntryPointsNameANullArgument() {
    DeepLvmOptions options = DeepLvmOptions.defaults();
    assertNames(NullPointerException.class, "data", () -> DeepLvmFit.fit((Dataset) null, options));
    assertNames(NullPointerException.class, "options", () -> DeepLvmFit.fit(ROWS, null));
    assertNames(NullPointerException.class, "control", () -> DeepLvmFit.fit(ROWS, options, null));
    assertNames(NullPointerException.class, "rows", () -> DeepLvmFit.fit((float[][]) null, options));
    assertNames(NullPointerException.class, "data", () -> DataParallelFit.fit(null, 2, options, 5, Progress.silent()));
    assertNames(NullPointerException.class, "options", () -> DataParallelFit.fit(ROWS, 1, null, 5, Progress.silent()));
    assertNames(NullPointerException.class, "progress", () -> DataParallelFit.fit(ROWS, 1, options, 5, null));
    assertNames(NullPointerException.class, "shards",
        () -> DataParallelFit.fit((DataShards) null, "rows", ROWS.columns(), options, 5, Progress.silent()));
    Target u1 = Targets.of("u1");
    assertNames(NullPointerException.class, "target", () -> SurrogateTraining.train(null, ReverseKlOptions.defaults()));
    assertNames(NullPointerException.class, "options", () -> SurrogateTraining.train(u1, null));
    assertNames(NullPointerException.class, "control",
        () -> SurrogateTraining.train(u1, ReverseKlOptions.defaults(), null));
    assertNames(NullPointerException.class, "model",
        () -> Evaluation.evaluate((DensityModel) null, ROWS, Evaluation.Settings.defaults()));
    assertNames(NullPointerException.class, "settings", () -> Evaluation.evaluate(
        DeepLvmFit.fit(ROWS, options.withEpochs(1)).model(), ROWS, null));
  }

  /** A user target with a fault in it; {@code fault} says which. */
  private record FaultyTarget(String name, int dim, String fault) implements Target {
    @Override
    public Var logDensity(Var x) {
      switch (fault) {
        case "throws":
          throw new IllegalStateException("not ready");
        case "per coordinate":
          return x.square().mul(-0.5f);
        case "nan":
          return x.square().sum(1, false).mul(Float.NaN);
        default:
          return x.square().sum(1, false).mul(-0.5f);
      }
    }
  }

  @Test
  void aTargetThatCannotBeTrainedOnIsNamedBeforeTraining() {
    ReverseKlOptions options = ReverseKlOptions.defaults().withIterations(1);
    assertNames(IllegalArgumentException.class, "target ring: logDensity must return one value per point, shape [2] "
        + "for points of shape [2, 2], got [2, 2]",
        () -> SurrogateTraining.train(new FaultyTarget("ring", 2, "per coordinate"), options));
    assertNames(IllegalArgumentException.class, "target flat: dim() must be >= 1, got 0",
        () -> SurrogateTraining.train(new FaultyTarget("flat", 0, "none"), options));
    assertNames(IllegalArgumentException.class, "target " + FaultyTarget.class.getName()
        + ": name() must not be empty", () -> SurrogateTraining.train(new FaultyTarget(" ", 2, "none"), options));
    assertNames(IllegalArgumentException.class, "target lazy: logDensity failed on points of shape [2, 3]: "
        + "java.lang.IllegalStateException: not ready",
        () -> SurrogateTraining.train(new FaultyTarget("lazy", 3, "throws"), options));
    assertEquals(SurrogateTraining.Result.class,
        SurrogateTraining.train(new FaultyTarget("fine", 2, "none"), options).getClass());
  }

  @Test
  void aTargetWithANaNLogDensityStopsTheRunSayingSoWithoutAnUnaskedForCheckpoint() {
    SurrogateTraining.Result r = SurrogateTraining.train(new FaultyTarget("nan", 2, "nan"),
        ReverseKlOptions.defaults().withIterations(20));
    assertEquals(ReverseKlRun.Status.DIVERGED, r.status());
    assertEquals("training diverged at step 1: the target's log density was NaN at a point the surrogate drew (it "
        + "must be finite wherever the surrogate may put mass)", r.message());
    assertEquals(0, r.steps());
  }

  @Test
  void evaluatingNoRowsIsRefusedForEveryKindOfModel() {
    Dataset none = Dataset.of("none.csv", ROWS.columns(), new float[0]);
    for (DensityModel m : List.of(PpcaDensityModel.fit(ROWS, 1, false).model(),
        DeepLvmFit.fit(ROWS, DeepLvmOptions.defaults().withEpochs(1)).model())) {
      assertNames(DataException.class, "none.csv: no rows to evaluate",
          () -> Evaluation.evaluate(m, none, Evaluation.Settings.defaults().withNumSamples(2)));
    }
  }

  @Test
  void theDensityModelsNameANullArgument() {
    assertNames(NullPointerException.class, "data", () -> GmmDensityModel.fit(null, GmmOptions.of(1), false));
    assertNames(NullPointerException.class, "options", () -> GmmDensityModel.fit(ROWS, null, false));
    assertNames(NullPointerException.class, "data", () -> PpcaDensityModel.fit(null, 1, false));
    DensityModel.ScoreOptions exact = DensityModel.ScoreOptions.exact();
    DensityModel.ScoreOptions iwae = DensityModel.ScoreOptions.iwae(2);
    RngKey key = RngKey.of(1);
    for (DensityModel m : List.of(GmmDensityModel.fit(ROWS, GmmOptions.of(1), false).model(),
        PpcaDensityModel.fit(ROWS, 1, false).model(),
        DeepLvmFit.fit(ROWS, DeepLvmOptions.defaults().withEpochs(1)).model())) {
      DensityModel.ScoreOptions options = m instanceof LvmDensityModel ? iwae : exact;
      assertNames(NullPointerException.class, "data", () -> m.logDensity((Dataset) null, options, key));
      assertNames(NullPointerException.class, "rows", () -> m.logDensity((float[][]) null, options, key));
      assertNames(NullPointerException.class, "rows", () -> m.encode((float[][]) null));
      assertNames(NullPointerException.class, "options", () -> m.logDensity(ROWS, null, key));
      assertNames(NullPointerException.class, "key", () -> m.sample(null, 2));
      assertNames(NullPointerException.class, "data", () -> m.encode((Dataset) null));
      if (m instanceof LvmDensityModel lvm) {
        assertNames(NullPointerException.class, "key", () -> m.logDensity(ROWS, options, null));
        assertNames(NullPointerException.class, "data", () -> lvm.latentActivity(null));
      }
    }
  }

  @Test
  void theMeanOfNoRowsIsRefusedNotNaN() {
    Dataset none = Dataset.of("none.csv", ROWS.columns(), new float[0]);
    DensityModel.LogDensity empty = PpcaDensityModel.fit(ROWS, 1, false).model()
        .logDensity(none, DensityModel.ScoreOptions.exact(), RngKey.of(1));
    assertEquals(0, empty.rows());
    assertNames(IllegalStateException.class, "no rows: the mean log density of an empty exact score is undefined",
        empty::mean);
    assertNames(IllegalStateException.class, "no rows: the mean log density of an empty exact score is undefined",
        empty::meanEstimate);
    assertEquals("LogDensity[exact, 0 rows]", empty.toString());
    LvmDensityModel lvm = DeepLvmFit.fit(ROWS, DeepLvmOptions.defaults().withEpochs(1)).model();
    assertNames(DataException.class, "none.csv: no rows to measure latent activity on",
        () -> lvm.latentActivity(none));
  }

  @Test
  void aNegativeNumberOfDrawsIsNamedForEveryKindOfModel() {
    DensityModel ppca = PpcaDensityModel.fit(ROWS, 1, false).model();
    assertNames(ParameterException.class, "n must be >= 0, got -1", () -> ppca.sample(RngKey.of(1), -1));
    assertEquals(0, ppca.sample(RngKey.of(1), 0).rows());
  }

  @Test
  void moreDrawsThanOneArrayHoldsAreNamedForEveryKindOfModel() {
    long most = dev.marginal.estimators.ImportanceSamples.MAX_ARRAY_LENGTH;
    DensityModel gmm = GmmDensityModel.fit(ROWS, GmmOptions.of(1), false).model();
    DensityModel ppca = PpcaDensityModel.fit(ROWS, 1, false).model();
    DensityModel lvm = DeepLvmFit.fit(ROWS, DeepLvmOptions.defaults().withEpochs(1)).model();
    int n = Integer.MAX_VALUE;
    for (DensityModel m : List.of(gmm, ppca)) {
      assertNames(ParameterException.class, "n too large: " + n + " draws of 2 values each (the data's columns) "
          + "would need an array of more than the " + most + " values one array holds; draw in batches of "
          + "different keys", () -> m.sample(RngKey.of(1), n));
    }
    // A deep LVM's draws pass through its hidden layers of 200 units: 20,000,000 of them would not fit.
    assertNames(ParameterException.class, "n too large: 20000000 draws of 200 values each (the decoder's widest "
        + "layer) would need an array of more than the " + most + " values one array holds; draw in batches of "
        + "different keys", () -> lvm.sample(RngKey.of(1), 20_000_000));
  }

  @Test
  void importanceSamplesThatWouldOverflowAHiddenLayerAreNamed() {
    DensityModel lvm = DeepLvmFit.fit(ROWS, DeepLvmOptions.defaults().withEpochs(1)).model();
    // 10^8 samples of 2 latent and 2 data values fit one array; their decoder's 200 hidden units do not.
    ParameterException e = assertThrows(ParameterException.class,
        () -> lvm.logDensity(ROWS.head(1), DensityModel.ScoreOptions.iwae(100_000_000), RngKey.of(1)));
    assertEquals(List.of("numSamples"), e.parameters());
    assertEquals("numSamples too large: 100000000 samples in all for 1 point(s), each of 200 values (latent 2, "
        + "data 2, widest layer 200), would need arrays of more than the "
        + dev.marginal.estimators.ImportanceSamples.MAX_ARRAY_LENGTH + " values one array holds; use fewer samples "
        + "or points", e.getMessage());
  }

  @Test
  void repeatsWhoseEstimatesCannotBeHeldAreNamedBeforeScoring() {
    long most = dev.marginal.estimators.ImportanceSamples.MAX_ARRAY_LENGTH;
    // Integer.MAX_VALUE repeats ended in "Requested array size exceeds VM limit" inside the scoring.
    assertNames(ParameterException.class, "repeats must be <= " + most + " (the values one array holds), got "
        + Integer.MAX_VALUE, () -> DensityModel.ScoreOptions.iwae(5).withRepeats(Integer.MAX_VALUE));
    // One array of them fits, but each repeat holds its 3 rows' values (and 40 bytes besides) until they are scored.
    LvmDensityModel lvm = DeepLvmFit.fit(ROWS, DeepLvmOptions.defaults().withEpochs(1)).model();
    DensityModel.ScoreOptions options = DensityModel.ScoreOptions.iwae(5).withRepeats((int) most);
    long heap = Runtime.getRuntime().maxMemory();
    String message = "repeats too large: " + most + " would hold about " + (most * (40 + 8 * 3) >> 20) + " MiB of "
        + "estimates at once (3 rows' values per repeat), more than the " + (heap >> 20) + " MiB heap; use fewer, "
        + "or give the JVM more memory (-Xmx)";
    assertNames(ParameterException.class, message, () -> lvm.logDensity(ROWS, options, RngKey.of(1)));
    assertNames(ParameterException.class, message,
        () -> lvm.logDensities(ROWS, new long[] {0, 1, 2}, List.of(options), RngKey.of(1)));
    assertEquals(List.of("repeats"), assertThrows(ParameterException.class,
        () -> lvm.logDensity(ROWS, options, RngKey.of(1))).parameters());
  }

  /** Validation rows and a validation fraction together: one would be ignored, so both are refused. */
  @Test
  void validationRowsWithAValidationFractionAreRefusedBeforeTraining() {
    Dataset held = ToyData.generate("moons", 20, RngKey.of(9));
    List<Long> steps = new ArrayList<>();
    Progress watching = (step, examples, objective) -> steps.add(step);
    ParameterException e = assertThrows(ParameterException.class, () -> DeepLvmFit.fit(ROWS,
        DeepLvmOptions.defaults().withEpochs(1).withValidationFraction(0.2),
        DeepLvmFit.Control.none().withProgress(watching).withValidation(held)));
    assertEquals("validationFraction 0.2 and validation rows (" + held.source() + ") both given; set one",
        e.getMessage());
    assertEquals(List.of("validationFraction"), e.parameters());
    assertEquals(List.of(), steps);
  }

  @Test
  void validationRowsThatHoldNoneAreRefusedBeforeTraining() {
    // They were accepted: every epoch's validation objective was NaN and early stopping never acted.
    Dataset none = Dataset.of("none.csv", ROWS.columns(), new float[0]);
    String message = "validation holds no rows (none.csv): there is no validation objective to keep the best epoch "
        + "by or to stop early on; give none for a run without validation";
    List<Long> steps = new ArrayList<>();
    Progress watching = (step, examples, objective) -> steps.add(step);
    DeepLvmFit.Control control = DeepLvmFit.Control.none().withProgress(watching).withValidation(none);
    ParameterException e = assertThrows(ParameterException.class,
        () -> DeepLvmFit.fit(ROWS, DeepLvmOptions.defaults().withEpochs(1), control));
    assertEquals(message, e.getMessage());
    assertEquals(List.of("validation"), e.parameters());
    assertEquals(List.of(), steps);
    DeepLvm fresh = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {4}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN), RngKey.of(1), null);
    LvmTrainer trainer = new LvmTrainer(fresh, LvmTrainingOptions.defaults().withEpochs(1));
    assertNames(ParameterException.class, message,
        () -> trainer.fit(ROWS, none, watching, () -> false, t -> { }));
    assertEquals(List.of(), steps);
  }

  @Test
  void aLearningRateWarmupLongerThanTheRunIsRefusedNamingBoth() {
    // It was accepted: the rates rose to a tenth of their values and the run ended there.
    Target u1 = Targets.of("u1");
    ReverseKlOptions tooLong = ReverseKlOptions.defaults().withIterations(10).withSchedule(100, 0.1);
    ParameterException e = assertThrows(ParameterException.class, () -> SurrogateTraining.train(u1, tooLong));
    assertEquals("warmup 100 is longer than the run's iterations 10: the learning rates would still be rising when "
        + "it ends, never reaching their set values; give a warmup of at most iterations", e.getMessage());
    assertEquals(List.of("warmup", "iterations"), e.parameters());
    // The two are set apart, in either order; a warm-up as long as the run is allowed.
    ReverseKlOptions asLong = ReverseKlOptions.defaults().withSchedule(100, 0.1).withIterations(100);
    ReverseKlTrainer trainer = new ReverseKlTrainer(ReverseKlTrainer.newSurrogate(u1, asLong), u1, asLong);
    assertEquals(asLong.decoderLr() / 100, trainer.decoderLearningRate(), 1e-12 * asLong.decoderLr());
  }

  @Test
  void aSubsetIndexOutOfRangeNamesItsPositionAndTheRange() {
    // It was the JDK's "Index 3 out of bounds for length 3", which named neither the argument nor the position.
    assertNames(ParameterException.class, "indices[2] = 3 is outside 0..2", () -> ROWS.subset(new int[] {0, 2, 3}));
    assertNames(ParameterException.class, "indices[0] = -1 is outside 0..2", () -> ROWS.subset(new int[] {-1}));
    assertEquals(List.of("indices"),
        assertThrows(ParameterException.class, () -> ROWS.subset(new int[] {1000})).parameters());
    Dataset none = Dataset.of("none.csv", ROWS.columns(), new float[0]);
    assertNames(ParameterException.class, "indices[0] = 0 is outside the rows of none.csv, which has none",
        () -> none.subset(new int[] {0}));
    assertNames(NullPointerException.class, "indices", () -> ROWS.subset(null));
    assertEquals(0, none.subset(new int[0]).rows());
  }

  @Test
  void theLibrarysHelpersNameANullArgument() {
    assertNames(NullPointerException.class, "name", () -> dev.marginal.data.ToyData.generate(null, 5, RngKey.of(1)));
    assertNames(NullPointerException.class, "key", () -> dev.marginal.data.ToyData.generate("moons", 5, null));
    assertNames(NullPointerException.class, "path", () -> dev.marginal.data.CsvReader.read(null));
    assertNames(NullPointerException.class, "target", () -> ReverseKlOptions.forTarget(null));
    assertNames(NullPointerException.class, "hidden",
        () -> new DeepLvmOptions.Architecture(2, null, dev.marginal.nn.Activation.TANH, null));
    DensityModel gmm = GmmDensityModel.fit(ROWS, GmmOptions.of(1), false).model();
    assertNames(NullPointerException.class, "provenance", () -> gmm.toFile((dev.marginal.io.Provenance) null));
    assertNames(NullPointerException.class, "work",
        () -> dev.marginal.tensor.Parallel.withThreads(1, (java.util.function.Supplier<Object>) null));
    assertNames(NullPointerException.class, "work", () -> dev.marginal.tensor.Parallel.withThreads(1, (Runnable) null));
  }

  @Test
  void ppcaNamesALatentDimensionOutOfRange() {
    for (int q : new int[] {0, 2, -1}) {
      ParameterException e = assertThrows(ParameterException.class, () -> PpcaDensityModel.fit(ROWS, q, false));
      assertEquals("latentDim must be in [1, 2) for 2-D data, got " + q, e.getMessage());
      assertEquals(List.of("latentDim"), e.parameters());
    }
  }

  @Test
  void gmmOptionsNameTheSettingOutOfRange() {
    GmmOptions o = GmmOptions.of(2);
    assertNames(ParameterException.class, "components must be >= 1, got 0", () -> GmmOptions.of(0));
    assertNames(ParameterException.class, "maxIter must be >= 1, got 0", () -> o.withMaxIter(0));
    assertNames(ParameterException.class, "nInit must be >= 1, got -2", () -> o.withNInit(-2));
    assertNames(ParameterException.class, "lloydIterations must be >= 0, got -1", () -> o.withLloydIterations(-1));
    assertNames(ParameterException.class, "threads must be >= 0, got -1", () -> o.withThreads(-1));
    assertNames(ParameterException.class, "regCovar must be finite and >= 0, got NaN",
        () -> o.withRegCovar(Double.NaN));
    assertNames(ParameterException.class, "regCovar must be finite and >= 0, got Infinity",
        () -> o.withRegCovar(Double.POSITIVE_INFINITY));
    assertNames(ParameterException.class, "tol must be finite and >= 0, got -1.0", () -> o.withTol(-1));
    assertNames(ParameterException.class, "tol must be finite and >= 0, got NaN", () -> o.withTol(Double.NaN));
    assertNames(ParameterException.class, "tol must be finite and >= 0, got Infinity",
        () -> o.withTol(Double.POSITIVE_INFINITY));
    assertEquals(List.of("tol"), assertThrows(ParameterException.class, () -> o.withTol(Double.POSITIVE_INFINITY))
        .parameters());
    assertEquals(List.of("nInit"), assertThrows(ParameterException.class, () -> o.withNInit(0)).parameters());
    assertNames(NullPointerException.class, "key", () -> o.withKey(null));
    assertNames(NullPointerException.class, "covarianceType", () -> o.withCovarianceType(null));
  }
}
