package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.density.PpcaDensityModel;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GaussianMixtureModel;
import dev.marginal.models.GmmOptions;
import dev.marginal.models.Ppca;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.train.LvmTrainer;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.Progress;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * NaN or an infinity in data handed to a fit, a score or an encoding is refused up front, by one check, with a
 * message that names the point and the column, instead of a run that "diverges" or scores that are NaN.
 */
class NonFiniteDataTest {
  private static final Dataset MOONS = ToyData.generate("moons", 60, RngKey.of(3));
  private static final DeepLvmOptions SMALL = DeepLvmOptions.defaults().withEpochs(1).withArchitecture(
      new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH, null));
  private static final String AT_POINT_5 = "point 5 has a non-finite coordinate NaN in column 'x1'";

  /** MOONS (columns x0, x1) with {@code value} at row 5, column x1; named {@code source}. */
  private static Dataset withValue(float value, String source) {
    float[] v = MOONS.values().clone();
    v[5 * 2 + 1] = value;
    return Dataset.of(source, MOONS.columns(), v);
  }

  private static void assertRefused(String expected, Supplier<?> call) {
    DataException e = assertThrows(DataException.class, call::get);
    assertEquals(expected, e.getMessage());
  }

  @Test
  void deepLvmFitsRefuseNaNBeforeTraining() {
    Dataset bad = withValue(Float.NaN, "bad");
    assertRefused("bad: " + AT_POINT_5, () -> DeepLvmFit.fit(bad, SMALL));
    assertRefused("bad: " + AT_POINT_5, () -> DeepLvmFit.fit(bad, SMALL.withStandardize(true)));
    assertRefused("bad: " + AT_POINT_5, () -> DeepLvmFit.fit(bad, SMALL.withPerDatapointInference()));
    assertRefused("held-out: " + AT_POINT_5, () -> DeepLvmFit.fit(MOONS, SMALL,
        DeepLvmFit.Control.none().withValidation(withValue(Float.NaN, "held-out"))));
    assertRefused("bad: " + AT_POINT_5, () -> DataParallelFit.fit(bad, 2, SMALL, 5, Progress.silent()));
  }

  @Test
  void theTrainerRefusesNaNInTrainingAndValidationRows() {
    DeepLvm model = DeepLvm.create(DeepLvmFit.config(MOONS, SMALL), RngKey.of(1), new float[2]);
    LvmTrainingOptions options = LvmTrainingOptions.defaults().withEpochs(1);
    assertRefused("bad: " + AT_POINT_5, () -> fit(new LvmTrainer(model, options), withValue(Float.NaN, "bad"),
        null));
    assertRefused("held-out: " + AT_POINT_5, () -> fit(new LvmTrainer(model, options), MOONS,
        withValue(Float.NaN, "held-out")));
  }

  private static Object fit(LvmTrainer trainer, Dataset train, Dataset validation) {
    try {
      return trainer.fit(train, validation, Progress.silent(), () -> false, t -> { });
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void exactFitsRefuseNaNWithAndWithoutStandardization() {
    Dataset bad = withValue(Float.NaN, "bad");
    for (boolean standardize : new boolean[] {false, true}) {
      assertRefused("bad: " + AT_POINT_5, () -> GmmDensityModel.fit(bad, GmmOptions.of(2), standardize));
      assertRefused("bad: " + AT_POINT_5, () -> PpcaDensityModel.fit(bad, 1, standardize));
    }
  }

  @Test
  void scoresEncodingsAndEvaluationsRefuseInfinitiesInsteadOfReturningNaN() {
    Dataset bad = withValue(Float.POSITIVE_INFINITY, "bad");
    String expected = "bad: point 5 has a non-finite coordinate Infinity in column 'x1'";
    List<DensityModel> models = List.of(GmmDensityModel.fit(MOONS, GmmOptions.of(2), true).model(),
        PpcaDensityModel.fit(MOONS, 1, false).model(), DeepLvmFit.fit(MOONS, SMALL).model());
    for (DensityModel m : models) {
      DensityModel.ScoreOptions score = m instanceof LvmDensityModel ? DensityModel.ScoreOptions.iwae(2)
          : DensityModel.ScoreOptions.exact();
      assertRefused(expected, () -> m.logDensity(bad, score, RngKey.of(0)));
      assertRefused(expected, () -> m.encode(bad));
      assertRefused(expected, () -> Evaluation.evaluate(m, bad, new Evaluation.Settings(2, 0)));
    }
  }

  @Test
  void pointsGivenAsArraysNameTheColumnByIndex() {
    double[][] x = {{0, 1}, {1, 0}, {2, Double.NEGATIVE_INFINITY}};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GaussianMixtureModel.fit(x, GmmOptions.of(1)));
    assertEquals("point 2 has a non-finite coordinate -Infinity in column 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Ppca.fit(x, 1));
    assertEquals("point 2 has a non-finite coordinate -Infinity in column 1", e.getMessage());
  }
}
