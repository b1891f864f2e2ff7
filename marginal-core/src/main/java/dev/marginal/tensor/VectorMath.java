package dev.marginal.tensor;

import static dev.marginal.tensor.FloatMath.E1;
import static dev.marginal.tensor.FloatMath.E2;
import static dev.marginal.tensor.FloatMath.E3;
import static dev.marginal.tensor.FloatMath.E4;
import static dev.marginal.tensor.FloatMath.E5;
import static dev.marginal.tensor.FloatMath.E6;
import static dev.marginal.tensor.FloatMath.EXP_HI;
import static dev.marginal.tensor.FloatMath.EXP_LO;
import static dev.marginal.tensor.FloatMath.LG1;
import static dev.marginal.tensor.FloatMath.LG2;
import static dev.marginal.tensor.FloatMath.LG3;
import static dev.marginal.tensor.FloatMath.LG4;
import static dev.marginal.tensor.FloatMath.LN2_HI;
import static dev.marginal.tensor.FloatMath.LN2_LO;
import static dev.marginal.tensor.FloatMath.LOG2E;
import static dev.marginal.tensor.FloatMath.MIN_NORMAL;
import static dev.marginal.tensor.FloatMath.SHIFT;
import static dev.marginal.tensor.FloatMath.SHIFT_BITS;
import static dev.marginal.tensor.FloatMath.SIGN_BIT;
import static dev.marginal.tensor.FloatMath.SQRT_HALF_BITS;
import static dev.marginal.tensor.FloatMath.SUBNORMAL_LOG2;
import static dev.marginal.tensor.FloatMath.SUBNORMAL_SCALE;
import static dev.marginal.tensor.FloatMath.T0;
import static dev.marginal.tensor.FloatMath.T1;
import static dev.marginal.tensor.FloatMath.T2;
import static dev.marginal.tensor.FloatMath.T3;
import static dev.marginal.tensor.FloatMath.T4;
import static dev.marginal.tensor.FloatMath.TANH_SMALL;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The functions of {@link FloatMath} on whole vectors, lane for lane the same operations in the same order, so
 * every lane equals the scalar twin bit for bit. Only exactly rounded operations appear (add, sub, mul, div, fma),
 * with compares, blends, exact int-to-float conversion and bit manipulation; none of the Vector API's lanewise
 * transcendental operators, whose results differ between the SVML intrinsics of C2 and the {@code Math}-based
 * fallback used before compilation. See {@link FloatMath} for the algorithms and their accuracy.
 */
final class VectorMath {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  // Constants as whole vectors: the scalar-operand overloads of the Vector API cost many more C2 parse nodes, and
  // softplus (exp and log1p inlined into one loop) must stay within C2's inlining node budget.
  private static final FloatVector ZERO = c(0f);
  private static final FloatVector HALF = c(0.5f);
  private static final FloatVector ONE = c(1f);
  private static final FloatVector TWO = c(2f);
  private static final FloatVector V_EXP_HI = c(EXP_HI);
  private static final FloatVector V_EXP_LO = c(EXP_LO);
  /** Inside [−87, 88] every e^x is a normal float and k lies in [−126, 127]. */
  private static final FloatVector V_EXP_NORMAL_LO = c(-87f);
  private static final FloatVector V_EXP_NORMAL_HI = c(88f);
  private static final FloatVector V_SQRT2 = c(FloatMath.SQRT2);
  private static final IntVector ONE_BITS = IntVector.broadcast(IntVector.SPECIES_PREFERRED, 0x3f800000);
  private static final FloatVector V_LOG2E = c(LOG2E);
  private static final FloatVector V_SHIFT = c(SHIFT);
  private static final FloatVector MINUS_LN2_HI = c(-LN2_HI);
  private static final FloatVector MINUS_LN2_LO = c(-LN2_LO);
  private static final FloatVector V_LN2_HI = c(LN2_HI);
  private static final FloatVector V_LN2_LO = c(LN2_LO);
  private static final FloatVector V_E6 = c(E6);
  private static final FloatVector V_E5 = c(E5);
  private static final FloatVector V_E4 = c(E4);
  private static final FloatVector V_E3 = c(E3);
  private static final FloatVector V_E2 = c(E2);
  private static final FloatVector V_E1 = c(E1);
  private static final FloatVector V_MIN_NORMAL = c(MIN_NORMAL);
  private static final FloatVector V_SUBNORMAL_SCALE = c(SUBNORMAL_SCALE);
  private static final FloatVector V_SUBNORMAL_LOG2 = c(SUBNORMAL_LOG2);
  private static final FloatVector V_LG1 = c(LG1);
  private static final FloatVector V_LG2 = c(LG2);
  private static final FloatVector V_LG3 = c(LG3);
  private static final FloatVector V_LG4 = c(LG4);
  private static final FloatVector V_TANH_SMALL = c(TANH_SMALL);
  private static final FloatVector V_T4 = c(T4);
  private static final FloatVector V_T3 = c(T3);
  private static final FloatVector V_T2 = c(T2);
  private static final FloatVector V_T1 = c(T1);
  private static final FloatVector V_T0 = c(T0);
  private static final FloatVector POS_INF = c(Float.POSITIVE_INFINITY);
  private static final FloatVector NEG_INF = c(Float.NEGATIVE_INFINITY);
  private static final FloatVector NAN = c(Float.NaN);
  private static final IntVector V_SHIFT_BITS = IntVector.broadcast(IntVector.SPECIES_PREFERRED, SHIFT_BITS);
  private static final IntVector V_SQRT_HALF_BITS = IntVector.broadcast(IntVector.SPECIES_PREFERRED, SQRT_HALF_BITS);
  private static final IntVector BIAS = IntVector.broadcast(IntVector.SPECIES_PREFERRED, 127);
  private static final IntVector V_SIGN_BIT = IntVector.broadcast(IntVector.SPECIES_PREFERRED, SIGN_BIT);

