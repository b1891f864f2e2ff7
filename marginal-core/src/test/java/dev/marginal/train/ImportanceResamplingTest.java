package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.config.ParameterException;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ImportanceResamplingTest {
  /** An unnormalized diagonal Gaussian N(mu, diag(sd²)) times e^7, computed without a tape. */
  private static Target gaussian(double[] mu, double[] sd) {
    return ValueTargets.of("gaussian", mu.length, x -> {
      int n = x.shape()[0];
      int d = mu.length;
      float[] v = x.buffer();
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        double s = 7;
        for (int j = 0; j < d; j++) {
          double u = (v[i * d + j] - mu[j]) / sd[j];
          s -= 0.5 * u * u;
        }
        out[i] = (float) s;
      }
      return Tensor.wrap(out, n);
    });
  }

  /**
   * The resampled points follow the target: their mean and variance per coordinate agree with N(mu, sd²) within
   * five standard errors computed from the weights' effective sample size.
   */
  @Test
  void resampledPointsFollowTheTarget() {
    double[] mu = {1, -2};
    double[] sd = {0.5, 2};
    int n = 20_000;
    int m = 4_000;
    ImportanceResampling.Draws d = ImportanceResampling.resample(gaussian(mu, sd), new double[] {0, 0},
        new double[] {3, 3}, n, m, RngKey.of(11));
    assertTrue(d.ess() > 0.05 * n && d.ess() <= n, "ess " + d.ess());
    float[] x = d.points().buffer();
    for (int j = 0; j < 2; j++) {
      double s = 0;
      double s2 = 0;
      for (int i = 0; i < m; i++) {
        s += x[i * 2 + j];
        s2 += (double) x[i * 2 + j] * x[i * 2 + j];
      }
      double mean = s / m;
      double var = s2 / m - mean * mean;
      double eff = Math.min(d.ess(), m);
      assertEquals(mu[j], mean, 5 * sd[j] / Math.sqrt(eff), "mean of coordinate " + j);
      assertEquals(sd[j] * sd[j], var, 5 * sd[j] * sd[j] * Math.sqrt(2 / eff), "variance of coordinate " + j);
    }
  }

  /** When the proposal is the target itself every weight is equal: the ESS is the number of proposals. */
  @Test
  void essIsTheProposalCountWhenProposalAndTargetAgree() {
    ImportanceResampling.Draws d = ImportanceResampling.resample(gaussian(new double[] {2, 0, -1},
        new double[] {1.5, 1.5, 1.5}), new double[] {2, 0, -1}, new double[] {1.5, 1.5, 1.5}, 1000, 10,
        RngKey.of(3));
    assertEquals(1000, d.ess(), 1e-3);
  }

  @Test
  void theSameKeyGivesTheSamePointsAndAnotherKeyOthers() {
    Target t = gaussian(new double[] {0, 0}, new double[] {1, 1});
    double[] c = {0, 0};
    double[] s = {2, 2};
    Tensor a = ImportanceResampling.resample(t, c, s, 500, 20, RngKey.of(5)).points();
    Tensor b = ImportanceResampling.resample(t, c, s, 500, 20, RngKey.of(5)).points();
    Tensor other = ImportanceResampling.resample(t, c, s, 500, 20, RngKey.of(6)).points();
    assertArrayEquals(a.buffer(), b.buffer());
    assertTrue(!java.util.Arrays.equals(a.buffer(), other.buffer()));
  }

  /** Proposals where p̃ is zero are never resampled; when it is zero at every proposal there are no points. */
  @Test
  void pointsOutsideTheTargetAreNeverChosenAndNoneWhenAllMiss() {
    Target half = ValueTargets.of("half", 1, x -> {
      float[] v = x.buffer();
      float[] out = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = v[i] > 0 ? 0 : Float.NEGATIVE_INFINITY;
      }
      return Tensor.wrap(out, v.length);
    });
    ImportanceResampling.Draws d = ImportanceResampling.resample(half, new double[] {0}, new double[] {1}, 1000,
        500, RngKey.of(1));
    for (float v : d.points().buffer()) {
      assertTrue(v > 0, "resampled " + v);
    }
    ImportanceResampling.Draws none = ImportanceResampling.resample(half, new double[] {-100}, new double[] {1},
        100, 5, RngKey.of(1));
    assertNull(none.points());
    assertEquals(0, none.ess(), 0);
  }

  @Test
  void refusesBadArgumentsNamingThem() {
    Target t = gaussian(new double[] {0, 0}, new double[] {1, 1});
    double[] c = {0, 0};
    assertThrows(ParameterException.class,
        () -> ImportanceResampling.resample(t, c, new double[] {1, 1}, 0, 5, RngKey.of(0)));
    assertThrows(ParameterException.class,
        () -> ImportanceResampling.resample(t, c, new double[] {1, 1}, 5, 0, RngKey.of(0)));
    assertThrows(ParameterException.class,
        () -> ImportanceResampling.resample(t, c, new double[] {1}, 5, 5, RngKey.of(0)));
    ParameterException e = assertThrows(ParameterException.class,
        () -> ImportanceResampling.resample(t, c, new double[] {1, 0}, 5, 5, RngKey.of(0)));
    assertTrue(e.getMessage().contains("scale"), e.getMessage());
  }
}
