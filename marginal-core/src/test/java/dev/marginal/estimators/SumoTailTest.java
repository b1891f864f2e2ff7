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

  @Test
  void samplingHasNoCapOnK() {
    // A single inverse-CDF uniform on the 2⁻⁵³ grid never gives more than 387 terms.
    assertEquals(387, TAIL.inverseSurvival(0x1p-53));
    // The block draw keeps going while the uniforms say "at least B more": four full blocks, then 0.5.
    int block = TAIL.geometricBlock();
    int g = TAIL.geometricExcess(j -> j <= 4 ? 0x1p-53 : 0.5);
    assertEquals(4 * block + 6, g); // 0.9^6 = 0.531 ≥ 0.5 > 0.9^7
    assertEquals(302, TAIL.deepStart());
    assertEquals(true, TAIL.survival(302) <= 0x1p-40 && TAIL.survival(301) > 0x1p-40);
    assertEquals(true, TAIL.deepStart() + g > 387, "K = " + (TAIL.deepStart() + g));
    assertEquals(6, SumoTail.of(2, 0.001).deepStart()); // 0.001³/2 = 5e-10 > 2⁻⁴⁰ = 9.1e-13 ≥ 0.001⁴/2
  }

  @Test
  void geometricExcessHasTheGeometricSurvivalFunction() {
    SumoTail fast = SumoTail.of(2, 0.5);
    assertEquals(20, fast.geometricBlock());
    // Blocks of 3 terms, so that the draw crosses several block boundaries at testable probabilities.
    int n = 400_000;
    int[] g = new int[n];
    for (int i = 0; i < n; i++) {
      RngKey key = RngKey.of(33).foldIn(i);
      g[i] = fast.geometricExcess(j -> key.foldIn(j).uniformOpen(), 3);
    }
    for (int at : new int[] {1, 2, 3, 4, 5, 6, 7, 9, 11}) {
      int count = 0;
      for (int x : g) {
        count += x >= at ? 1 : 0;
      }
      double p = Math.pow(0.5, at);
      Fixtures.assertWithinFourSe("P(G >= " + at + ")", (double) count / n, Math.sqrt(p * (1 - p) / n), p);
    }
  }
}
