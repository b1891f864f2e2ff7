package dev.marginal.tensor;

import static dev.marginal.tensor.Fdlibm.C1;
import static dev.marginal.tensor.Fdlibm.C2;
import static dev.marginal.tensor.Fdlibm.C3;
import static dev.marginal.tensor.Fdlibm.C4;
import static dev.marginal.tensor.Fdlibm.C5;
import static dev.marginal.tensor.Fdlibm.C6;
import static dev.marginal.tensor.Fdlibm.INV_PIO2;
import static dev.marginal.tensor.Fdlibm.LG1;
import static dev.marginal.tensor.Fdlibm.LG2;
import static dev.marginal.tensor.Fdlibm.LG3;
import static dev.marginal.tensor.Fdlibm.LG4;
import static dev.marginal.tensor.Fdlibm.LG5;
import static dev.marginal.tensor.Fdlibm.LG6;
import static dev.marginal.tensor.Fdlibm.LG7;
import static dev.marginal.tensor.Fdlibm.LN2_HI;
import static dev.marginal.tensor.Fdlibm.LN2_LO;
import static dev.marginal.tensor.Fdlibm.PIO2_1;
import static dev.marginal.tensor.Fdlibm.PIO2_1T;
import static dev.marginal.tensor.Fdlibm.S1;
import static dev.marginal.tensor.Fdlibm.S2;
import static dev.marginal.tensor.Fdlibm.S3;
import static dev.marginal.tensor.Fdlibm.S4;
import static dev.marginal.tensor.Fdlibm.S5;
import static dev.marginal.tensor.Fdlibm.S6;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#boxMuller} on the Vector API: {@link Fdlibm}'s logarithm, argument reduction and sine and cosine
 * kernels, every branch computed in all lanes and the lane's own branch kept, so each lane runs exactly the
 * operations the scalar code would and gives the same bits. Only add, subtract, multiply, divide, square root and
 * bit operations are used, all exactly rounded, so the result is also the same interpreted or compiled.
 *
 * <p>A lane whose argument takes a path of the scalar code not written out here (the logarithm near 1, the sine and
 * cosine near π/2, π, 3π/2 and 2π, and anything outside {@code (0, 1]} and {@code [0, 2π)}) is recomputed by
 * {@link Fdlibm} itself: about one lane in half a million. fdlibm's coefficients and notice: see {@link Fdlibm}.
 */
final class VectorBoxMuller {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
  private static final int L = D.length();

  /** {@code 2^52 + 2^11}: a small integer k in the low bits of its pattern reads as this plus k. */
  private static final double INT_BIAS = 0x1.0p52 + 2048;
  private static final long INT_BIAS_BITS = Double.doubleToRawLongBits(0x1.0p52);

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private VectorBoxMuller() {}

  /** Per-thread arrays the three loops meet in, grown on demand (fresh arrays per call cost more to clear). */
  private static final class Scratch {
    double[] r = new double[0];
    double[] c = r;
    double[] s = r;
    double[] y0 = r;
    double[] y1 = r;
    long[] quadrant = new long[0];
    long[] rare = quadrant;

    Scratch atLeast(int n) {
      if (r.length < n) {
        r = new double[n];
        c = new double[n];
        s = new double[n];
        y0 = new double[n];
        y1 = new double[n];
        quadrant = new long[n];
        rare = new long[n];
      }
      return this;
    }
  }

