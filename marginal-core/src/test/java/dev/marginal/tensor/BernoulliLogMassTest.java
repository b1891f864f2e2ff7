package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused Bernoulli log-mass kernel: the Vector API pass gives the bits of its definition (softplus on the
 * elementwise kernel, float terms, sixteen double partial sums by j mod 16, zero-padded, added in order) for every
 * row length, tails included, and both implementations agree with a double-precision sum to float accuracy.
 */
class BernoulliLogMassTest {
  private final Kernels vector = VectorKernels.create();

  @Test
  void vectorKernelGivesTheBitsOfItsDefinedOrder() {
    SplittableRandom rng = new SplittableRandom(20261204L);
    for (int trial = 0; trial < 200; trial++) {
      int d = 1 + rng.nextInt(120);
      int count = 1 + rng.nextInt(5);
      float[] logits = logits(rng, count * d);
      float[] x = binary(rng, (count + 2) * d);
      int[] offsets = new int[count];
      for (int r = 0; r < count; r++) {
        offsets[r] = rng.nextInt(3) * d;
      }
      float[] out = new float[count + 1];
      vector.bernoulliLogMass(x, offsets, logits, 0, d, count, out, 1);
      float[] sp = new float[d];
      for (int r = 0; r < count; r++) {
        vector.softplus(logits, r * d, sp, 0, d);
        float expected = LogMassSum.ofTerms(x, offsets[r], logits, r * d, sp, 0, d);
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[1 + r]),
            "row " + r + " of length " + d + ": " + expected + " vs " + out[1 + r]);
      }
    }
  }

  /**
   * The pass that also writes the residuals {@code x − σ(l)}, with and without a bias added first: the log masses
   * are the bits of {@link Kernels#bernoulliLogMass} on the logits plus the bias, the residuals x minus the bits of
   * {@link Kernels#sigmoid} on them, and the logits are left holding the sums, for every row length (tails
   * included), on both implementations; nothing outside the rows is written.
   */
  @Test
  void logMassAndResidualGiveTheBitsOfTheSeparateKernels() {
    SplittableRandom rng = new SplittableRandom(20261206L);
    for (Kernels k : new Kernels[] {vector, Kernels.scalar()}) {
      for (int trial = 0; trial < 300; trial++) {
        int d = 1 + rng.nextInt(120);
        int count = 1 + rng.nextInt(5);
        int lOff = rng.nextInt(3);
        float[] logits = logits(rng, lOff + count * d + 2);
        float[] bias = trial % 2 == 0 ? null : logits(rng, d);
        float[] x = binary(rng, (count + 2) * d);
        int[] offsets = new int[count];
        for (int r = 0; r < count; r++) {
          offsets[r] = rng.nextInt(3) * d;
        }
        float[] summed = logits.clone();
        for (int r = 0; bias != null && r < count; r++) {
          for (int j = 0; j < d; j++) {
            summed[lOff + r * d + j] = logits[lOff + r * d + j] + bias[j];
          }
        }
        float[] expected = new float[count + 1];
        k.bernoulliLogMass(x, offsets, summed, lOff, d, count, expected, 1);
        float[] sigma = new float[logits.length];
        k.sigmoid(summed, lOff, sigma, lOff, count * d);
        float[] out = new float[count + 1];
        float[] res = new float[logits.length];
        java.util.Arrays.fill(res, Float.NaN);
        k.bernoulliLogMassAndResidual(x, offsets, logits, lOff, d, count, bias, out, 1, res);
        String where = k.name() + ", rows of " + d + " from " + lOff + (bias == null ? "" : " with a bias");
        for (int r = 0; r <= count; r++) {
          assertEquals(Float.floatToRawIntBits(expected[r]), Float.floatToRawIntBits(out[r]),
              where + ": log mass " + r);
        }
        for (int i = 0; i < res.length; i++) {
          boolean inside = i >= lOff && i < lOff + count * d;
          float want = inside ? x[offsets[(i - lOff) / d] + (i - lOff) % d] - sigma[i] : Float.NaN;
          assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(res[i]), where + ": residual " + i);
          assertEquals(Float.floatToRawIntBits(summed[i]), Float.floatToRawIntBits(logits[i]), where + ": logit " + i);
        }
      }
    }
  }

  @Test
  void bothImplementationsMatchADoublePrecisionSum() {
    SplittableRandom rng = new SplittableRandom(7);
    for (Kernels k : new Kernels[] {vector, Kernels.scalar()}) {
      for (int d : new int[] {1, 15, 16, 17, 33, 784}) {
        float[] logits = logits(rng, d);
        float[] x = binary(rng, d);
        float[] out = new float[1];
        k.bernoulliLogMass(x, new int[] {0}, logits, 0, d, 1, out, 0);
        double truth = 0;
        double scale = 0;
        for (int j = 0; j < d; j++) {
          double l = logits[j];
          double sp = Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
          truth += x[j] * l - sp;
          scale += Math.abs(x[j] * l) + sp;
        }
        // Each term is rounded twice in float and the terms are summed in double: a few ulps of the magnitudes.
        double bound = 4 * Math.ulp(1f) * scale;
        assertEquals(truth, out[0], bound, k.name() + ", d = " + d);
      }
    }
  }

  /** Logits over a wide range, including 0 and values whose softplus underflows or equals the logit. */
  private static float[] logits(SplittableRandom rng, int n) {
    float[] l = new float[n];
    for (int i = 0; i < n; i++) {
      int kind = rng.nextInt(10);
      l[i] = kind == 0 ? 0f : kind == 1 ? (rng.nextBoolean() ? 120f : -120f) : (float) (rng.nextGaussian() * 6);
    }
    return l;
  }

  private static float[] binary(SplittableRandom rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextBoolean() ? 1f : 0f;
    }
    return x;
  }
}