  private VectorMath() {}

  private static FloatVector c(float v) {
    return FloatVector.broadcast(S, v);
  }

  /**
   * e^x lanewise; see {@link FloatMath#exp}. Vectors whose lanes all have normal results, the common case, skip
   * the clamping and scale by 2^k in one step, which gives the same bits there.
   */
  static FloatVector exp(FloatVector x) {
    if (x.compare(GE, V_EXP_NORMAL_LO).and(x.compare(LE, V_EXP_NORMAL_HI)).allTrue()) {
      FloatVector t = x.fma(V_LOG2E, V_SHIFT);
      FloatVector p = expReduced(x, t.sub(V_SHIFT));
      return p.mul(t.reinterpretAsInts().lanewise(LSHL, 23).add(ONE_BITS).reinterpretAsFloats());
    }
    return expAnyRange(x);
  }

  /** e^x lanewise for any x, exactly as {@link FloatMath#exp}. */
  private static FloatVector expAnyRange(FloatVector x) {
    FloatVector xc = x.blend(V_EXP_HI, x.compare(GT, V_EXP_HI));
    xc = xc.blend(V_EXP_LO, xc.compare(LT, V_EXP_LO));
    FloatVector t = xc.fma(V_LOG2E, V_SHIFT);
    FloatVector p = expReduced(xc, t.sub(V_SHIFT));
    IntVector k = t.reinterpretAsInts().sub(V_SHIFT_BITS);
    IntVector k1 = k.lanewise(ASHR, 1);
    IntVector k2 = k.sub(k1);
    return p.mul(pow2(k1)).mul(pow2(k2));
  }

  /** e^r for r = x − k·ln2 (two-constant reduction), from the polynomial of {@link FloatMath#exp}. */
  private static FloatVector expReduced(FloatVector x, FloatVector kf) {
    FloatVector r = kf.fma(MINUS_LN2_HI, x);
    r = kf.fma(MINUS_LN2_LO, r);
    FloatVector p = r.fma(V_E6, V_E5);
    p = p.fma(r, V_E4);
    p = p.fma(r, V_E3);
    p = p.fma(r, V_E2);
    p = p.fma(r, V_E1);
    return r.mul(r).fma(p, r).add(ONE);
  }

  /** 2^k as a float, for k in [−126, 127]. */
  private static FloatVector pow2(IntVector k) {
    return k.add(BIAS).lanewise(LSHL, 23).reinterpretAsFloats();
  }

