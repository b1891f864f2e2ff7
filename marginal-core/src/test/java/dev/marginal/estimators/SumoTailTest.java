package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.random.RngKey;
import org.junit.jupiter.api.Test;

class SumoTailTest {
  private static final SumoTail TAIL = SumoTail.DEFAULT;
  private static final int DRAWS = 200_000;

  private static int[] draws() {
    RngKey key = RngKey.of(31);
    int[] k = new int[DRAWS];
    for (int i = 0; i < DRAWS; i++) {
      k[i] = TAIL.sample(key.foldIn(i));
    }
    return k;
  }

  @Test
  void survivalFollowsTheHarmonicThenGeometricTail() {
    assertEquals(1.0, TAIL.survival(1));
    assertEquals(1.0 / 7, TAIL.survival(7), 1e-15);
    assertEquals(1.0 / 79, TAIL.survival(79), 1e-15);
    assertEquals(1.0 / 80, TAIL.survival(80), 1e-15);
    assertEquals(Math.pow(0.9, 10) / 80, TAIL.survival(90), 1e-15);
  }

  @Test
  void expectedTermsIsFiveOhSevenEight() {
    double h79 = 0;
    for (int k = 1; k <= 79; k++) {
      h79 += 1.0 / k;
    }
    assertEquals(h79 + 0.125, TAIL.expectedTerms(), 1e-12);
    assertEquals(5.078, TAIL.expectedTerms(), 5e-4);
  }

  @Test
  void inverseSurvivalPicksTheLargestKWithSurvivalAtLeastU() {
    assertEquals(1, TAIL.inverseSurvival(1.0));
    assertEquals(1, TAIL.inverseSurvival(0.51));
    assertEquals(2, TAIL.inverseSurvival(0.5));
    assertEquals(3, TAIL.inverseSurvival(1.0 / 3));
    assertEquals(79, TAIL.inverseSurvival(1.0 / 79));
    assertEquals(80, TAIL.inverseSurvival(1.0 / 80));
    assertEquals(81, TAIL.inverseSurvival(0.9 / 80));
    assertEquals(80, TAIL.inverseSurvival(0.95 / 80));
    for (double u : new double[] {0.3, 0.01, 1e-3, 1e-9, Double.MIN_VALUE}) {
      int k = TAIL.inverseSurvival(u);
      double s = TAIL.survival(k);
      double next = TAIL.survival(k + 1);
      assertEquals(true, s >= u && next < u, "u = " + u + " gave k = " + k);
    }
    assertThrows(IllegalArgumentException.class, () -> TAIL.inverseSurvival(0.0));
  }

  @Test
  void sampledTermsHaveTheExpectedMean() {
    int[] k = draws();
    double[] v = new double[k.length];
    for (int i = 0; i < k.length; i++) {
      v[i] = k[i];
    }
    double se = Math.sqrt(TAIL.varianceOfTerms() / DRAWS);
    Fixtures.assertWithinFourSe("mean of sampled K", Fixtures.mean(v), se, TAIL.expectedTerms());
  }

  @Test
  void empiricalSurvivalMatchesTheConfiguredOne() {
    int[] k = draws();
    for (int at : new int[] {2, 3, 5, 10, 40, 79, 80, 85, 100}) {
      int count = 0;
      for (int x : k) {
        if (x >= at) {
          count++;
        }
      }
      double p = TAIL.survival(at);
      double se = Math.sqrt(p * (1 - p) / DRAWS);
      Fixtures.assertWithinFourSe("P(K >= " + at + ")", (double) count / DRAWS, se, p);
    }
  }

  @Test
  void customTailIsHonoured() {
    SumoTail t = SumoTail.of(10, 0.5);
    assertEquals(1.0 / 9, t.survival(9), 1e-15);
    assertEquals(0.025, t.survival(12), 1e-15);
    double h9 = 0;
    for (int k = 1; k <= 9; k++) {
      h9 += 1.0 / k;
    }
    assertEquals(h9 + 0.2, t.expectedTerms(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> SumoTail.of(1, 0.9));
    assertThrows(IllegalArgumentException.class, () -> SumoTail.of(80, 1.0));
  }
}
