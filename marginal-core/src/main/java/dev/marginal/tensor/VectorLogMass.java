package dev.marginal.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#bernoulliLogMass} and {@link Kernels#bernoulliLogMassAndResidual} on the Vector API. Where a group of
 * sixteen terms is one float vector (512-bit vectors: sixteen floats, two vectors of eight doubles) or two (256-bit
 * vectors: eight floats, each widening to two vectors of four doubles), each row takes two passes: the exponentials
 * {@code e^{−|l|}} into a buffer of one row (in L1), then the rest of softplus (and σ), the terms and the double
 * partial sums, lane m of the accumulators being partial sum m, so no softplus buffer is written. With two vectors
 * per group, the loop keeps four accumulators and swaps their two pairs after every vector, so that each vector of the
 * row is one inlined copy of softplus and still lands in the partial sums of its own half of the group. The terms
 * widen to double straight from the register (the upper half after a lane rotation): storing them and reloading each
 * half stalls on store forwarding (on a Zen 4, 686 µs for 256 rows of 784 against 235 from the register). Narrower
 * vectors compute softplus on the vector kernels and sum with {@link LogMassSum}; every width gives the bits of the
 * order {@link Kernels#bernoulliLogMass} defines.
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

  /** See {@link Kernels#bernoulliLogMass}. */
  static void logMass(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count, float[] out,
      int outOff) {
    if (!FUSED) {
      float[] sp = new float[d];
      for (int r = 0; r < count; r++) {
        int lo = lOff + r * d;
        Kernels.get().softplus(logits, lo, sp, 0, d);
        out[outOff + r] = LogMassSum.ofTerms(x, xOffsets[r], logits, lo, sp, 0, d);
      }
      return;
    }
    double[] acc = new double[P];
    float[] e = new float[d];
    for (int r = 0; r < count; r++) {
      int lo = lOff + r * d;
      expNegAbs(logits, lo, d - d % P, e);
      row(x, xOffsets[r], logits, lo, d, acc, e);
      tail(x, xOffsets[r], logits, lo, d, acc);
      out[outOff + r] = LogMassSum.total(acc);
    }
  }

  /**
   * See {@link Kernels#bernoulliLogMassAndResidual}. A method of its own, apart from {@link #logMass}: while one
   * method served both, with the scalar code of {@link #tail} called there or from this pass's row method, this pass
   * ran 1.4 times slower on rows of 784 in most processes and 1.8 times on rows of 790 (BENCHMARKS.md); the JIT keeps
   * one profile per method, and C2's inlining budget (see {@link #rowAndResidual}) is the likely cause.
   */
  static void logMassAndResidual(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count,
      float[] bias, float[] out, int outOff, float[] residual) {
    if (!FUSED) {
      LogMassSum.withResidual(Kernels.get(), x, xOffsets, logits, lOff, d, count, bias, out, outOff, residual);
      return;
    }
    float[] padX = new float[P];
    float[] padL = new float[P];
    double[] acc = new double[P];
    float[] padE = new float[P];
    for (int r = 0; r < count; r++) {
      int lo = lOff + r * d;
      expNegAbs(logits, lo, d, bias, padL, residual);
      out[outOff + r] = rowAndResidual(x, xOffsets[r], logits, lo, d, padX, padL, acc, padE, residual);
    }
  }

  /**
   * The partial sums of one row's whole groups of sixteen, into {@code acc}, a vector at a time, from their
   * {@code e^{−|l|}}, which {@link #expNegAbs} has left in {@code e} from index 0 (the caller adds the last, partial
   * group by {@link #tail}). The exponentials come from a pass of their own: in the same loop as the logarithm, each
   * vector's long chain of dependent operations left the processor too little independent work (on a Zen 1, 4.9 ns
   * per logit in one loop against 3.7 in the two; BENCHMARKS.md). {@code a0, a1} take the vector's lower and upper
   * lanes; with two vectors per group the pairs {@code (a0, a1)} and {@code (a2, a3)} swap after each vector, and a
   * group has two vectors, so at the end they hold partial sums 0–7 and 8–15 again (with one vector per group,
   * {@code a0, a1} hold 0–7 and 8–15).
   */
  private static void row(float[] x, int xo, float[] l, int lo, int d, double[] acc, float[] e) {
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
  }

  /**
   * One row of {@link #logMassAndResidual}, turning the row's {@code e^{−|l|}}, which {@link #expNegAbs} has left in
   * {@code res} at the logits' indices, into the residuals {@code x − σ(l)} there, and using them for softplus; the
   * last group reads zero-padded copies and zeroes its padding lanes. The exponentials are computed by a call of their
   * own from the caller: inside this method, or in this loop, they took C2 past its inlining node budget
   * ({@code NodeCountInliningCutoff}), and the pass ran 3–4 times slower with its vectors boxed.
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
   * Adds the terms of the row's last, partial group of sixteen (if any) to the partial sums, a padding {@code +0}
   * for each missing one: value by value on {@link FloatMath}, whose every operation the vector kernels repeat lane
   * for lane, so the bits are those a padded vector group gives. Called by {@link #logMass} after {@link #row}: a
   * second copy of the vector code, or this one inside the row's method, risks C2's inlining budget for the loop.
   */
  private static void tail(float[] x, int xo, float[] l, int lo, int d, double[] acc) {
    int full = d - d % P;
    if (full == d) {
      return;
    }
    for (int m = 0; m < P; m++) {
      int j = full + m;
      if (j < d) {
        float lj = l[lo + j];
        acc[m] += x[xo + j] * lj - FloatMath.softplus(lj);
      } else {
        acc[m] += 0.0;
      }
    }
  }

  /**
   * {@code e^{−|l|}} of the {@code whole} (a multiple of the vector length) logits from {@code lo} into {@code e} from
   * index 0, for {@link #row}.
   */
  private static void expNegAbs(float[] l, int lo, int whole, float[] e) {
    for (int j = 0; j < whole; j += L) {
      VectorMath.expNegAbs(FloatVector.fromArray(S, l, lo + j)).intoArray(e, j);
    }
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
}
