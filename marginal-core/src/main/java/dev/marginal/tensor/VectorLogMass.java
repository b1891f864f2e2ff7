package dev.marginal.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#bernoulliLogMass} on the Vector API. Where a group of sixteen terms is one float vector (512-bit
 * vectors: sixteen floats, two vectors of eight doubles) or two (256-bit vectors: eight floats, each widening to two
 * vectors of four doubles), softplus, the terms and the double partial sums run in one pass over the row, lane m of
 * the accumulators being partial sum m, so the logits are read once and no softplus buffer is written. With two
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
    float[] padX = new float[P];
    float[] padL = new float[P];
    double[] acc = new double[P];
    float[] padE = residual == null ? null : new float[P];
    for (int r = 0; r < count; r++) {
      int lo = lOff + r * d;
      if (residual == null) {
        out[outOff + r] = row(x, xOffsets[r], logits, lo, d, padX, padL, acc);
      } else {
        expNegAbs(logits, lo, d, bias, padL, residual);
        out[outOff + r] = rowAndResidual(x, xOffsets[r], logits, lo, d, padX, padL, acc, padE, residual);
      }
    }
  }

  /**
   * One row, a vector at a time; the last group reads zero-padded copies and zeroes its padding lanes. One call of
   * softplus serves all vectors (a second inlined copy could push the loop past C2's inlining budget; see
   * {@link VectorKernels}). {@code a0, a1} take the vector's lower and upper lanes; with two vectors per group the
   * pairs {@code (a0, a1)} and {@code (a2, a3)} swap after each vector, and a row has an even number of vectors, so at
   * the end they hold partial sums 0–7 and 8–15 again (with one vector per group, {@code a0, a1} hold 0–7 and 8–15).
   */
  private static float row(float[] x, int xo, float[] l, int lo, int d, float[] padX, float[] padL,
      double[] acc) {
    DoubleVector a0 = DoubleVector.zero(D);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    int full = d - d % P;
    int end = full == d ? d : full + P;
    if (full < d) {
      padTail(x, xo + full, l, lo + full, d - full, padX, padL);
    }
    for (int j = 0; j < end; j += L) {
      boolean tail = j >= full;
      FloatVector t = term(FloatVector.fromArray(S, tail ? padX : x, tail ? j - full : xo + j),
          FloatVector.fromArray(S, tail ? padL : l, tail ? j - full : lo + j));
      if (tail) {
        t = ZERO.blend(t, S.indexInRange(j - full, d - full));
      }
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
    return LogMassSum.total(acc);
  }

  /**
   * {@link #row}, turning the row's {@code e^{−|l|}}, which {@link #expNegAbs} has left in {@code res} at the
   * logits' indices, into the residuals {@code x − σ(l)} there, and using them for softplus. The exponentials are
   * computed by a call of their own from the caller: inside this method, or in this loop, they took C2 past its
   * inlining node budget ({@code NodeCountInliningCutoff}), and the pass ran 3–4 times slower with its vectors boxed.
   */
  private static float rowAndResidual(float[] x, int xo, float[] l, int lo, int d, float[] padX, float[] padL,
      double[] acc, float[] padE, float[] res) {
    DoubleVector a0 = DoubleVector.zero(D);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    int full = d - d % P;
    int end = full == d ? d : full + P;
    if (full < d) {
      padTail(x, xo + full, l, lo + full, d - full, padX, padL);
      System.arraycopy(res, lo + full, padE, 0, d - full);
      java.util.Arrays.fill(padE, d - full, P, 1f); // e^{-|0|}, as the padding logits give
    }
    for (int j = 0; j < end; j += L) {
      boolean tail = j >= full;
      FloatVector lv = FloatVector.fromArray(S, tail ? padL : l, tail ? j - full : lo + j);
      FloatVector e = FloatVector.fromArray(S, tail ? padE : res, tail ? j - full : lo + j);
      FloatVector xv = FloatVector.fromArray(S, tail ? padX : x, tail ? j - full : xo + j);
      FloatVector t = xv.mul(lv).sub(VectorMath.softplus(lv, e));
      FloatVector s = xv.sub(VectorMath.sigmoid(lv, e));
      if (tail) {
        s.intoArray(padE, j - full);
        t = ZERO.blend(t, S.indexInRange(j - full, d - full));
      } else {
        s.intoArray(res, lo + j);
      }
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
    if (full < d) {
      System.arraycopy(padE, 0, res, lo + full, d - full);
    }
    // Stored here rather than in a method taking the vectors: C2 may not inline it, and would then box them.
    int dl = D.length();
    a0.intoArray(acc, 0);
    a1.intoArray(acc, dl);
    if (PAIRS) {
      a2.intoArray(acc, 2 * dl);
      a3.intoArray(acc, 3 * dl);
    }
    return LogMassSum.total(acc);
  }

  /** The last {@code rest < 16} observations and logits of a row, zero-padded to a group. */
  private static void padTail(float[] x, int xFrom, float[] l, int lFrom, int rest, float[] padX, float[] padL) {
    java.util.Arrays.fill(padX, 0f);
    java.util.Arrays.fill(padL, 0f);
    System.arraycopy(x, xFrom, padX, 0, rest);
    System.arraycopy(l, lFrom, padL, 0, rest);
  }

  /**
   * {@code e^{−|l|}} of {@code d} logits from {@code lo} into {@code e} at the same indices, after adding
   * {@code bias} (when not null) to the logits in place; pad is scratch. The row is then in cache for
   * {@link #rowAndResidual}, where a separate pass over all rows for the bias would read and write it once more.
   */
  private static void expNegAbs(float[] l, int lo, int d, float[] bias, float[] pad, float[] e) {
    for (int j = 0; j < d; j += L) {
      int rest = Math.min(L, d - j);
      if (rest < L) {
        if (bias != null) {
          for (int c = 0; c < rest; c++) {
            l[lo + j + c] += bias[j + c];
          }
        }
        java.util.Arrays.fill(pad, 0f);
        System.arraycopy(l, lo + j, pad, 0, rest);
        VectorMath.expNegAbs(FloatVector.fromArray(S, pad, 0)).intoArray(pad, 0);
        System.arraycopy(pad, 0, e, lo + j, rest);
      } else {
        FloatVector lv = FloatVector.fromArray(S, l, lo + j);
        if (bias != null) {
          lv = lv.add(FloatVector.fromArray(S, bias, j));
          lv.intoArray(l, lo + j);
        }
        VectorMath.expNegAbs(lv).intoArray(e, lo + j);
      }
    }
  }

  /** {@code x·l − softplus(l)}: a product and a difference, each rounded to float (no fused multiply-add). */
  private static FloatVector term(FloatVector x, FloatVector l) {
    return x.mul(l).sub(VectorMath.softplus(l));
  }
}
