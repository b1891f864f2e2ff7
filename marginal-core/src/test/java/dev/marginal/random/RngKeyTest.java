package dev.marginal.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Key derivation pinned by golden values, and the samplers' distributions checked with standard-error tolerances
 * ({@code |estimate − target| ≤ 4·SE}) over a fixed seed.
 */
class RngKeyTest {
  private static final int M = 100_000;
  private static final double Z_MAX = 4;

  /**
   * Golden values pinning this library's SplitMix64 derivation (RngKey.of, split, foldIn and the counter-based
   * streams): any change to them changes every seeded result, so it must be deliberate. Recomputed independently
   * with Python 3 integer arithmetic from the formulas in RngKey's class documentation (seed 0, split(3),
   * foldIn(7), Box–Muller in double rounded to float32).
   */
  @Test
  void derivationMatchesGoldenValues() {
    RngKey key = RngKey.of(0);
    assertEquals(0x8C55A664B07B23A1L, key.state());
    RngKey[] split = key.split(3);
    assertEquals(0x5D002CF05E67E866L, split[0].state());
    assertEquals(0x538116AB92F886E5L, split[1].state());
    assertEquals(0x97017C6BF18A485DL, split[2].state());
    assertEquals(0x7D454B91BE742F43L, key.foldIn(7).state());
    assertArrayEquals(new float[] {0.47010356f, 0.20762408f, 0.29159176f, 0.54599404f}, key.uniforms(4), 0f);
    float[] normals = key.normals(4);
    float[] golden = {0.2965392f, 1.0872958f, -0.7959108f, -0.23663405f};
    for (int i = 0; i < 4; i++) {
      // One float ulp of slack: cos and sin may differ in the last bit of the double between math libraries.
      assertEquals(golden[i], normals[i], Math.ulp(golden[i]), "normal " + i);
    }
  }

  // ---------------------------------------------------------------- derivation

  @Test
  void seedRecoversTheSeedOfARootKeyAndNamesEveryOtherKey() {
    for (long seed : new long[] {0, 1, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE, 0x5DEECE66DL}) {
      assertEquals(seed, RngKey.of(seed).seed(), "seed " + seed);
    }
    RngKey derived = RngKey.of(7).foldIn(3).split(5, 2);
    assertEquals(derived, RngKey.of(derived.seed()));
    for (long z : new long[] {0, 1, 0x8C55A664B07B23A1L, -12345}) {
      assertEquals(z, RngKey.unmix(RngKey.mix(z)), "unmix after mix of " + z);
      assertEquals(z, RngKey.mix(RngKey.unmix(z)), "mix after unmix of " + z);
    }
  }

  @Test
  void splitKeysAreDistinctFromEachOtherAndFromTheParent() {
    RngKey key = RngKey.of(42);
    Set<Long> states = new HashSet<>();
    states.add(key.state());
    for (RngKey k : key.split(10_000)) {
      assertTrue(states.add(k.state()), k.toString());
    }
    for (int i = 0; i < 10_000; i++) {
      assertTrue(states.add(key.foldIn(i).state()), "foldIn(" + i + ") collides with a split key");
    }
  }

  @Test
  void splitOneKeyEqualsTheArrayEntry() {
    RngKey key = RngKey.of(3);
    RngKey[] all = key.split(5);
    for (int i = 0; i < 5; i++) {
      assertEquals(all[i], key.split(5, i));
    }
  }

  @Test
  void foldInDistinguishesItsData() {
    RngKey key = RngKey.of(9);
    assertNotEquals(key.foldIn(0), key.foldIn(1));
    assertNotEquals(key.foldIn(1), key.foldIn(-1));
    assertNotEquals(key.foldIn(1).foldIn(2), key.foldIn(2).foldIn(1));
    assertNotEquals(key, key.foldIn(0));
    assertEquals(key.foldIn(5), key.foldIn(5));
  }

  @Test
  void seedsAndStatesRoundTrip() {
    assertNotEquals(RngKey.of(0), RngKey.of(1));
    RngKey key = RngKey.of(77).foldIn(3);
    assertEquals(key, RngKey.ofState(key.state()));
    assertArrayEquals(key.normals(9), RngKey.ofState(key.state()).normals(9));
  }

  // ---------------------------------------------------------------- determinism

