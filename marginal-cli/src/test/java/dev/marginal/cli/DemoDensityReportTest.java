package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.density.DensityModel.LogDensity;
import dev.marginal.train.LvmTrainingOptions.Objective;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's paired comparison of the IWAE-trained deep LVM with the GMM, on hand-made scores. */
class DemoDensityReportTest {
  @Test
  void pairedComparisonIsTheMeanPointwiseDifferenceWithItsStandardError() {
    double[] gmm = {-2.0, -3.0, -1.0, -2.5};
    // LVM − GMM per point: 0.1, −0.1, 0.3, 0.0; mean 0.075, sample sd 0.17078, standard error 0.08539.
    double[] iwae = {-1.9, -3.1, -0.7, -2.5};
    double[] elbo = {-9, -9, -9, -9};
    DemoDensity.DataResult moons = new DemoDensity.DataResult("moons", null, null, List.of(
        fitted("GMM", null, gmm), fitted("ELBO", Objective.ELBO, elbo), fitted("IWAE", Objective.IWAE, iwae)));
    DemoDensity.Outcome o = new DemoDensity.Outcome(List.of(moons), List.of(), null, null, 0);
    assertEquals(List.of("moons +0.075 ± 0.085"), DemoDensityReport.pairedComparisons(o));
    assertTrue(DemoDensityReport.comparison(o).contains("moons +0.075 ± 0.085"), DemoDensityReport.comparison(o));
  }

  @Test
  void aWorseLvmGetsANegativeDifference() {
    DemoDensity.DataResult d = new DemoDensity.DataResult("8gaussians", null, null, List.of(
        fitted("GMM", null, new double[] {-1, -2}), fitted("IWAE", Objective.IWAE, new double[] {-1.5, -2.5})));
    assertEquals(List.of("8gaussians -0.500 ± 0.000"),
        DemoDensityReport.pairedComparisons(new DemoDensity.Outcome(List.of(d), List.of(), null, null, 0)));
  }

  private static DemoDensity.Fitted fitted(String label, Objective objective, double[] logPx) {
    return new DemoDensity.Fitted(label, null, objective, new LogDensity(logPx, new double[logPx.length], "exact"), 0);
  }
}