  /** See {@link Kernels#boxMuller}. */
  static void boxMuller(double[] u1, double[] u2, int pairs, double[] z) {
    int whole = pairs - pairs % L;
    if (whole > 0) {
      Scratch scratch = SCRATCH.get().atLeast(whole);
      double[] r = scratch.r;
      double[] c = scratch.c;
      double[] s = scratch.s;
      long[] rare = scratch.rare;
      // Three loops, each small enough for C2 to inline all of its vector operations (one loop for all three
      // exceeds its inlining budget, and the operations left as calls box every vector); they meet in arrays.
      boolean anyRare = logLanes(u1, whole, r, rare);
      anyRare |= reduceLanes(u2, whole, scratch.y0, scratch.y1, scratch.quadrant, rare);
      kernelLanes(scratch.y0, scratch.y1, scratch.quadrant, whole, c, s);
      for (int i = 0; i < whole; i++) {
        z[2 * i] = r[i] * c[i];
        z[2 * i + 1] = r[i] * s[i];
      }
      for (int i = 0; anyRare && i < whole; i++) {
        if (rare[i] != 0) {
          // A path the vector code leaves out: the scalar code, which every lane would have run.
          Fdlibm.boxMuller(u1, u2, i, i + 1, z);
        }
      }
    }
    Fdlibm.boxMuller(u1, u2, whole, pairs, z);
  }

  /**
   * {@code r = sqrt(−2·log u1)} for the first {@code n} values, a multiple of {@code L} (fdlibm e_log.c), for
   * normal positive u1 away from 1.
   *
   * @param rare set to 1 for each value the scalar code must recompute, else 0
   * @return whether there is such a lane
   */
  private static boolean logLanes(double[] u1, int n, double[] rOut, long[] rare) {
    boolean any = false;
    for (int i = 0; i < n; i += L) {
      DoubleVector x0 = DoubleVector.fromArray(D, u1, i);
      LongVector bits = x0.reinterpretAsLongs();
      LongVector hx0 = bits.lanewise(VectorOperators.LSHR, 32);
      LongVector hx = hx0.and(0x000fffffL);
      // Zero, subnormal, negative, infinite, NaN; and |f| < 2^-20, which takes another formula.
      VectorMask<Long> rareLog = hx0.compare(VectorOperators.LT, 0x00100000L)
          .or(hx0.compare(VectorOperators.GE, 0x7ff00000L))
          .or(hx.add(2L).and(0x000fffffL).compare(VectorOperators.LT, 3L));
      LongVector iv = hx.add(0x95f64L).and(0x100000L);
      LongVector k = hx0.lanewise(VectorOperators.ASHR, 20).sub(1023L).add(iv.lanewise(VectorOperators.ASHR, 20));
      DoubleVector x = hx.or(iv.lanewise(VectorOperators.XOR, 0x3ff00000L)).lanewise(VectorOperators.LSHL, 32)
          .or(bits.and(0xffffffffL)).reinterpretAsDoubles();
      DoubleVector f = x.sub(1.0);
      DoubleVector sv = f.div(f.add(2.0));
      // k as a double, exactly: k + 2048 in the low bits of 2^52's pattern, less 2^52 + 2048.
      DoubleVector dk = k.add(INT_BIAS_BITS + 2048L).reinterpretAsDoubles().sub(INT_BIAS);
      DoubleVector zz = sv.mul(sv);
      VectorMask<Double> upper = hx.sub(0x6147aL).or(hx.neg().add(0x6b851L)).compare(VectorOperators.GT, 0L).cast(D);
      DoubleVector w = zz.mul(zz);
      DoubleVector t1 = w.mul(w.mul(w.mul(LG6).add(LG4)).add(LG2));
      DoubleVector t2 = zz.mul(w.mul(w.mul(w.mul(LG7).add(LG5)).add(LG3)).add(LG1));
      DoubleVector rr = t2.add(t1);
      DoubleVector hfsq = f.mul(0.5).mul(f);
      VectorMask<Double> kZero = k.compare(VectorOperators.EQ, 0L).cast(D);
      DoubleVector hi = dk.mul(LN2_HI);
      DoubleVector lo = dk.mul(LN2_LO);
      // i > 0: f − (hfsq − s(hfsq + R)), or with k: k·ln2_hi − ((hfsq − (s(hfsq + R) + k·ln2_lo)) − f)
      DoubleVector sh = sv.mul(hfsq.add(rr));
      DoubleVector logUpper = hi.sub(hfsq.sub(sh.add(lo)).sub(f)).blend(f.sub(hfsq.sub(sh)), kZero);
      // else: f − s(f − R), or with k: k·ln2_hi − ((s(f − R) − k·ln2_lo) − f)
      DoubleVector sf = sv.mul(f.sub(rr));
      DoubleVector logLower = hi.sub(sf.sub(lo).sub(f)).blend(f.sub(sf), kZero);
      logLower.blend(logUpper, upper).mul(-2.0).sqrt().intoArray(rOut, i);
      LongVector.zero(LS).blend(1L, rareLog).intoArray(rare, i);
      any |= rareLog.anyTrue();
    }
    return any;
  }