  @Test
  void sameKeyGivesIdenticalArrays() {
    RngKey key = RngKey.of(5);
    assertArrayEquals(key.normals(1001), RngKey.of(5).normals(1001));
    assertArrayEquals(key.uniforms(1001), RngKey.of(5).uniforms(1001));
    assertEquals(key.normal(), RngKey.of(5).normal());
    assertEquals(key.nextInt(1000), RngKey.of(5).nextInt(1000));
  }

  @Test
  void shorterStreamsArePrefixesAndOffsetsOnlyMoveTheOutput() {
    RngKey key = RngKey.of(6);
    float[] longer = key.normals(10);
    assertArrayEquals(Arrays.copyOf(longer, 7), key.normals(7));
    float[] buffer = new float[12];
    Samplers.normals(key, buffer, 2, 10);
    assertArrayEquals(longer, Arrays.copyOfRange(buffer, 2, 12));
    float[] u = new float[12];
    Samplers.uniforms(key, u, 2, 10);
    assertArrayEquals(key.uniforms(10), Arrays.copyOfRange(u, 2, 12));
  }

  @Test
  void longNormalSlicesAcrossTheSamplersBlocksAreTheWholeStreamsValues() {
    // Normals are transformed 512 at a time, eight or sixteen to a vector: slices that start and end anywhere in
    // and across those blocks.
    RngKey key = RngKey.of(8);
    float[] whole = key.normals(3000);
    int[] firsts = {0, 1, 7, 15, 17, 255, 510, 511, 512, 513, 1023, 1024, 1500};
    int[] lengths = {1, 2, 15, 16, 17, 33, 511, 512, 513, 1024, 1025, 1400};
    for (int first : firsts) {
      for (int n : lengths) {
        float[] slice = new float[n];
        Samplers.normals(key, first, slice, 0, n);
        assertArrayEquals(Arrays.copyOfRange(whole, first, first + n), slice, "slice from " + first + " of " + n);
      }
    }
  }

  @Test
  void normalSlicesAreTheWholeStreamsValuesIncludingHalfPairs() {
    RngKey key = RngKey.of(7);
    float[] whole = key.normals(23);
    for (int first = 0; first <= 23; first++) {
      for (int n = 0; first + n <= 23; n++) {
        float[] slice = new float[n + 2];
        Samplers.normals(key, first, slice, 1, n);
        assertArrayEquals(Arrays.copyOfRange(whole, first, first + n), Arrays.copyOfRange(slice, 1, n + 1),
            "slice from " + first + " of " + n);
        assertEquals(0f, slice[0]);
        assertEquals(0f, slice[n + 1]);
      }
    }
  }

  @Test
  void floatAndDoubleStreamsAgree() {
    RngKey key = RngKey.of(8);
    double[] nd = new double[11];
    Samplers.normals(key, nd, 0, 11);
    double[] ud = new double[11];
    Samplers.uniforms(key, ud, 0, 11);
    float[] nf = key.normals(11);
    float[] uf = key.uniforms(11);
    for (int i = 0; i < 11; i++) {
      assertEquals((float) nd[i], nf[i], "normal " + i);
      // The float uniform keeps the top 24 of the double's 53 bits.
      assertEquals(Math.floor(ud[i] * 0x1.0p24) * 0x1.0p-24, uf[i], 0, "uniform " + i);
    }
    assertEquals(nd[0], key.normal());
    assertEquals(ud[0], key.uniform());
  }

  // ---------------------------------------------------------------- distributions

  @Test
  void uniformsHaveTheMomentsOfUniform01() {
    float[] u = RngKey.of(11).uniforms(M);
    double[] m = moments(u);
    for (float v : u) {
      assertTrue(v >= 0f && v < 1f, "uniform " + v);
    }
    // Var(U) = 1/12; Var((U − ½)²) = 1/80 − 1/144.
    assertWithin(0.5, m[0], Math.sqrt(1.0 / 12 / M), "uniform mean");
    assertWithin(1.0 / 12, m[1], Math.sqrt((1.0 / 80 - 1.0 / 144) / M), "uniform variance");
  }

