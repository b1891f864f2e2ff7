package dev.marginal.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.distributions.GaussianMixture;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GmmFitTest {
  private static final GaussianMixture MIXTURE = GaussianMixture.ofSpherical(new double[] {0.5, 0.5},
      new double[][] {{0, 0}, {1, 1}}, new double[] {1, 1});

  private static GmmFit fit(boolean converged, GmmOptions options) {
    return new GmmFit(MIXTURE, converged, 3, -1, new double[] {-3, -2, -1}, options);
  }

  @Test
  void convergenceWarningNamesMaxIterAndTolOfAnUnconvergedFit() {
    GmmOptions options = GmmOptions.of(2).withMaxIter(3).withTol(1e-4);
    assertEquals(Optional.of("EM stopped at maxIter 3 before its mean log-likelihood changed by less than tol 1.0E-4"
        + " in an iteration: the fit may not have converged; raise maxIter"), fit(false, options).convergenceWarning());
    assertEquals(Optional.empty(), fit(true, options).convergenceWarning());
    // tol 0 asks for every iteration: nothing to warn of, and raising maxIter would not help.
    assertEquals(Optional.empty(), fit(false, options.withTol(0)).convergenceWarning());
  }

  @Test
  void notConvergedWarningIsTheSentenceTheFrontEndsPrint() {
    assertEquals("EM stopped at maxIter 1 before its mean log-likelihood changed by less than tol 0.001 in an"
        + " iteration: the fit may not have converged; raise maxIter", GmmFit.notConvergedWarning(1, 1e-3));
    assertEquals(GmmFit.notConvergedWarning(GmmOptions.DEFAULT_MAX_ITER, GmmOptions.DEFAULT_TOL),
        fit(false, GmmOptions.of(2)).convergenceWarning().orElseThrow());
  }
}
