package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.autodiff.Tape;
import dev.marginal.config.ParameterException;
import java.util.List;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LinearGaussianModelTest {
  // Golden values from SciPy 1.17.1: scipy.stats.multivariate_normal(b, W Wᵀ + σ² I).logpdf(x), with W, b and
  // log σ first rounded to float32 as the model stores them; posterior by numpy.linalg.solve / inv.
  private static final double[] GOLDEN_LOG_PX = {-3.4094700253884427, -5.890350249456623};
  private static final double[] GOLDEN_POSTERIOR_MEAN = {0.4602256, 0.0377577};
  private static final double[][] GOLDEN_POSTERIOR_COV = {{0.25802958, 0.03110995}, {0.03110995, 0.1775097}};

  private final LinearGaussianModel model = Fixtures.correlatedModel();
  private final Tensor x = Tensor.ofRows(new float[] {1.2f, -0.4f, 0.3f}, new float[] {-2.0f, 1.5f, 0.0f});

  @Test
  void logMarginalMatchesScipy() {
    double[] lp = model.exactLogMarginal(x);
    assertEquals(GOLDEN_LOG_PX[0], lp[0], 1e-9);
    assertEquals(GOLDEN_LOG_PX[1], lp[1], 1e-9);
  }

  @Test
  void posteriorMatchesNumpy() {
    double[] mean = model.posteriorMean(x)[0];
    double[][] cov = model.posteriorCovariance();
    for (int i = 0; i < 2; i++) {
      assertEquals(GOLDEN_POSTERIOR_MEAN[i], mean[i], 1e-7);
      for (int j = 0; j < 2; j++) {
        assertEquals(GOLDEN_POSTERIOR_COV[i][j], cov[i][j], 1e-7);
      }
    }
    assertEquals(0.5 * Math.log(cov[1][1]), model.diagonalPosterior(new Tape(), x).logScale().value().get(0, 1),
        1e-6);
  }

  @Test
  void emptyLoadingMatrixIsRefusedNamingW() {
    ParameterException noRows = assertThrows(ParameterException.class,
        () -> LinearGaussianModel.of(new double[0][], new double[0], 1.0));
    assertEquals(List.of("w"), noRows.parameters());
    assertEquals("w has no rows (expected W as [D][d] with D >= 1)", noRows.getMessage());
    ParameterException noColumns = assertThrows(ParameterException.class,
        () -> LinearGaussianModel.of(new double[2][0], new double[2], 1.0));
    assertEquals("w has no columns (expected W as [D][d] with d >= 1)", noColumns.getMessage());
  }
}
