package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Kernels#adamUpdate}: both implementations give the bits of the update written out below in plain float
 * arithmetic, for every run length and offset (whole vectors, partial ones, runs shorter than one vector), gradients
 * whose squares overflow included, and leave the elements outside the run untouched.
 */
class AdamUpdateTest {
  @Test
  void bothKernelsGiveTheBitsOfTheUpdateAndTouchNothingElse() {
    SplittableRandom rng = new SplittableRandom(20261207L);
    Kernels[] kernels = {VectorKernels.create(), Kernels.scalar()};
    for (int trial = 0; trial < 400; trial++) {
      int n = 1 + rng.nextInt(trial < 200 ? 40 : 3000);
      int from = rng.nextInt(n);
      int to = from + rng.nextInt(n - from + 1);
      float[] w = values(rng, n);
      float[] g = values(rng, n);
      float[] m = values(rng, n);
      float[] v = values(rng, n);
      for (int j = 0; j < n; j++) {
        v[j] = Math.abs(v[j]);
        if (rng.nextInt(50) == 0) {
          g[j] = 3e25f; // squares beyond a float: the second moment saturates
        }
      }
      float b1 = 0.9f;
      float b2 = trial % 2 == 0 ? 0.999f : 0.95f;
      float stepSize = (float) (1e-3 / (1 - Math.pow(0.9, 1 + trial % 7)));
      float sqrtC2 = (float) Math.sqrt(1 - Math.pow(b2, 1 + trial % 7));
      float eps = 1e-8f;
      for (Kernels k : kernels) {
        float[] w2 = w.clone();
        float[] m2 = m.clone();
        float[] v2 = v.clone();
        k.adamUpdate(w2, g, m2, v2, from, to, b1, b2, stepSize, sqrtC2, eps);
        for (int j = 0; j < n; j++) {
          float em = m[j];
          float ev = v[j];
          float ew = w[j];
          if (j >= from && j < to) {
            float c1 = 1 - b1;
            float c2 = 1 - b2;
            em = b1 * m[j] + c1 * g[j];
            ev = Math.min(b2 * v[j] + c2 * g[j] * g[j], Float.MAX_VALUE);
            float root = (float) Math.sqrt(ev);
            ew = w[j] - stepSize * em / (root / sqrtC2 + eps);
          }
          String where = k.name() + ": element " + j + " of [" + from + ", " + to + ") in " + n;
          assertEquals(Float.floatToRawIntBits(em), Float.floatToRawIntBits(m2[j]), "m, " + where);
          assertEquals(Float.floatToRawIntBits(ev), Float.floatToRawIntBits(v2[j]), "v, " + where);
          assertEquals(Float.floatToRawIntBits(ew), Float.floatToRawIntBits(w2[j]), "w, " + where);
        }
      }
    }
  }

  private static float[] values(SplittableRandom rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      // Several binades, so that an operation rounded otherwise, or fused, shows in the bits.
      x[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(2, rng.nextInt(30) - 15));
    }
    return x;
  }
}
