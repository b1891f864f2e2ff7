package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
   * delta-method standard errors of log 2π. Dropping p(z) from the weight moves it by several nats; dropping r(z|x),
   * or the joint's own latent from q̂_K, is caught by {@link #everyInnerKIsUnbiasedOnTheMixture}.
   */
  @Test
  void logZOfTheMixtureMatchesTheExactValue() {
    Target mixture = Targets.of("mixture");
    DeepLvm surrogate = untrainedSurrogate(mixture);
    LogZEstimate z = LogZEstimate.of(surrogate, mixture, 40_000, RngKey.of(7));
    double exact = Math.log(2 * Math.PI);
    double zScore = (z.logZ() - exact) / z.logZSe();
    assertTrue(Math.abs(zScore) <= 4, "log Z " + z.logZ() + " ± " + z.logZSe() + " vs " + exact + ", z = " + zScore);
    assertTrue(z.logZSe() < 0.1, "se " + z.logZSe());
    assertEquals(40_000, z.size());
  }

  /**
   * Every number of latents per draw gives an unbiased Ẑ: with 1 (the plain joint weight), 2 and 10 the estimate on
   * the mixture is within four standard errors of log 2π, and out-of-range counts are refused.
   */
  @Test
  void everyInnerKIsUnbiasedOnTheMixture() {
    Target mixture = Targets.of("mixture");
    DeepLvm surrogate = untrainedSurrogate(mixture);
    double exact = Math.log(2 * Math.PI);
    for (int k : new int[] {1, 2, 10}) {
      LogZEstimate z = LogZEstimate.of(surrogate, mixture, 20_000, k, RngKey.of(11));
      assertTrue(Math.abs(z.logZ() - exact) <= 4 * z.logZSe(), "K = " + k + ": " + z + " vs " + exact);
    }
    assertThrows(IllegalArgumentException.class, () -> LogZEstimate.of(surrogate, mixture, 10, 0, RngKey.of(1)));
    assertThrows(IllegalArgumentException.class,
        () -> LogZEstimate.of(surrogate, mixture, 10, LogZEstimate.MAX_INNER_K + 1, RngKey.of(1)));
  }

  /** An untrained surrogate with latent 2 and one hidden layer of 32 units. */
  private static DeepLvm untrainedSurrogate(Target target) {
    ReverseKlOptions o = ReverseKlOptions.defaults().withArchitecture(2, new int[] {32},
        ReverseKlOptions.defaults().activation());
    return ReverseKlTrainer.newSurrogate(target, o);
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

  /**
   * Pareto k̂ separates a proposal wider than the target (light-tailed weights, k̂ well below 0.7) from one much
   * narrower (weights with infinite variance, k̂ above 0.7).
   */
  @Test
  void paretoKFlagsAProposalNarrowerThanTheTarget() {
    ReverseKlOptions o = ReverseKlOptions.defaults();
    DeepLvm surrogate = ReverseKlTrainer.newSurrogate(new Normal(0.3f), o);
    double spread = surrogateSd(surrogate);
    LogZEstimate narrowTarget = LogZEstimate.of(surrogate, new Normal((float) (0.5 * spread)), 20_000, RngKey.of(9));
    LogZEstimate wideTarget = LogZEstimate.of(surrogate, new Normal((float) (4 * spread)), 20_000, RngKey.of(9));
    assertTrue(narrowTarget.paretoK() < 0.5, "target narrower than q: k " + narrowTarget.paretoK());
    assertTrue(wideTarget.paretoK() > 0.7, "target wider than q: k " + wideTarget.paretoK());
  }

  /** The standard deviation of the untrained surrogate's first coordinate, from 20,000 draws. */
  private static double surrogateSd(DeepLvm surrogate) {
    float[] x = surrogate.sample(RngKey.of(10), 20_000, false).buffer();
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i < x.length; i += 2) {
      s1 += x[i];
      s2 += x[i] * x[i];
    }
    double m = s1 / (x.length / 2);
    return Math.sqrt(s2 / (x.length / 2) - m * m);
  }

  /** N(0, sd² I) in two dimensions, normalized. */
  static final class Normal implements Target {
    private final float sd;

    Normal(float sd) {
      this.sd = sd;
    }

    @Override
    public String name() {
      return "normal";
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public Var logDensity(Var x) {
      return x.mul(1f / sd).square().sum(1, false).mul(-0.5f)
          .add((float) (-Math.log(2 * Math.PI) - 2 * Math.log(sd)));
    }
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