  @Test
  void normalsHaveMeanZeroVarianceOneKurtosisThree() {
    float[] z = RngKey.of(12).normals(M);
    double[] m = moments(z);
    // Standard errors from the normal moments E z² = 1, E z⁴ = 3, E z⁶ = 15, E z⁸ = 105.
    assertWithin(0, m[0], Math.sqrt(1.0 / M), "normal mean");
    assertWithin(1, m[1], Math.sqrt(2.0 / M), "normal variance");
    assertWithin(0, m[2], Math.sqrt(15.0 / M), "normal third moment");
    assertWithin(3, m[3], Math.sqrt(96.0 / M), "normal fourth moment");
  }

  @Test
  void normalsFollowTheStandardNormalCdf() {
    float[] z = RngKey.of(13).normals(M);
    // Φ(q) from scipy.stats.norm.cdf (scipy 1.17), rounded to 15 significant digits.
    double[] q = {-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3};
    double[] phi = {0.0013498980316301, 0.0227501319481792, 0.158655253931457, 0.308537538725987, 0.5,
        0.691462461274013, 0.841344746068543, 0.977249868051821, 0.99865010196837};
    for (int j = 0; j < q.length; j++) {
      int below = 0;
      for (float v : z) {
        below += v <= q[j] ? 1 : 0;
      }
      assertWithin(phi[j], below / (double) M, Math.sqrt(phi[j] * (1 - phi[j]) / M), "F(" + q[j] + ")");
    }
  }

  @Test
  void streamsOfSplitKeysAreUncorrelated() {
    RngKey[] keys = RngKey.of(14).split(2);
    float[] a = keys[0].normals(M);
    float[] b = keys[1].normals(M);
    float[] c = RngKey.of(14).normals(M);
    assertWithin(0, meanProduct(a, b), Math.sqrt(1.0 / M), "corr(split 0, split 1)");
    assertWithin(0, meanProduct(a, c), Math.sqrt(1.0 / M), "corr(split 0, parent)");
    // Neighbouring values of one stream, including the two halves of each Box–Muller pair.
    assertWithin(0, meanProduct(Arrays.copyOf(a, M - 1), Arrays.copyOfRange(a, 1, M)), Math.sqrt(1.0 / M),
        "lag-1 autocorrelation");
  }

  @Test
  void nextIntIsUniformOverItsRange() {
    int bound = 10;
    int n = 20_000;
    int[] counts = new int[bound];
    RngKey key = RngKey.of(15);
    for (int i = 0; i < n; i++) {
      int v = key.foldIn(i).nextInt(bound);
      assertTrue(v >= 0 && v < bound, "nextInt " + v);
      counts[v]++;
    }
    for (int c = 0; c < bound; c++) {
      double p = 1.0 / bound;
      assertWithin(p, counts[c] / (double) n, Math.sqrt(p * (1 - p) / n), "P(" + c + ")");
    }
  }

  @Test
  void categoricalMatchesItsProbabilitiesAndNeverPicksNegativeInfinity() {
    double[] logits = {Math.log(0.2), Double.NEGATIVE_INFINITY, Math.log(0.5), Math.log(0.3)};
    double[] p = {0.2, 0, 0.5, 0.3};
    int n = 20_000;
    int[] counts = new int[4];
    RngKey key = RngKey.of(16);
    for (int i = 0; i < n; i++) {
      counts[Samplers.categorical(key.foldIn(i), logits)]++;
    }
    assertEquals(0, counts[1]);
    for (int c : new int[] {0, 2, 3}) {
      assertWithin(p[c], counts[c] / (double) n, Math.sqrt(p[c] * (1 - p[c]) / n), "P(" + c + ")");
    }
  }

  // ---------------------------------------------------------------- statistics

  /** Mean, and central moments 2 to 4 about the sample mean, in double. */
  private static double[] moments(float[] x) {
    double mean = 0;
    for (float v : x) {
      mean += v;
    }
    mean /= x.length;
    double m2 = 0;
    double m3 = 0;
    double m4 = 0;
    for (float v : x) {
      double d = v - mean;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    return new double[] {mean, m2 / x.length, m3 / x.length, m4 / x.length};
  }

  private static double meanProduct(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s / a.length;
  }

  private static void assertWithin(double target, double estimate, double se, String what) {
    double z = (estimate - target) / se;
    assertTrue(Math.abs(z) <= Z_MAX, () -> String.format("%s: %.6g vs %.6g, z = %.2f", what, estimate, target, z));
  }
}