  /**
   * Reduces {@code t = 2π·u2} by multiples of π/2 for the first {@code n} values, a multiple of {@code L} (fdlibm
   * e_rem_pio2.c), for {@code 0 <= t < 2π}: {@code t = q·π/2 + y0 + y1}.
   *
   * @param quadrant q mod 4, or 4 where t needed no reduction (q = 0, and the sine kernel then takes no tail)
   * @param rare set to 1 for each value the scalar code must recompute, else left as it is
   * @return whether there is such a lane
   */
  private static boolean reduceLanes(double[] u2, int n, double[] y0Out, double[] y1Out, long[] quadrant,
      long[] rare) {
    boolean any = false;
    for (int i = 0; i < n; i += L) {
      DoubleVector t = DoubleVector.fromArray(D, u2, i).mul(Fdlibm.TWO_PI);
      LongVector ix = t.reinterpretAsLongs().lanewise(VectorOperators.ASHR, 32);
      // Negative, 2π and beyond, NaN; and the high words of π/2, π and 3π/2, where the reduction takes more care.
      VectorMask<Long> rareTrig = ix.compare(VectorOperators.LT, 0L)
          .or(ix.compare(VectorOperators.GE, 0x401921fbL))
          .or(ix.compare(VectorOperators.EQ, 0x3ff921fbL))
          .or(ix.compare(VectorOperators.EQ, 0x400921fbL))
          .or(ix.compare(VectorOperators.EQ, 0x4012d97cL));
      VectorMask<Long> direct = ix.compare(VectorOperators.LE, 0x3fe921fbL);
      VectorMask<Long> one = ix.compare(VectorOperators.LT, 0x4002d97cL).andNot(direct);
      // Medium size: n = (int) (t·2/π + 1/2), read off by comparisons: 1 (just below 3π/4), 2, 3 or 4.
      DoubleVector q = t.mul(INV_PIO2).add(0.5);
      VectorMask<Double> ge2 = q.compare(VectorOperators.GE, 2.0);
      VectorMask<Double> ge3 = q.compare(VectorOperators.GE, 3.0);
      VectorMask<Double> ge4 = q.compare(VectorOperators.GE, 4.0);
      DoubleVector fn = DoubleVector.broadcast(D, 1.0).blend(2.0, ge2).blend(3.0, ge3).blend(4.0, ge4);
      DoubleVector rm = t.sub(fn.mul(PIO2_1));
      DoubleVector wm = fn.mul(PIO2_1T);
      DoubleVector y0m = rm.sub(wm);
      DoubleVector y1m = rm.sub(y0m).sub(wm);
      // n = 1 below 3π/4.
      DoubleVector z1 = t.sub(PIO2_1);
      DoubleVector y01 = z1.sub(PIO2_1T);
      DoubleVector y11 = z1.sub(y01).sub(PIO2_1T);
      VectorMask<Double> oneD = one.cast(D);
      VectorMask<Double> directD = direct.cast(D);
      y0m.blend(y01, oneD).blend(t, directD).intoArray(y0Out, i);
      y1m.blend(y11, oneD).blend(0.0, directD).intoArray(y1Out, i);
      // n mod 4 (n = 4 is 0) from the medium-size n, 1 below 3π/4, and 4 (no reduction, n = 0) for direct lanes.
      LongVector nm = LongVector.broadcast(LS, 1L).blend(2L, ge2.cast(LS)).blend(3L, ge3.cast(LS))
          .blend(0L, ge4.cast(LS));
      nm.blend(1L, one).blend(4L, direct).intoArray(quadrant, i);
      LongVector.fromArray(LS, rare, i).blend(1L, rareTrig).intoArray(rare, i);
      any |= rareTrig.anyTrue();
    }
    return any;
  }

