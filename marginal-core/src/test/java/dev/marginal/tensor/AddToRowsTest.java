package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Kernels#addToRows}, a layer's bias added to a block of rows in place: both implementations give each sum
 * rounded to float, bit for bit, for every width (whole vectors, partial ones and rows shorter than one vector), and
 * leave the values before and after the block untouched.
 */
class AddToRowsTest {
  @Test
  void bothKernelsAddTheVectorToEveryRowOfTheBlockAndNothingElse() {
    SplittableRandom rng = new SplittableRandom(20261207L);
    Kernels[] kernels = {VectorKernels.create(), Kernels.scalar()};
    for (int trial = 0; trial < 300; trial++) {
      int width = 1 + rng.nextInt(trial < 100 ? 40 : 800);
      int rows = rng.nextInt(9);
      int before = rng.nextInt(3 * width + 1);
      int after = rng.nextInt(2 * width + 1);
      float[] y = values(rng, before + rows * width + after);
      float[] v = values(rng, width);
      for (Kernels k : kernels) {
        float[] out = y.clone();
        k.addToRows(out, before, rows, width, v);
        for (int i = 0; i < y.length; i++) {
          int r = (i - before) / width;
          boolean inside = i >= before && i < before + rows * width;
          float expected = inside ? y[i] + v[i - before - r * width] : y[i];
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[i]),
              k.name() + ": element " + i + " of " + rows + " rows of " + width + " after " + before);
        }
      }
    }
  }

  private static float[] values(SplittableRandom rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      // Several binades, so that a sum that is not rounded to float once shows in the bits.
      x[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(2, rng.nextInt(30) - 15));
    }
    return x;
  }
}
