package dev.marginal.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#bernoulliLogMass} on the Vector API. Where a group of sixteen terms is one float vector (512-bit
 * vectors: sixteen floats, two vectors of eight doubles) or two (256-bit vectors: eight floats, each widening to two
 * vectors of four doubles), each row takes two passes: the exponentials {@code e^{−|l|}} into a buffer of one row
 * (in L1), then the rest of softplus, the terms and the double partial sums, lane m of the accumulators being partial
 * sum m, so no softplus buffer is written. With two
 * vectors per group, the loop keeps four accumulators and swaps their two pairs after every vector, so that each
 * vector of the row is one inlined copy of softplus and still lands in the partial sums of its own half of the group.
 * The terms widen to double straight from the register (the upper half after a lane rotation): storing them and
 * reloading each half stalls on store forwarding, which made the fused pass slower than the two it replaces (686
 * against 626 µs for 256 rows of 784, against 235 µs now, on a Zen 4). Narrower vectors compute softplus on the vector
 * kernels and sum with {@link LogMassSum}; every width gives the bits of the order {@link Kernels#bernoulliLogMass}
 * defines.
 */
final class VectorLogMass {
  private static final VectorSpecies<Float> S = VectorMath.S;
  private static final int L = S.length();
  private static final int P = Kernels.LOG_MASS_PARTIALS;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  /** Whether a group of sixteen terms is two float vectors rather than one (256-bit vectors). */
  private static final boolean PAIRS = 2 * L == P;
  /** Whether the fused pass applies: a group is one or two float vectors, each widening to two double vectors. */
  static final boolean FUSED = (L == P || PAIRS) && D.length() * 2 == L;
  private static final FloatVector ZERO = FloatVector.zero(S);
  /**
   * Moves the upper half of the lanes to the lower half, so it widens as part 0: {@code convertShape(..., 1)} builds
   * its shuffle lane by lane in Java on every call (JDK 17), which kept the loop on the slow path.
   */
  private static final VectorShuffle<Float> UPPER_HALF = VectorShuffle.fromOp(S, i -> (i + L / 2) % L);

  private VectorLogMass() {}

  /**
   * See {@link Kernels#bernoulliLogMassAndResidual}; {@code residual} may be null (the log mass alone, and then
   * {@code bias} is null too).
   */
  static void logMass(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count, float[] bias,
      float[] out, int outOff, float[] residual) {
    if (!FUSED) {
      if (residual != null) {
        LogMassSum.withResidual(Kernels.get(), x, xOffsets, logits, lOff, d, count, bias, out,
            outOff, residual);
        return;
      }
      float[] sp = new float[d];
      for (int r = 0; r < count; r++) {
        int lo = lOff + r * d;
        Kernels.get().softplus(logits, lo, sp, 0, d);
        out[outOff + r] = LogMassSum.ofTerms(x, xOffsets[r], logits, lo, sp, 0, d);
      }
      return;
    }
    double[] acc = new double[P];
    float[] e = residual == null ? new float[d] : null;
    float[] pad = new float[L];
    for (int r = 0; r < count; r++) {
      int lo = lOff + r * d;
      if (residual == null) {
        expNegAbs(logits, lo, d - d % P, null, pad, e, 0);
        out[outOff + r] = row(x, xOffsets[r], logits, lo, d, acc, e);
      } else {
        expNegAbs(logits, lo, d, bias, pad, residual, lo);
        out[outOff + r] = rowAndResidual(x, xOffsets[r], logits, lo, d, acc, residual);
      }
    }
  }

  /**
   * One row, a vector at a time over its whole groups of sixteen, from their {@code e^{−|l|}}, which
   * {@link #expNegAbs} has left in {@code e} from index 0; then the last, partial group by {@link #tail}. The
   * exponentials come from a pass of their own: in the same loop as the logarithm, each vector's long chain of
   * dependent operations left the processor too little independent work (on a Zen 1, 4.9 ns per logit in one loop
   * against 3.7 in the two; BENCHMARKS.md). {@code a0, a1} take the vector's lower and upper lanes; with two vectors
   * per group the pairs {@code (a0, a1)} and {@code (a2, a3)} swap after each vector, and a group has two vectors, so
   * at the end they hold partial sums 0–7 and 8–15 again (with one vector per group, {@code a0, a1} hold 0–7 and
   * 8–15).
   */
  private static float row(float[] x, int xo, float[] l, int lo, int d, double[] acc, float[] e) {
    DoubleVector a0 = DoubleVector.zero(D);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    int full = d - d % P;
    for (int j = 0; j < full; j += L) {
      FloatVector lv = FloatVector.fromArray(S, l, lo + j);
      FloatVector t = FloatVector.fromArray(S, x, xo + j).mul(lv)
          .sub(VectorMath.softplus(lv, FloatVector.fromArray(S, e, j)));
      DoubleVector lower = a0.add(t.convertShape(VectorOperators.F2D, D, 0));
      DoubleVector upper = a1.add(t.rearrange(UPPER_HALF).convertShape(VectorOperators.F2D, D, 0));
      if (PAIRS) {
        a0 = a2;
        a1 = a3;
        a2 = lower;
        a3 = upper;
      } else {
        a0 = lower;
        a1 = upper;
      }
    }
    // Stored here rather than in a method taking the vectors: C2 may not inline it, and would then box them.
    int dl = D.length();
    a0.intoArray(acc, 0);
    a1.intoArray(acc, dl);
    if (PAIRS) {
      a2.intoArray(acc, 2 * dl);
      a3.intoArray(acc, 3 * dl);
    }
    tail(x, xo, l, lo, d, acc, null);
    return LogMassSum.total(acc);
  }

  /**
   * {@link #row}, turning the row's {@code e^{−|l|}}, which {@link #expNegAbs} has left in {@code res} at the
   * logits' indices, into the residuals {@code x − σ(l)} there, and using them for softplus. The exponentials are
   * computed by a call of their own from the caller: inside this method, or in this loop, they took C2 past its
   * inlining node budget ({@code NodeCountInliningCutoff}), and the pass ran 3–4 times slower with its vectors boxed.
   */
  private static float rowAndResidual(float[] x, int xo, float[] l, int lo, int d, double[] acc, float[] res) {
    DoubleVector a0 = DoubleVector.zero(D);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    int full = d - d % P;
    for (int j = 0; j < full; j += L) {
      FloatVector lv = FloatVector.fromArray(S, l, lo + j);
      FloatVector e = FloatVector.fromArray(S, res, lo + j);
      FloatVector xv = FloatVector.fromArray(S, x, xo + j);
      FloatVector t = xv.mul(lv).sub(VectorMath.softplus(lv, e));
      xv.sub(VectorMath.sigmoid(lv, e)).intoArray(res, lo + j);
      DoubleVector lower = a0.add(t.convertShape(VectorOperators.F2D, D, 0));
      DoubleVector upper = a1.add(t.rearrange(UPPER_HALF).convertShape(VectorOperators.F2D, D, 0));
      if (PAIRS) {
        a0 = a2;
        a1 = a3;
        a2 = lower;
        a3 = upper;
      } else {
        a0 = lower;
        a1 = upper;
      }
    }
    // Stored here rather than in a method taking the vectors: C2 may not inline it, and would then box them.
    int dl = D.length();
    a0.intoArray(acc, 0);
    a1.intoArray(acc, dl);
    if (PAIRS) {
      a2.intoArray(acc, 2 * dl);
      a3.intoArray(acc, 3 * dl);
    }
    tail(x, xo, l, lo, d, acc, res);
    return LogMassSum.total(acc);
  }

  /**
   * Adds the terms of the row's last, partial group of sixteen (if any) to the partial sums, a padding {@code +0}
   * for each missing one, and (when {@code res} is not null) writes its residuals over the exponentials there. Value
   * by value on {@link FloatMath}, whose every operation the vector kernels repeat lane for lane, so the bits are
   * those a padded vector group gives; a second inlined copy of the vector code, for one group a row, would risk
   * C2's inlining budget.
   */
  private static void tail(float[] x, int xo, float[] l, int lo, int d, double[] acc, float[] res) {
    int full = d - d % P;
    if (full == d) {
      return;
    }
    for (int m = 0; m < P; m++) {
      int j = full + m;
      if (j < d) {
        float lj = l[lo + j];
        float xj = x[xo + j];
        acc[m] += xj * lj - FloatMath.softplus(lj);
        if (res != null) {
          res[lo + j] = xj - FloatMath.sigmoid(lj);
        }
      } else {
        acc[m] += 0.0;
      }
    }
  }

  /**
   * {@code e^{−|l|}} of {@code d} logits from {@code lo} into {@code e} from {@code eo}, after adding {@code bias}
   * (when not null) to the logits in place; pad is scratch. The row is then in cache for {@link #row} or
   * {@link #rowAndResidual}, where a separate pass over all rows for the bias would read and write it once more.
   */
  private static void expNegAbs(float[] l, int lo, int d, float[] bias, float[] pad, float[] e, int eo) {
    int whole = d - d % L;
    if (bias == null) {
      for (int j = 0; j < whole; j += L) {
        VectorMath.expNegAbs(FloatVector.fromArray(S, l, lo + j)).intoArray(e, eo + j);
      }
    } else {
      for (int j = 0; j < whole; j += L) {
        FloatVector lv = FloatVector.fromArray(S, l, lo + j).add(FloatVector.fromArray(S, bias, j));
        lv.intoArray(l, lo + j);
        VectorMath.expNegAbs(lv).intoArray(e, eo + j);
      }
    }
    int rest = d - whole;
    if (rest > 0) {
      if (bias != null) {
        for (int c = 0; c < rest; c++) {
          l[lo + whole + c] += bias[whole + c];
        }
      }
      java.util.Arrays.fill(pad, 0f);
      System.arraycopy(l, lo + whole, pad, 0, rest);
      VectorMath.expNegAbs(FloatVector.fromArray(S, pad, 0)).intoArray(pad, 0);
      System.arraycopy(pad, 0, e, eo + whole, rest);
    }
  }

}