  /**
   * fdlibm k_sin.c and k_cos.c on {@code y0 + y1}, {@code |y0| <= π/4}, then the signs and swaps of the quadrant, for
   * the first {@code n} values, a multiple of {@code L}.
   */
  private static void kernelLanes(double[] y0a, double[] y1a, long[] quadrant, int n, double[] cOut,
      double[] sOut) {
    for (int i = 0; i < n; i += L) {
      DoubleVector y0 = DoubleVector.fromArray(D, y0a, i);
      DoubleVector y1 = DoubleVector.fromArray(D, y1a, i);
      LongVector quad = LongVector.fromArray(LS, quadrant, i);
      VectorMask<Double> directD = quad.compare(VectorOperators.EQ, 4L).cast(D);
      LongVector iy = y0.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 32).and(0x7fffffffL);
      VectorMask<Double> tiny = iy.compare(VectorOperators.LT, 0x3e400000L).cast(D);
      DoubleVector z = y0.mul(y0);
      DoubleVector v = z.mul(y0);
      DoubleVector rs = z.mul(z.mul(z.mul(z.mul(S6).add(S5)).add(S4)).add(S3)).add(S2);
      DoubleVector sinTail = y0.sub(z.mul(y1.mul(0.5).sub(v.mul(rs))).sub(y1).sub(v.mul(S1)));
      DoubleVector sinNoTail = y0.add(v.mul(z.mul(rs).add(S1)));
      DoubleVector ks = sinTail.blend(sinNoTail, directD).blend(y0, tiny);
      DoubleVector rc = z.mul(z.mul(z.mul(z.mul(z.mul(z.mul(C6).add(C5)).add(C4)).add(C3)).add(C2)).add(C1));
      DoubleVector zrxy = z.mul(rc).sub(y0.mul(y1));
      DoubleVector hz0 = z.mul(0.5);
      DoubleVector cosSmall = DoubleVector.broadcast(D, 1.0).sub(hz0.sub(zrxy));
      DoubleVector qx = iy.sub(0x00200000L).lanewise(VectorOperators.LSHL, 32).reinterpretAsDoubles()
          .blend(0.28125, iy.compare(VectorOperators.GT, 0x3fe90000L).cast(D));
      DoubleVector cosLarge = DoubleVector.broadcast(D, 1.0).sub(qx).sub(hz0.sub(qx).sub(zrxy));
      DoubleVector kc = cosLarge.blend(cosSmall, iy.compare(VectorOperators.LT, 0x3fd33333L).cast(D))
          .blend(1.0, tiny);
      // n mod 4: 0 (cos, sin) = (kc, ks); 1 (−ks, kc); 2 (−kc, −ks); 3 (ks, −kc).
      VectorMask<Double> n1 = quad.compare(VectorOperators.EQ, 1L).cast(D);
      VectorMask<Double> n2 = quad.compare(VectorOperators.EQ, 2L).cast(D);
      VectorMask<Double> n3 = quad.compare(VectorOperators.EQ, 3L).cast(D);
      kc.blend(ks.neg(), n1).blend(kc.neg(), n2).blend(ks, n3).intoArray(cOut, i);
      ks.blend(kc, n1).blend(ks.neg(), n2).blend(kc.neg(), n3).intoArray(sOut, i);
    }
  }
}
