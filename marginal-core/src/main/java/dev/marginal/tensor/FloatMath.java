package dev.marginal.tensor;

/**
 * Float transcendental functions built only from exactly specified operations: {@code +}, {@code −}, {@code ×},
 * {@code /}, {@link Math#fma(float, float, float)}, comparisons and bit manipulation. Each result is therefore the
 * same in the interpreter, C1 and C2, on every platform; {@code Math.exp} and friends are not (the JIT substitutes
 * intrinsics that may differ from the interpreter by an ulp).
 *
 * <p>{@link VectorMath} performs, lane for lane, exactly the operations written here, so a vector kernel and this
 * scalar twin give the same bits for every input (NaN payloads aside). The tests hold the two together.
 *
 * <p>Accuracy against {@code Math} in double: exp and log within 1 ulp over all floats, tanh within 2 ulp,
 * sigmoid and softplus within 2.4e-7 relative.
 *
 * <p>References: Cody &amp; Waite, <i>Software Manual for the Elementary Functions</i> (1980) for the two-constant
 * argument reduction; the fdlibm {@code e_logf.c}/{@code s_log1pf.c} kernels (Sun Microsystems, 1993) for log;
 * S. L. Moshier, Cephes Math Library ({@code tanhf}), for the tanh polynomial.
 */
final class FloatMath {
  /** Adding this rounds a float of magnitude below 2^22 to an integer, held in the low mantissa bits. */
  static final float SHIFT = 0x1.8p23f;
  static final int SHIFT_BITS = 0x4b400000;
  static final float LOG2E = 1.44269504f;
  /** ln 2 = LN2_HI + LN2_LO (Cody–Waite); LN2_HI has 15 significant bits, so k·LN2_HI is exact for every k used. */
  static final float LN2_HI = 0x1.62e4p-1f;
  static final float LN2_LO = 0x1.7f7d1cp-20f;
  /** exp(89) overflows and exp(−104) rounds to 0: clamping here keeps k in [−150, 128] with the same results. */
  static final float EXP_HI = 89f;
  static final float EXP_LO = -104f;
  /** Minimax coefficients of (e^r − 1 − r)/r² on [−ln2/2, ln2/2], highest degree first (from SLEEF's expf). */
  static final float E6 = 1.98527617612853646278381e-4f;
  static final float E5 = 1.39304355252534151077271e-3f;
  static final float E4 = 8.33336077630519866943359e-3f;
  static final float E3 = 4.16664853692054748535156e-2f;
  static final float E2 = 1.66666671633720397949219e-1f;
  static final float E1 = 0.5f;

  /** Bits of √½ as a float: subtracting them splits x into 2^k·m with m in [√½, √2). */
  static final int SQRT_HALF_BITS = 0x3f3504f3;
  /** √2 rounded to float, 0x3fb504f3: the same split point as {@link #SQRT_HALF_BITS} one binade up. */
  static final float SQRT2 = 1.41421354f;
  static final float MIN_NORMAL = 0x1p-126f;
  /** Subnormal inputs to log are scaled up by 2^25 first. */
  static final float SUBNORMAL_SCALE = 0x1p25f;
  static final float SUBNORMAL_LOG2 = 25f;
  /** fdlibm's minimax coefficients for (log(1+f) − f + f²/2 − s·f²/2)/s, in powers of s² = (f/(2+f))². */
  static final float LG1 = 0xaaaaaa.0p-24f;
  static final float LG2 = 0xccce13.0p-25f;
  static final float LG3 = 0x91e9ee.0p-25f;
  static final float LG4 = 0xf89e26.0p-26f;

  /** Below this |x|, tanh uses its odd polynomial; above, 1 − 2/(e^{2|x|} + 1), which loses nothing there. */
  static final float TANH_SMALL = 0.625f;
  /** Coefficients of (tanh(a) − a)/a³ in powers of a² on [0, 0.625], highest first (Cephes {@code tanhf}). */
  static final float T4 = -5.70498872745e-3f;
  static final float T3 = 2.06390887954e-2f;
  static final float T2 = -5.37397155531e-2f;
  static final float T1 = 1.33314422036e-1f;
  static final float T0 = -3.33332819422e-1f;
  static final int SIGN_BIT = 0x80000000;

  private FloatMath() {}

