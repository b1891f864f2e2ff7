package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Var;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import org.junit.jupiter.api.Test;

class LogZEstimateTest {
  /**
   * With an untrained surrogate as proposal, log Ẑ on the two-Gaussian mixture (Z = 2π exactly) is within four
   * delta-method standard errors of log 2π. Dropping r(z|x) or p(z) from the weight (the careless mutants) moves it
   * by several nats.
   */
  @Test
  void logZOfTheMixtureMatchesTheExactValue() {
    Target mixture = Targets.of("mixture");
    ReverseKlOptions o = ReverseKlOptions.defaults().withArchitecture(2, new int[] {32},
        ReverseKlOptions.defaults().activation());
    DeepLvm surrogate = ReverseKlTrainer.newSurrogate(mixture, o);
    LogZEstimate z = LogZEstimate.of(surrogate, mixture, 40_000, RngKey.of(7));
    double exact = Math.log(2 * Math.PI);
    double zScore = (z.logZ() - exact) / z.logZSe();
    assertTrue(Math.abs(zScore) <= 4, "log Z " + z.logZ() + " ± " + z.logZSe() + " vs " + exact + ", z = " + zScore);
    assertTrue(z.logZSe() < 0.1, "se " + z.logZSe());
    assertEquals(40_000, z.size());
    assertTrue(z.paretoK() < 0.7, "Pareto k " + z.paretoK());
  }

  /** Scaling p̃ by e^c moves log Ẑ by exactly c (to float rounding of the weights). */
  @Test
  void scalingTheTargetShiftsLogZ() {
    Target mixture = Targets.of("mixture");
    Target scaled = new Shifted(mixture, 3f);
    ReverseKlOptions o = ReverseKlOptions.defaults();
    DeepLvm surrogate = ReverseKlTrainer.newSurrogate(mixture, o);
    LogZEstimate a = LogZEstimate.of(surrogate, mixture, 5000, RngKey.of(8));
    LogZEstimate b = LogZEstimate.of(surrogate, scaled, 5000, RngKey.of(8));
    assertEquals(a.logZ() + 3, b.logZ(), 1e-5);
    assertEquals(a.ess(), b.ess(), 1e-6 * a.ess());
  }

  @Test
  void essAndErrorFromLogWeights() {
    LogZEstimate equal = LogZEstimate.fromLogWeights(new double[] {2, 2, 2, 2});
    assertEquals(2, equal.logZ(), 1e-15);
    assertEquals(4, equal.ess(), 1e-12);
    assertEquals(0, equal.logZSe(), 1e-15);
    // Weights 1, 3 (times e^10): mean 2, sd √2, se(log Ẑ) = √2/(√2·2) = 0.5, ESS = 16/10.
    LogZEstimate two = LogZEstimate.fromLogWeights(new double[] {10, 10 + Math.log(3)});
    assertEquals(10 + Math.log(2), two.logZ(), 1e-12);
    assertEquals(0.5, two.logZSe(), 1e-12);
    assertEquals(1.6, two.ess(), 1e-12);
    LogZEstimate dominated = LogZEstimate.fromLogWeights(new double[] {0, -800, -800});
    assertEquals(1, dominated.ess(), 1e-12);
    assertEquals(Math.log(1.0 / 3), dominated.logZ(), 1e-12);
  }

  /** log p̃ + c. */
  static final class Shifted implements Target {
    private final Target t;
    private final float c;

    Shifted(Target t, float c) {
      this.t = t;
      this.c = c;
    }

    @Override
    public String name() {
      return t.name();
    }

    @Override
    public int dim() {
      return t.dim();
    }

    @Override
    public Var logDensity(Var x) {
      return t.logDensity(x).add(c);
    }
  }
}
