package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Effective sample size against closed forms, Pareto k̂ against ArviZ and against known tails. */
class WeightDiagnosticsTest {
  /**
   * Golden k̂ from ArviZ 0.23.4 ({@code arviz.stats.stats._psislw} with reff = 1, the functions run with numpy
   * 2.4.6 and scipy 1.17.1). Inputs: the generalized Pareto quantiles {@code w_i = ((1 − p_i)^(−ξ) − 1)/ξ},
   * {@code p_i = (i + ½)/n}, in the order {@code i·7919 mod n}, as log-weights plus 3. Columns: ξ, n, k̂.
   */
  private static final double[][] ARVIZ = {
      {-0.5, 100, -0.0964809385137366},
      {-0.5, 1000, -0.37810124653193194},
      {-0.5, 5000, -0.44198139934896374},
      {0.2, 100, 0.3196208843338411},
      {0.2, 1000, 0.2367877358575029},
      {0.2, 5000, 0.2175265276495392},
      {0.5, 100, 0.4919600201988476},
      {0.5, 1000, 0.49708596126252086},
      {0.5, 5000, 0.4987714266241761},
      {0.9, 100, 0.7205967434897375},
      {0.9, 1000, 0.8442664334030672},
      {0.9, 5000, 0.8737133169487259},
      {1.5, 100, 1.064675269886348},
      {1.5, 1000, 1.3650358987029858},
      {1.5, 5000, 1.4359122219593305},
  };

  private static double[] gpdQuantileLogWeights(double xi, int n) {
    double[] lw = new double[n];
    for (int j = 0; j < n; j++) {
      int i = (int) ((long) j * 7919 % n);
      double p = (i + 0.5) / n;
      lw[j] = Math.log((Math.pow(1 - p, -xi) - 1) / xi) + 3.0;
    }
    return lw;
  }

  @Test
  void paretoKMatchesArviz() {
    for (double[] row : ARVIZ) {
      double k = ParetoTail.khat(gpdQuantileLogWeights(row[0], (int) row[1]));
      assertEquals(row[2], k, 1e-9 * Math.max(1, Math.abs(row[2])), "xi = " + row[0] + ", n = " + row[1]);
    }
  }

  @Test
  void tailLengthIsTheSmallerOfAFifthAndThreeRootN() {
    assertEquals(20, ParetoTail.tailLength(100));
    assertEquals(95, ParetoTail.tailLength(1000));
    assertEquals(213, ParetoTail.tailLength(5000));
    assertTrue(Double.isNaN(ParetoTail.khat(gpdQuantileLogWeights(0.5, 20))), "n = 20 has a tail of 4");
  }

  @Test
  void paretoKOfGeneralizedParetoDrawsIsWithinItsStandardError() {
    // Draws from a GPD with shape ξ: the tail above any threshold is again GPD(ξ), and k̂ has an asymptotic standard
    // error of about (1 + ξ)/√M (Zhang & Stephens 2009), M = 213 for n = 5000.
    int n = 5000;
    for (double xi : new double[] {0.3, 0.8}) {
      double[] lw = new double[n];
      for (int i = 0; i < n; i++) {
        double u = RngKey.of(91).foldIn(i).uniformOpen();
        lw[i] = Math.log((Math.pow(u, -xi) - 1) / xi);
      }
      double se = (1 + xi) / Math.sqrt(ParetoTail.tailLength(n));
      Fixtures.assertWithinFourSe("k̂ of GPD(" + xi + ") draws", ParetoTail.khat(lw), se, xi);
    }
  }

  @Test
  void essMatchesClosedForms() {
    // Equal weights: n.
    assertEquals(50, WeightDiagnostics.of(new double[50]).ess(), 1e-12);
    // One finite weight: 1.
    double[] one = new double[10];
    java.util.Arrays.fill(one, Double.NEGATIVE_INFINITY);
    one[3] = -2;
    assertEquals(1, WeightDiagnostics.of(one).ess(), 1e-12);
    // a weights of 1 and b of c: (a + b c)² / (a + b c²).
    int a = 7;
    int b = 13;
    double c = 0.25;
    double[] two = new double[a + b];
    for (int i = a; i < a + b; i++) {
      two[i] = Math.log(c) + 40; // the common shift of 40 must not matter
    }
    for (int i = 0; i < a; i++) {
      two[i] = 40;
    }
    assertEquals((a + b * c) * (a + b * c) / (a + b * c * c), WeightDiagnostics.of(two).ess(), 1e-10);
    assertTrue(Double.isNaN(WeightDiagnostics.of(new double[] {Double.NEGATIVE_INFINITY}).ess()));
  }

