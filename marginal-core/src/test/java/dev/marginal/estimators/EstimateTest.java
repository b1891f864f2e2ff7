package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.config.ParameterException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstimateTest {
  @Test
  void fromDrawsAveragesEachPointOverTheRepeats() {
    Estimate e = Estimate.fromDraws(new double[][] {{1, 10}, {3, 14}});
    assertArrayEquals(new double[] {2, 12}, e.mean(), 0);
    assertArrayEquals(new double[] {1, 2}, e.stdErr(), 1e-12);
    assertEquals(2, e.repeats());
  }

  @Test
  void fromDrawsRefusesNoRepeatsAndRaggedRepeatsNamingValues() {
    ParameterException none = assertThrows(ParameterException.class, () -> Estimate.fromDraws(new double[0][]));
    assertEquals(List.of("values"), none.parameters());
    assertEquals("values holds no repeats (expected values[r][i] for R >= 1 repeats r)", none.getMessage());
    ParameterException ragged = assertThrows(ParameterException.class,
        () -> Estimate.fromDraws(new double[][] {{1, 2}, {3}}));
    assertEquals("values repeat 1 has 1 points, repeat 0 has 2", ragged.getMessage());
  }

  /** An estimate of no points has no overall mean (it was NaN); it still prints. */
  @Test
  void anEstimateOfNoPointsHasNoOverallMean() {
    Estimate none = Estimate.fromDraws(new double[][] {{}, {}});
    IllegalStateException e = assertThrows(IllegalStateException.class, none::overallMean);
    assertEquals("no points: the mean over the points of an estimate of none is undefined", e.getMessage());
    assertThrows(IllegalStateException.class, none::overallStdErr);
    assertEquals("no points (2 repeats)", none.toString());
  }
}
