package dev.marginal.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#bernoulliLogMass} on the Vector API. Where a float vector holds the sixteen partial sums' terms
 * exactly (512-bit vectors: sixteen floats, two vectors of eight doubles), softplus, the terms and the double
 * partial sums run in one pass over the row, lane m of the two accumulators being partial sum m, so the logits are
 * read once and no softplus buffer is written. The terms widen to double straight from the register (the upper
 * half after a lane rotation): storing them and reloading each half stalls on store forwarding, which made the fused
 * pass slower than the two it replaces (686 against 626 µs for 256 rows of 784, against 235 µs now). Other widths compute softplus on the vector kernels and sum with
 * {@link LogMassSum}; both give the bits of the order {@link Kernels#bernoulliLogMass} defines.
 */
final class VectorLogMass {
  private static final VectorSpecies<Float> S = VectorMath.S;
  private static final int P = Kernels.LOG_MASS_PARTIALS;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  /** Whether one float vector is one group of sixteen terms and two double vectors hold the partial sums. */
  static final boolean FUSED = S.length() == P && D.length() * 2 == P;
  private static final FloatVector ZERO = FloatVector.zero(S);
  /**
   * Moves lanes 8–15 to 0–7, so the upper half widens as part 0: {@code convertShape(..., 1)} builds its shuffle
   * lane by lane in Java on every call (JDK 17), which kept the loop on the slow path.
   */
  private static final VectorShuffle<Float> UPPER_HALF = VectorShuffle.fromOp(S, i -> (i + P / 2) % S.length());

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
   * One row, sixteen terms at a time; the last group reads zero-padded copies and zeroes its padding lanes. One call
   * of softplus serves both (a second inlined copy could push the loop past C2's inlining budget; see
   * {@link VectorKernels}).
   */
  private static float row(float[] x, int xo, float[] l, int lo, int d, float[] padX, float[] padL,
      double[] acc) {
    DoubleVector a0 = DoubleVector.zero(D);
    DoubleVector a1 = a0;
    for (int j = 0; j < d; j += P) {
      int rest = Math.min(P, d - j);
      boolean tail = rest < P;
      if (tail) {
        padTail(x, xo + j, l, lo + j, rest, padX, padL);
      }
      FloatVector t = term(FloatVector.fromArray(S, tail ? padX : x, tail ? 0 : xo + j),
          FloatVector.fromArray(S, tail ? padL : l, tail ? 0 : lo + j));
      if (tail) {
        t = ZERO.blend(t, S.indexInRange(0, rest));
      }
      a0 = a0.add(t.convertShape(VectorOperators.F2D, D, 0));
      a1 = a1.add(t.rearrange(UPPER_HALF).convertShape(VectorOperators.F2D, D, 0));
    }
    a0.intoArray(acc, 0);
    a1.intoArray(acc, P / 2);
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
    for (int j = 0; j < d; j += P) {
      int rest = Math.min(P, d - j);
      boolean tail = rest < P;
      if (tail) {
        padTail(x, xo + j, l, lo + j, rest, padX, padL);
        System.arraycopy(res, lo + j, padE, 0, rest);
        java.util.Arrays.fill(padE, rest, P, 1f); // e^{-|0|}, as the padding logits give
      }
      FloatVector lv = FloatVector.fromArray(S, tail ? padL : l, tail ? 0 : lo + j);
      FloatVector e = FloatVector.fromArray(S, tail ? padE : res, tail ? 0 : lo + j);
      FloatVector xv = FloatVector.fromArray(S, tail ? padX : x, tail ? 0 : xo + j);
      FloatVector t = xv.mul(lv).sub(VectorMath.softplus(lv, e));
      FloatVector s = xv.sub(VectorMath.sigmoid(lv, e));
      if (tail) {
        s.intoArray(padE, 0);
        System.arraycopy(padE, 0, res, lo + j, rest);
        t = ZERO.blend(t, S.indexInRange(0, rest));
      } else {
        s.intoArray(res, lo + j);
      }
      a0 = a0.add(t.convertShape(VectorOperators.F2D, D, 0));
      a1 = a1.add(t.rearrange(UPPER_HALF).convertShape(VectorOperators.F2D, D, 0));
    }
    a0.intoArray(acc, 0);
    a1.intoArray(acc, P / 2);
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
    for (int j = 0; j < d; j += P) {
      int rest = Math.min(P, d - j);
      if (rest < P) {
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
