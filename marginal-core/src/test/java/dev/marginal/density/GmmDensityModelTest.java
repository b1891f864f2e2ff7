package dev.marginal.density;

import dev.marginal.data.DataException;
import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.distributions.CovarianceType;
import dev.marginal.models.GmmOptions;
import dev.marginal.random.RngKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GmmDensityModelTest {
  private static final Dataset MOONS = DataSources.load("toy:moons?n=300&seed=1");

  @TempDir Path dir;

  private static double[][] rows(Dataset data) {
    double[][] x = new double[data.rows()][data.cols()];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < data.cols(); j++) {
        x[i][j] = data.get(i, j);
      }
    }
    return x;
  }

  @Test
  void logDensityIsTheMixtureLogProbWithoutStandardization() {
    GmmDensityModel.Fitted f = GmmDensityModel.fit(MOONS, GmmOptions.of(3), false);
    double[] lp = f.model().logDensity(MOONS, DensityModel.ScoreOptions.exact(), RngKey.of(0)).value();
    assertArrayEquals(f.model().mixture().logProb(rows(MOONS)), lp, 0.0);
    assertEquals(f.fit().bic(rows(MOONS)), f.bic(), 1e-9 * Math.abs(f.bic()));
  }

  @Test
  void standardizedOneComponentFitIsTheGaussianOfTheData() {
    // One full-covariance component fitted to z = (x - m) / s has covariance 1 + regCovar in z, so in x the density
    // is N(x; m, s^2 (1 + regCovar)): this checks the log-Jacobian -log s.
    Dataset x = MOONS.select("x0");
    GmmDensityModel.Fitted f = GmmDensityModel.fit(x, GmmOptions.of(1), true);
    double m = f.model().standardizer().orElseThrow().mean()[0];
    double s = f.model().standardizer().orElseThrow().sd()[0];
    double var = s * s * (1 + GmmOptions.DEFAULT_REG_COVAR);
    double[] lp = f.model().logDensity(x, DensityModel.ScoreOptions.exact(), null).value();
    for (int i = 0; i < x.rows(); i++) {
      double e = x.get(i, 0) - m;
      double want = -0.5 * (Math.log(2 * Math.PI * var) + e * e / var);
      assertEquals(want, lp[i], 1e-12);
    }
  }

  @Test
  void roundTripThroughAFileScoresIdentically() throws IOException {
    for (CovarianceType type : CovarianceType.values()) {
      for (boolean standardize : new boolean[] {false, true}) {
        for (int components : new int[] {4, 8}) {
          GmmDensityModel model = GmmDensityModel.fit(MOONS,
              GmmOptions.of(components).withCovarianceType(type), standardize).model();
          Path p = dir.resolve(type + "-" + standardize + "-" + components + ".marginal");
          model.toFile(Map.of("seed", 0L)).write(p);
          DensityModel back = Models.read(p);
          assertEquals("gmm", back.kind());
          assertEquals(model.columns(), back.columns());
          GmmDensityModel g = (GmmDensityModel) back;
          assertArrayEquals(model.mixture().weights(), g.mixture().weights());
          assertArrayEquals(model.mixture().means(), g.mixture().means());
          assertArrayEquals(model.mixture().covariances(), g.mixture().covariances());
          assertEquals(model.standardizer(), g.standardizer());
          double[] a = model.logDensity(MOONS, DensityModel.ScoreOptions.exact(), null).value();
          double[] b = back.logDensity(MOONS, DensityModel.ScoreOptions.exact(), null).value();
          // Bit for bit: weights that already sum to one are not renormalised again when read back.
          assertArrayEquals(a, b, type + " standardize=" + standardize + " components=" + components);
        }
      }
    }
  }

  @Test
  void otherEstimatorsAreRejected() {
    GmmDensityModel model = GmmDensityModel.fit(MOONS, GmmOptions.of(2), false).model();
    DensityModel.ScoreOptions iwae = new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, 5, 1, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.logDensity(MOONS, iwae, RngKey.of(0)));
    assertTrue(e.getMessage().contains("use estimator exact"), e.getMessage());
  }

  @Test
  void wrongDimensionNamesBothNumbers() {
    GmmDensityModel model = GmmDensityModel.fit(MOONS, GmmOptions.of(2), false).model();
    Dataset three = Dataset.of("three.csv", List.of("a", "b", "c"), new float[6]);
    DataException e = assertThrows(DataException.class,
        () -> model.logDensity(three, DensityModel.ScoreOptions.exact(), null));
    assertEquals("three.csv: 3 columns, but the model has 2 (x0, x1)", e.getMessage());
  }

  @Test
  void wrongDimensionMessageNamesAtMostFiveColumns() {
    List<String> wide = FeatureSpace.numbered("px", 784);
    Dataset two = Dataset.of("two.csv", List.of("a", "b"), new float[2]);
    assertEquals("two.csv: 2 columns, but the model has 784 (px0, px1, px2, px3, px4, ...)",
        FeatureSpace.dimensionMismatch(two, wide));
  }

  @Test
  void encodeGivesResponsibilitiesAndSampleKeepsColumns() {
    GmmDensityModel model = GmmDensityModel.fit(MOONS, GmmOptions.of(3), true).model();
    Dataset r = model.encode(MOONS);
    assertEquals(List.of("p0", "p1", "p2"), r.columns());
    for (int i = 0; i < r.rows(); i++) {
      assertEquals(1.0, r.get(i, 0) + r.get(i, 1) + r.get(i, 2), 1e-6);
    }
    Dataset s = model.sample(RngKey.of(5), 50);
    assertEquals(50, s.rows());
    assertEquals(MOONS.columns(), s.columns());
    assertArrayEquals(s.values(), model.sample(RngKey.of(5), 50).values());
  }
}
