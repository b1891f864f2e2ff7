package dev.marginal.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#columnSums} on the Vector API: each lane of a double accumulator is one column, so a column is still
 * summed over the rows in order in double (a float converts to double exactly and lanewise addition is IEEE
 * addition), bit for bit as the scalar loop, but {@code 8·L} columns advance per row at once instead of one. The
 * bias gradient of every dense layer is such a sum over the batch rows.
 */
final class VectorColumnSums {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  /**
   * Whether the floats are read as the preferred (512-bit) float shape under a mask of the first {@link #L} lanes
   * rather than as a half-width shape. Code that touches a second float shape makes the Vector API's shared call
   * sites see two receiver classes, and C2 then compiles the GEMM kernel without its intrinsics: measured on AVX-512,
   * an IWAE K = 50 step after K = 5 steps in one JVM ran 3.5 times slower (BENCHMARKS.md). Narrower machines, where
   * masked memory access has not been measured, keep the half-width shape.
   */
  private static final boolean MASKED = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
  /** Floats for the exact conversion to double: see {@link #MASKED}. */
  private static final VectorSpecies<Float> F = MASKED ? FloatVector.SPECIES_PREFERRED
      : VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
  private static final int L = D.length();
  private static final VectorMask<Float> FIRST_L = F.indexInRange(0, L);

  private VectorColumnSums() {}

  static void columnSums(float[] x, int rows, int width, int from, int to, float[] out) {
    int j = from;
    for (; j + 8 * L <= to; j += 8 * L) {
      eight(x, rows, width, j, out);
    }
    for (; j + L <= to; j += L) {
      DoubleVector a = DoubleVector.zero(D);
      for (int r = 0, base = j; r < rows; r++, base += width) {
        a = a.add(widen(x, base));
      }
      store(a, out, j);
    }
    for (; j < to; j++) {
      double a = 0;
      for (int r = 0, at = j; r < rows; r++, at += width) {
        a += x[at];
      }
      out[j] = (float) a;
    }
  }

  /** Columns {@code [j, j + 8L)}: eight accumulators, one pass over the rows. */
  private static void eight(float[] x, int rows, int width, int j, float[] out) {
    DoubleVector a0 = DoubleVector.zero(D);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    DoubleVector a4 = a0;
    DoubleVector a5 = a0;
    DoubleVector a6 = a0;
    DoubleVector a7 = a0;
    for (int r = 0, base = j; r < rows; r++, base += width) {
      a0 = a0.add(widen(x, base));
      a1 = a1.add(widen(x, base + L));
      a2 = a2.add(widen(x, base + 2 * L));
      a3 = a3.add(widen(x, base + 3 * L));
      a4 = a4.add(widen(x, base + 4 * L));
      a5 = a5.add(widen(x, base + 5 * L));
      a6 = a6.add(widen(x, base + 6 * L));
      a7 = a7.add(widen(x, base + 7 * L));
    }
    store(a0, out, j);
    store(a1, out, j + L);
    store(a2, out, j + 2 * L);
    store(a3, out, j + 3 * L);
    store(a4, out, j + 4 * L);
    store(a5, out, j + 5 * L);
    store(a6, out, j + 6 * L);
    store(a7, out, j + 7 * L);
  }

  private static DoubleVector widen(float[] x, int at) {
    FloatVector f = MASKED ? FloatVector.fromArray(F, x, at, FIRST_L) : FloatVector.fromArray(F, x, at);
    return (DoubleVector) f.convertShape(VectorOperators.F2D, D, 0);
  }

  private static void store(DoubleVector a, float[] out, int at) {
    FloatVector f = (FloatVector) a.convertShape(VectorOperators.D2F, F, 0);
    if (MASKED) {
      f.intoArray(out, at, FIRST_L);
    } else {
      f.intoArray(out, at);
    }
  }
}
