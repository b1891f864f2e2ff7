package dev.marginal.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#columnSums} on the Vector API: each lane of a double accumulator is one column, so a column is still
 * summed over the rows in order in double (a float converts to double exactly and lanewise addition is IEEE
 * addition), bit for bit as the scalar loop, but {@code 8·L} columns advance per row at once instead of one. The
 * bias gradient of every dense layer is such a sum over the batch rows.
 *
 * <p>Floats are read only as whole vectors of the preferred shape, the one every other kernel uses, and widened as
 * two halves: the lower half by a part-0 conversion, the upper half by a constant lane rotation followed by another
 * (as in {@link VectorLogMass}). No masked load or store is used: on JDK 17 a masked load from a float array is a
 * blend that C2 did not intrinsify here, and the boxed fallback allocated 16 GiB in four seconds of K = 50 training
 * (BENCHMARKS.md); a second float shape, the earlier way around masks, makes C2 compile the GEMM kernel without its
 * intrinsics.
 */
final class VectorColumnSums {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  /** Doubles per vector: half the floats of a vector of the same size. */
  private static final int L = D.length();
  /** Floats per vector. */
  private static final int P = F.length();
  /** Moves the upper half of a float vector to its lower half, so that half widens as part 0. */
  private static final VectorShuffle<Float> UPPER_HALF = VectorShuffle.fromOp(F, i -> (i + L) % P);

  private VectorColumnSums() {}

  static void columnSums(float[] x, int rows, int width, int from, int to, float[] out) {
    columnSums(x, null, rows, width, from, to, out);
  }

  /**
   * {@link Kernels#columnSumsRowScaled}, or {@link Kernels#columnSums} when {@code scale} is null: row r is multiplied
   * by {@code scale[r]} as it is read, in float, before it widens.
   */
  static void columnSums(float[] x, float[] scale, int rows, int width, int from, int to, float[] out) {
    if (P != 2 * L) {
      // Float and double vectors of different sizes: no such machine is known; the plain loop is exact anyway.
      scalar(x, scale, rows, width, from, to, out);
      return;
    }
    int j = from;
    for (; j + 4 * P <= to; j += 4 * P) {
      eight(x, scale, rows, width, j, out);
    }
    for (; j + P <= to; j += P) {
      DoubleVector a0 = DoubleVector.zero(D);
      DoubleVector a1 = a0;
      for (int r = 0, base = j; r < rows; r++, base += width) {
        FloatVector f = scaled(FloatVector.fromArray(F, x, base), scale, r);
        a0 = a0.add(lower(f));
        a1 = a1.add(upper(f));
      }
      double[] sums = new double[P];
      a0.intoArray(sums, 0);
      a1.intoArray(sums, L);
      store(sums, P, out, j);
    }
    if (j + L <= to) {
      // L to P - 1 columns left: a whole float vector is read, and used in part, from every row whose vector lies
      // inside the array; the rows at the very end of it, if any, are added afterwards one by one, still in order.
      int safeRows = 0;
      while (safeRows < rows && (long) safeRows * width + j + P <= x.length) {
        safeRows++;
      }
      DoubleVector a = DoubleVector.zero(D);
      for (int r = 0, base = j; r < safeRows; r++, base += width) {
        a = a.add(lower(scaled(FloatVector.fromArray(F, x, base), scale, r)));
      }
      double[] sums = new double[L];
      a.intoArray(sums, 0);
      for (int r = safeRows, base = safeRows * width + j; r < rows; r++, base += width) {
        for (int c = 0; c < L; c++) {
          sums[c] += scale == null ? x[base + c] : scale[r] * x[base + c];
        }
      }
      store(sums, L, out, j);
      j += L;
    }
    scalar(x, scale, rows, width, j, to, out);
  }

  /** Columns {@code [j, j + 4P)}: eight accumulators, one pass over the rows. */
  private static void eight(float[] x, float[] scale, int rows, int width, int j, float[] out) {
    DoubleVector a0 = DoubleVector.zero(D);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    DoubleVector a4 = a0;
    DoubleVector a5 = a0;
    DoubleVector a6 = a0;
    DoubleVector a7 = a0;
    for (int r = 0, base = j; r < rows; r++, base += width) {
      FloatVector f0 = FloatVector.fromArray(F, x, base);
      FloatVector f1 = FloatVector.fromArray(F, x, base + P);
      FloatVector f2 = FloatVector.fromArray(F, x, base + 2 * P);
      FloatVector f3 = FloatVector.fromArray(F, x, base + 3 * P);
      if (scale != null) {
        FloatVector s = FloatVector.broadcast(F, scale[r]);
        f0 = f0.mul(s);
        f1 = f1.mul(s);
        f2 = f2.mul(s);
        f3 = f3.mul(s);
      }
      a0 = a0.add(lower(f0));
      a1 = a1.add(upper(f0));
      a2 = a2.add(lower(f1));
      a3 = a3.add(upper(f1));
      a4 = a4.add(lower(f2));
      a5 = a5.add(upper(f2));
      a6 = a6.add(lower(f3));
      a7 = a7.add(upper(f3));
    }
    double[] sums = new double[4 * P];
    a0.intoArray(sums, 0);
    a1.intoArray(sums, L);
    a2.intoArray(sums, 2 * L);
    a3.intoArray(sums, 3 * L);
    a4.intoArray(sums, 4 * L);
    a5.intoArray(sums, 5 * L);
    a6.intoArray(sums, 6 * L);
    a7.intoArray(sums, 7 * L);
    store(sums, 4 * P, out, j);
  }

  /** Row r's values times {@code scale[r]}, or as they are when {@code scale} is null. */
  private static FloatVector scaled(FloatVector f, float[] scale, int r) {
    return scale == null ? f : f.mul(FloatVector.broadcast(F, scale[r]));
  }

  private static DoubleVector lower(FloatVector f) {
    return (DoubleVector) f.convertShape(VectorOperators.F2D, D, 0);
  }

  private static DoubleVector upper(FloatVector f) {
    return (DoubleVector) f.rearrange(UPPER_HALF).convertShape(VectorOperators.F2D, D, 0);
  }

  private static void store(double[] sums, int n, float[] out, int at) {
    for (int c = 0; c < n; c++) {
      out[at + c] = (float) sums[c];
    }
  }

  private static void scalar(float[] x, float[] scale, int rows, int width, int from, int to, float[] out) {
    for (int j = from; j < to; j++) {
      double a = 0;
      for (int r = 0, at = j; r < rows; r++, at += width) {
        a += scale == null ? x[at] : scale[r] * x[at];
      }
      out[j] = (float) a;
    }
  }
}
