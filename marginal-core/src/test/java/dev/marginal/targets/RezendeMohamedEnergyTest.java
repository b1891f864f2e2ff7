package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import dev.marginal.targets.RezendeMohamedEnergy.Kind;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class RezendeMohamedEnergyTest {
  /** −U at {@link TargetChecks#POINTS}: scipy 1.17.1, script golden/targets.py (numpy formulas of Table 1). */
  private static final double[][] GOLDEN = {
      {-8.77162009047954, -0.9732537941197087, -0.7158708649092428, -5.610599644879094, -17.105880299897812},
      {-4.161543979653526, -3.830266952966369, -6.20415278261691, -20.77641033856767, -12.5},
      {-0.5363433460776832, -4.31195099658179, -8.098612029525762, -12.102130749987985, -15.633383437155072},
      {-2.893760278305123, -3.5620955060923896, -6.20415278261691, -20.755697059969474, -12.478450529291738}};

  @Test
  void logDensityMatchesTheGoldenValues() {
    for (Kind k : Kind.values()) {
      TargetChecks.assertGolden(RezendeMohamedEnergy.of(k), GOLDEN[k.ordinal()]);
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    for (Kind k : Kind.values()) {
      TargetChecks.assertGradient(RezendeMohamedEnergy.of(k), 60 + k.ordinal(), 8);
    }
  }

  @Test
  void quadratureOnTheBoxMatchesTheStatedLogZAndEntropy() {
    // h = 0.01 on [−4, 4]² resolves the narrowest feature (sd 0.35) well; the stated values carry 6 digits.
    for (Kind k : Kind.values()) {
      RezendeMohamedEnergy u = RezendeMohamedEnergy.of(k);
      TargetChecks.Quadrature q = TargetChecks.quadrature(u, -4, 4, 801);
      assertEquals(u.logZ().orElseThrow(), q.logZ(), 1e-5, u.name() + " log Z");
      assertEquals(u.entropy().orElseThrow(), q.entropy(), 1e-5, u.name() + " entropy");
    }
  }

  /** The grid sampler's draws are checked in GridSamplerTest; here: its shape, its key, and bad sizes. */
  @Test
  void samplesOnTheBoxReproducibly() {
    RezendeMohamedEnergy u = RezendeMohamedEnergy.of(Kind.U3);
    assertTrue(u.hasSampler());
    Tensor a = u.sample(RngKey.of(1), 3);
    assertArrayEquals(new int[] {3, 2}, a.shape());
    assertArrayEquals(a.buffer(), u.sample(RngKey.of(1), 3).buffer());
    assertThrows(IllegalArgumentException.class, () -> u.sample(RngKey.of(1), 0));
    assertEquals("u3", u.name());
  }
}