  /**
   * Natural log lanewise; see {@link FloatMath#log}. Vectors whose lanes are all positive normal floats, the common
   * case, skip the subnormal scaling and the fix-ups for 0, negatives, ∞ and NaN, which would leave them unchanged.
   */
  static FloatVector log(FloatVector x) {
    if (x.compare(GE, V_MIN_NORMAL).and(x.compare(LT, POS_INF)).allTrue()) {
      return logNormal(x);
    }
    VectorMask<Float> subnormal = x.compare(LT, V_MIN_NORMAL);
    FloatVector xs = x.blend(x.mul(V_SUBNORMAL_SCALE), subnormal);
    IntVector bits = xs.reinterpretAsInts();
    IntVector k = bits.sub(V_SQRT_HALF_BITS).lanewise(ASHR, 23);
    FloatVector m = bits.sub(k.lanewise(LSHL, 23)).reinterpretAsFloats();
    FloatVector kf = (FloatVector) k.convert(I2F, 0);
    kf = kf.blend(kf.sub(V_SUBNORMAL_LOG2), subnormal);
    FloatVector y = logCore(kf, m.sub(ONE), ZERO);
    y = y.blend(x, x.compare(EQ, POS_INF));
    y = y.blend(NEG_INF, x.compare(EQ, ZERO));
    return y.blend(NAN, x.compare(LT, ZERO).or(x.compare(NE, x)));
  }

  /** log x for positive normal finite x. */
  private static FloatVector logNormal(FloatVector x) {
    IntVector bits = x.reinterpretAsInts();
    IntVector k = bits.sub(V_SQRT_HALF_BITS).lanewise(ASHR, 23);
    FloatVector m = bits.sub(k.lanewise(LSHL, 23)).reinterpretAsFloats();
    return logCore((FloatVector) k.convert(I2F, 0), m.sub(ONE), ZERO);
  }

  /** See {@link FloatMath#logCore}. */
  private static FloatVector logCore(FloatVector kf, FloatVector f, FloatVector c) {
    FloatVector s = f.div(f.add(TWO));
    FloatVector z = s.mul(s);
    FloatVector w = z.mul(z);
    FloatVector r = z.fma(w.fma(V_LG3, V_LG1), w.mul(w.fma(V_LG4, V_LG2)));
    FloatVector hfsq = f.mul(HALF).mul(f);
    FloatVector lo = s.fma(hfsq.add(r), kf.fma(V_LN2_LO, c));
    return kf.fma(V_LN2_HI, hfsq.sub(lo).sub(f).neg());
  }

  /** See {@link FloatMath#log1pUnit}. */
  private static FloatVector log1pUnit(FloatVector u) {
    FloatVector w = u.add(ONE);
    FloatVector c = u.sub(w.sub(ONE)).div(w);
    VectorMask<Float> aboveSqrt2 = w.compare(GE, V_SQRT2);
    FloatVector m = w.blend(w.mul(HALF), aboveSqrt2);
    return logCore(ZERO.blend(ONE, aboveSqrt2), m.sub(ONE), c);
  }

  /** tanh lanewise; see {@link FloatMath#tanh}. */
  static FloatVector tanh(FloatVector x) {
    FloatVector a = x.abs();
    FloatVector z = a.mul(a);
    FloatVector p = z.fma(V_T4, V_T3);
    p = p.fma(z, V_T2);
    p = p.fma(z, V_T1);
    p = p.fma(z, V_T0);
    FloatVector small = a.mul(z).fma(p, a);
    FloatVector large = ONE.sub(TWO.div(exp(a.add(a)).add(ONE)));
    FloatVector t = large.blend(small, a.compare(LT, V_TANH_SMALL));
    IntVector sign = x.reinterpretAsInts().and(V_SIGN_BIT);
    return t.reinterpretAsInts().or(sign).reinterpretAsFloats();
  }

  /** The logistic function lanewise; see {@link FloatMath#sigmoid}. */
  static FloatVector sigmoid(FloatVector x) {
    return sigmoid(x, expNegAbs(x));
  }

  /** log(1 + e^x) lanewise; see {@link FloatMath#softplus}. */
  static FloatVector softplus(FloatVector x) {
    return softplus(x, expNegAbs(x));
  }

  /** {@code e^{−|x|}} lanewise, the term {@link #softplus} and {@link #sigmoid} share. */
  static FloatVector expNegAbs(FloatVector x) {
    return exp(x.abs().neg());
  }

  /** {@link #sigmoid} of x from {@code e = expNegAbs(x)}. */
  static FloatVector sigmoid(FloatVector x, FloatVector e) {
    FloatVector n = ONE.blend(e, x.compare(LT, ZERO));
    return n.div(e.add(ONE));
  }

  /** {@link #softplus} of x from {@code e = expNegAbs(x)}. */
  static FloatVector softplus(FloatVector x, FloatVector e) {
    FloatVector pos = ZERO.blend(x, x.compare(GT, ZERO));
    return pos.add(log1pUnit(e));
  }
}
