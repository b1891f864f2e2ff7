package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The grid rejection sampler of the 2-D energies: the envelope holds, and the draws have the right moments. */
class GridSamplerTest {
  private static final int N = 40_000;

  @Test
  void energiesSampleWithTheirQuadratureMomentsAndEntropy() {
    for (String name : new String[] {"u1", "u2", "u3", "u4", "two-moons"}) {
      Target t = Targets.of(name);
      assertTrue(t.hasSampler(), name);
      Tensor x = t.sample(RngKey.of(21), N);
      GridSampler sampler = name.equals("two-moons") ? ((TwoMoons) t).gridSampler()
          : ((RezendeMohamedEnergy) t).gridSampler();
      assertEquals(0, sampler.violations(), name + ": envelope violations");
      assertEquals(0, Support.box(2, -4, 4).fractionOutside(x), 0, name);
      double[] h = TargetChecks.monteCarloEntropy(t, x);
      TargetChecks.assertWithinSe(name + " entropy", t.entropy().getAsDouble(), h[0], h[1]);
      for (int c = 0; c < 2; c++) {
        double[] exact = moments(t, c);
        double mean = 0;
        double second = 0;
        for (int i = 0; i < N; i++) {
          double v = x.buffer()[2 * i + c];
          mean += v / N;
          second += v * v / N;
        }
        double var = exact[1] - exact[0] * exact[0];
        TargetChecks.assertWithinSe(name + " E[x" + c + "]", exact[0], mean, Math.sqrt(var / N));
        TargetChecks.assertWithinSe(name + " E[x" + c + "²]", exact[1], second,
            Math.sqrt((exact[2] - exact[1] * exact[1]) / N));
      }
    }
  }

  /** E[x_c], E[x_c²], E[x_c⁴] under p̃ on [−4, 4]² by Simpson's rule. */
  private static double[] moments(Target t, int c) {
    int n = 401;
    double[] g = TargetChecks.nodes(n, -4, 4);
    double[] w = TargetChecks.simpsonWeights(n, -4, 4);
    float[] pts = new float[2 * n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        pts[2 * (i * n + j)] = (float) g[i];
        pts[2 * (i * n + j) + 1] = (float) g[j];
      }
    }
    float[] lp = t.logDensity(Tensor.wrap(pts, n * n, 2)).buffer();
    double[] s = new double[4];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double p = w[i] * w[j] * Math.exp(lp[i * n + j]);
        double v = c == 0 ? g[i] : g[j];
        s[0] += p;
        s[1] += p * v;
        s[2] += p * v * v;
        s[3] += p * v * v * v * v;
      }
    }
    return new double[] {s[1] / s[0], s[2] / s[0], s[3] / s[0]};
  }
}
