package dev.marginal.density;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.models.Ppca;
import dev.marginal.random.RngKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model whose parameters are finite but extreme draws values beyond the range of a float: such draws are refused,
 * naming the draw and column, instead of handed over as infinities.
 */
class ExtremeSamplesTest {
  private static final RngKey KEY = RngKey.of(11);

  @Test
  void aMixtureOfHugeVarianceRefusesItsInfiniteDraws() {
    GaussianMixture wide = GaussianMixture.ofSpherical(new double[] {1}, new double[][] {{0, 0}}, new double[] {1e300});
    GmmDensityModel m = GmmDensityModel.of(wide, List.of("a", "b"), null);
    DataException e = assertThrows(DataException.class, () -> m.sample(KEY, 3));
    assertTrue(e.getMessage().startsWith("sample of a gmm model: draw 1, column 'a': "), e.getMessage());
    assertTrue(e.getMessage().endsWith("Infinity (the model's parameters are too extreme for its samples to fit a"
        + " float)"), e.getMessage());
    // The same mixture with a variance a float holds draws as before.
    GaussianMixture unit = GaussianMixture.ofSpherical(new double[] {1}, new double[][] {{0, 0}}, new double[] {1});
    Dataset draws = GmmDensityModel.of(unit, List.of("a", "b"), null).sample(KEY, 3);
    assertEquals(6, draws.values().length);
  }

  @Test
  void ppcaOfHugeLoadingsRefusesItsInfiniteDraws() {
    Ppca wide = Ppca.of(new double[] {0, 0, 0}, new double[][] {{1e150}, {0}, {0}}, 1);
    PpcaDensityModel m = PpcaDensityModel.of(wide, List.of("a", "b", "c"), null);
    DataException e = assertThrows(DataException.class, () -> m.sample(KEY, 4));
    assertTrue(e.getMessage().startsWith("sample of a ppca model: draw 1, column 'a': "), e.getMessage());
  }
}
