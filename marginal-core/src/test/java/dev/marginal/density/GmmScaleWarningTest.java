package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.Standardizer;
import dev.marginal.data.ToyData;
import dev.marginal.models.GmmOptions;
import dev.marginal.random.RngKey;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@link GmmDensityModel#warnings}: columns whose variance is below 100 times regCovar, fitted as given, are warned
 * of; standardized fits, a zero regCovar, constant columns and the toy sets at their own scale are not.
 */
class GmmScaleWarningTest {
  private static Dataset scaled(Dataset data, float factor) {
    float[] v = data.values().clone();
    for (int k = 0; k < v.length; k++) {
      v[k] *= factor;
    }
    return Dataset.of("small", data.columns(), v);
  }

  @Test
  void theToySetsAsGivenGetNoWarning() {
    for (String name : List.of("moons", "8gaussians", "rings", "checkerboard", "pinwheel", "2spirals", "circles",
        "funnel")) {
      Dataset d = ToyData.generate(name, 2000, RngKey.of(1));
      assertEquals(List.of(), GmmDensityModel.warnings(d, GmmOptions.of(8), false), name);
    }
  }

  @Test
  void columnsOfVarianceNearTheFloorAreNamedWithTheirVariance() {
    Dataset small = scaled(ToyData.generate("moons", 2000, RngKey.of(1)), 1e-3f);
    double[] small2 = Standardizer.fit(small).sd();
    assertEquals(List.of(String.format(Locale.ROOT, "small: variance below 100 times regCovar 1.00e-06 in 2 of 2 "
        + "columns: 'x0' (%.4g), 'x1' (%.4g); regCovar, added to every component's covariance diagonal, is then a "
        + "large part of their spread and lowers the fit's log-likelihood (BENCHMARKS.md): standardize fits "
        + "standardized columns (the scores stay in the data's units), or lower regCovar", small2[0] * small2[0],
        small2[1] * small2[1])), GmmDensityModel.warnings(small, GmmOptions.of(8), false));
    assertEquals(List.of(), GmmDensityModel.warnings(small, GmmOptions.of(8), true), "standardized");
    assertEquals(List.of(), GmmDensityModel.warnings(small, GmmOptions.of(8).withRegCovar(0), false), "no floor");
    // A larger floor reaches larger columns: of the moons' variances (about 3 and 1) the second is below 100 × 0.02.
    Dataset moons = ToyData.generate("moons", 2000, RngKey.of(1));
    double[] sd = Standardizer.fit(moons).sd();
    assertTrue(sd[0] * sd[0] > 2 && sd[1] * sd[1] < 2, java.util.Arrays.toString(sd));
    assertTrue(GmmDensityModel.warnings(moons, GmmOptions.of(8).withRegCovar(0.02), false).get(0)
        .contains(" in column 'x1' ("), "x0 is not named");
  }

  @Test
  void aConstantColumnIsNotWarnedOf() {
    float[] v = new float[200 * 2];
    float[] n = RngKey.of(3).normals(200);
    for (int i = 0; i < 200; i++) {
      v[2 * i] = n[i];
      v[2 * i + 1] = 1f;
    }
    assertEquals(List.of(), GmmDensityModel.warnings(Dataset.of("c", List.of("a", "b"), v), GmmOptions.of(2), false));
  }
}