  @Test
  void exactPosteriorGivesFullEssAndNoTail() {
    LinearGaussianModel model = Fixtures.orthogonalModel();
    Tensor x = Fixtures.data(model);
    Tape tape = new Tape();
    Iwae.Diagnosed d = Iwae.of(500).estimateWithDiagnostics(model, x, model.diagonalPosterior(tape, x),
        RngKey.of(5));
    double[] logPx = model.exactLogMarginal(x);
    for (int i = 0; i < x.dim(0); i++) {
      assertEquals(500, d.diagnostics()[i].ess(), 0.5, "point " + i);
      assertEquals(logPx[i], d.values()[i], 1e-4);
    }
    assertEquals(0, d.summary().rowsAboveThreshold());
  }

  @Test
  void diagnosedValuesAreTheEstimatesValues() {
    LinearGaussianModel model = Fixtures.correlatedModel();
    Tensor x = Fixtures.data(model);
    DiagNormal q = Fixtures.imperfectProposal(new Tape(), model, x, 0.3f, 1.3f);
    Iwae.Diagnosed d = Iwae.of(100).estimateWithDiagnostics(model, x, q, RngKey.of(6));
    Estimate e = Iwae.of(100).estimate(model, x, q, RngKey.of(6), 1);
    for (int i = 0; i < x.dim(0); i++) {
      assertEquals(e.mean()[i], d.values()[i], 0.0);
      assertTrue(d.diagnostics()[i].ess() > 1 && d.diagnostics()[i].ess() < 100);
    }
  }

  @Test
  void aNarrowProposalIsFlaggedAndAWideOneIsNot() {
    // Target N(μ, s²), proposal N(μ, (r s)²) per latent: w ∝ exp((1 − r²) χ²/2) has tail index k = 1 − r² for
    // r < 1 and all moments for r ≥ 1 (Vehtari et al. 2024, section 3). The posterior of the orthogonal model is
    // exactly diagonal.
    LinearGaussianModel model = Fixtures.orthogonalModel();
    Tensor x = Fixtures.data(model);
    for (double r : new double[] {0.45, 1.5}) {
      DiagNormal post = model.diagonalPosterior(new Tape(), x);
      Tape tape = new Tape();
      DiagNormal q = DiagNormal.ofLogScale(tape.constant(post.loc().value()),
          tape.constant(post.logScale().value().add((float) Math.log(r))));
      Iwae.Diagnosed d = Iwae.of(5000).estimateWithDiagnostics(model, x, q, RngKey.of(7));
      DiagnosticsSummary s = d.summary();
      System.out.printf("r = %.2f: median k̂ %.3f, max k̂ %.3f, mean ESS %.1f%n", r, s.medianK(), s.maxK(),
          s.meanEss());
      if (r < 1) {
        assertTrue(s.anyUnreliable() && s.warning().contains("of 4 rows"), s.toString());
      } else {
        assertTrue(!s.anyUnreliable() && s.warning() == null && s.maxK() < 0.5, s.toString());
      }
    }
  }

  @Test
  void summaryIgnoresRowsWithoutAParetoK() {
    DiagnosticsSummary s = DiagnosticsSummary.of(List.of(new WeightDiagnostics(3, Double.NaN, 10),
        new WeightDiagnostics(5, 0.9, 10), new WeightDiagnostics(7, 0.2, 10)));
    assertEquals(5, s.meanEss(), 1e-12);
    assertEquals(3, s.minEss(), 1e-12);
    assertEquals(0.55, s.medianK(), 1e-12);
    assertEquals(0.9, s.maxK(), 1e-12);
    assertEquals(1, s.rowsAboveThreshold());
  }
}