  /**
   * e^x. x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite, ln2 in two parts); e^r from a degree-6 polynomial; then the
   * scaling by 2^k in two exact steps 2^{⌊k/2⌋}·2^{k−⌊k/2⌋}, so that results in the subnormal range are rounded
   * once, correctly from e^r, rather than flushed to zero. Overflow gives +∞ (x > 88.72), underflow 0
   * (x < −103.97), NaN stays NaN.
   */
  static float exp(float x) {
    float xc = x > EXP_HI ? EXP_HI : x;
    xc = xc < EXP_LO ? EXP_LO : xc;
    float t = Math.fma(xc, LOG2E, SHIFT);
    float kf = t - SHIFT;
    float r = Math.fma(kf, -LN2_HI, xc);
    r = Math.fma(kf, -LN2_LO, r);
    float p = Math.fma(E6, r, E5);
    p = Math.fma(p, r, E4);
    p = Math.fma(p, r, E3);
    p = Math.fma(p, r, E2);
    p = Math.fma(p, r, E1);
    p = Math.fma(r * r, p, r) + 1f;
    int k = Float.floatToRawIntBits(t) - SHIFT_BITS;
    int k1 = k >> 1;
    int k2 = k - k1;
    return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
  }

  /**
   * Natural log: log 0 = −∞, log of a negative number or NaN = NaN, log ∞ = ∞. Subnormals are scaled by 2^25
   * first; then x = 2^k·m with m in [√½, √2), and log x = k·ln2 + log1p(m − 1).
   */
  static float log(float x) {
    boolean subnormal = x < MIN_NORMAL;
    float xs = subnormal ? x * SUBNORMAL_SCALE : x;
    int bits = Float.floatToRawIntBits(xs);
    int k = (bits - SQRT_HALF_BITS) >> 23;
    float m = Float.intBitsToFloat(bits - (k << 23));
    float kf = (float) k;
    kf = subnormal ? kf - SUBNORMAL_LOG2 : kf;
    float y = logCore(kf, m - 1f, 0f);
    y = x == Float.POSITIVE_INFINITY ? x : y;
    y = x == 0f ? Float.NEGATIVE_INFINITY : y;
    return x < 0f || x != x ? Float.NaN : y;
  }

  /**
   * k·ln2 + log(1 + f) + c, for f in [√½ − 1, √2 − 1] and a small correction c, as in fdlibm: with s = f/(2+f),
   * log(1+f) = f − f²/2 + s·(f²/2 + R(s²)), and the low part of k·ln2 and c added before the large terms.
   */
  static float logCore(float kf, float f, float c) {
    float s = f / (2f + f);
    float z = s * s;
    float w = z * z;
    float r = Math.fma(z, Math.fma(w, LG3, LG1), w * Math.fma(w, LG4, LG2));
    float hfsq = 0.5f * f * f;
    float lo = Math.fma(s, hfsq + r, Math.fma(kf, LN2_LO, c));
    return Math.fma(kf, LN2_HI, -((hfsq - lo) - f));
  }

  /**
   * log(1 + u) for u in [0, 1] (or NaN): w = 1 + u rounded, written as 2^k·m with k = 0 or 1 and m in [√½, √2),
   * and the rounding error u − (w − 1), exact, added back divided by w.
   */
  static float log1pUnit(float u) {
    float w = 1f + u;
    float c = (u - (w - 1f)) / w;
    boolean aboveSqrt2 = w >= SQRT2;
    float m = aboveSqrt2 ? w * 0.5f : w;
    return logCore(aboveSqrt2 ? 1f : 0f, m - 1f, c);
  }

  /**
   * tanh x. For |x| &lt; 0.625 the odd polynomial |x| + |x|³·P(x²), keeping full relative accuracy down to the
   * smallest subnormal; above, 1 − 2/(e^{2|x|} + 1), which saturates to exactly 1 from |x| ≈ 9.01 on (e^{2|x|} = ∞
   * from 44.4 on). The sign of x, including −0, is copied onto the result.
   */
  static float tanh(float x) {
    float a = Math.abs(x);
    float z = a * a;
    float p = Math.fma(T4, z, T3);
    p = Math.fma(p, z, T2);
    p = Math.fma(p, z, T1);
    p = Math.fma(p, z, T0);
    float small = Math.fma(a * z, p, a);
    float large = 1f - 2f / (exp(a + a) + 1f);
    float t = a < TANH_SMALL ? small : large;
    return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(x) & SIGN_BIT));
  }

  /** 1/(1 + e^{−x}) as n/(1 + e) with e = e^{−|x|} and n = 1 for x ≥ 0, n = e for x &lt; 0: relative accuracy on both tails. */
  static float sigmoid(float x) {
    float e = exp(-Math.abs(x));
    float n = x < 0f ? e : 1f;
    return n / (1f + e);
  }

  /** log(1 + e^x) = max(x, 0) + log1p(e^{−|x|}); NaN stays NaN. */
  static float softplus(float x) {
    float pos = x > 0f ? x : 0f;
    return pos + log1pUnit(exp(-Math.abs(x)));
  }
}
