package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Column sums: the Vector API kernel gives the bits of the plain loop (each column summed over the rows in order in
 * double) for every width, range and row count, including the partial vectors at the end of a range, and leaves
 * the columns outside the range untouched.
 */
class ColumnSumsTest {
  @Test
  void vectorKernelMatchesOrderedDoubleSumBitForBit() {
    SplittableRandom rng = new SplittableRandom(20261204L);
    Kernels vector = VectorKernels.create();
    for (int trial = 0; trial < 300; trial++) {
      int[] c = randomCase(rng);
      int rows = c[0];
      int width = c[1];
      int from = c[2];
      int to = c[3];
      float[] x = new float[rows * width];
      for (int i = 0; i < x.length; i++) {
        // Magnitudes spread over many binades, so float and double accumulation would differ.
        x[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(2, rng.nextInt(40) - 20));
      }
      float[] fromVector = new float[width];
      float[] fromScalar = new float[width];
      // Columns outside the range must keep what they held: no store may spill past the range.
      java.util.Arrays.fill(fromVector, 7f);
      java.util.Arrays.fill(fromScalar, 7f);
      vector.columnSums(x, rows, width, from, to, fromVector);
      Kernels.scalar().columnSums(x, rows, width, from, to, fromScalar);
      for (int j = 0; j < width; j++) {
        double expected = j >= from && j < to ? 0 : 7f;
        if (j >= from && j < to) {
          for (int r = 0; r < rows; r++) {
            expected += x[r * width + j];
          }
        }
        String where = "column " + j + " of [" + rows + ", " + width + "], range [" + from + ", " + to + ")";
        assertEquals(Float.floatToRawIntBits((float) expected), Float.floatToRawIntBits(fromScalar[j]), where);
        assertEquals(Float.floatToRawIntBits(fromScalar[j]), Float.floatToRawIntBits(fromVector[j]), where);
      }
    }
  }

  /**
   * Column sums of rows scaled by a weight each: both kernels give the bits of the plain column sums of a copy whose
   * rows were multiplied first (each product rounded to float).
   */
  @Test
  void rowScaledSumsHaveTheBitsOfTheSumsOfAScaledCopy() {
    SplittableRandom rng = new SplittableRandom(20261207L);
    Kernels vector = VectorKernels.create();
    for (int trial = 0; trial < 300; trial++) {
      int[] c = randomCase(rng);
      int width = c[1];
      float[] scale = new float[c[0]];
      float[] x = new float[c[0] * width];
      float[] scaled = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        if (i % width == 0) {
          scale[i / width] = (float) ((rng.nextDouble() - 0.5) * Math.pow(2, rng.nextInt(10) - 5));
        }
        x[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(2, rng.nextInt(40) - 20));
        scaled[i] = scale[i / width] * x[i];
      }
      float[] expected = new float[width];
      java.util.Arrays.fill(expected, 7f);
      Kernels.scalar().columnSums(scaled, c[0], width, c[2], c[3], expected);
      for (Kernels k : new Kernels[] {vector, Kernels.scalar()}) {
        float[] got = new float[width];
        java.util.Arrays.fill(got, 7f);
        k.columnSumsRowScaled(x, scale, c[0], width, c[2], c[3], got);
        String where = k.name() + ": [" + c[0] + ", " + width + "], range [" + c[2] + ", " + c[3] + ")";
        assertArrayEquals(expected, got, where);
      }
    }
  }

  /** Rows (0–59), a width (1–180) and a non-empty range {@code [from, to)} of its columns. */
  private static int[] randomCase(SplittableRandom rng) {
    int rows = rng.nextInt(60);
    int width = 1 + rng.nextInt(180);
    int from = rng.nextInt(width);
    return new int[] {rows, width, from, from + 1 + rng.nextInt(width - from)};
  }
}
