package dev.marginal.tensor;

/**
 * The natural logarithm, sine and cosine of {@link StrictMath}, bit for bit, in plain Java: the algorithms of
 * fdlibm 5.3 ({@code e_log.c}, {@code k_sin.c}, {@code k_cos.c}, the medium-size case of {@code e_rem_pio2.c}),
 * which {@code StrictMath} is specified to follow. On Java 17 {@code StrictMath.log}, {@code sin} and {@code cos} are
 * native calls (12.8, 21.9 and 21.9 ns each on the Intel Xeon of BENCHMARKS.md); here the logarithm took 8.5 ns, and
 * cosine and sine together 18 ns, {@link #sinCos} sharing one argument reduction between the two. Box–Muller normals
 * spend their time here, and {@link VectorBoxMuller} runs the same code eight lanes at a time.
 *
 * <p>Arguments outside the ranges handled here (non-positive or non-finite logarithms, angles that are negative, not
 * finite or above {@code 2^19·π/2}) are passed to {@code StrictMath} itself, so every result is {@code StrictMath}'s.
 * {@code FdlibmTest} compares the two on every path of the code.
 *
 * <p>fdlibm: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at SunSoft, a Sun
 * Microsystems, Inc. business. Permission to use, copy, modify, and distribute this software is freely granted,
 * provided that this notice is preserved.
 */
final class Fdlibm {
  static final double LN2_HI = 6.93147180369123816490e-01;
  static final double LN2_LO = 1.90821492927058770002e-10;
  static final double LG1 = 6.666666666666735130e-01;
  static final double LG2 = 3.999999999940941908e-01;
  static final double LG3 = 2.857142874366239149e-01;
  static final double LG4 = 2.222219843214978396e-01;
  static final double LG5 = 1.818357216161805012e-01;
  static final double LG6 = 1.531383769920937332e-01;
  static final double LG7 = 1.479819860511658591e-01;

  static final double S1 = -1.66666666666666324348e-01;
  static final double S2 = 8.33333333332248946124e-03;
  static final double S3 = -1.98412698298579493134e-04;
  static final double S4 = 2.75573137070700676789e-06;
  static final double S5 = -2.50507602534068634195e-08;
  static final double S6 = 1.58969099521155010221e-10;

  static final double C1 = 4.16666666666666019037e-02;
  static final double C2 = -1.38888888888741095749e-03;
  static final double C3 = 2.48015872894767294178e-05;
  static final double C4 = -2.75573143513906633035e-07;
  static final double C5 = 2.08757232129817482790e-09;
  static final double C6 = -1.13596475577881948265e-11;

  static final double INV_PIO2 = 6.36619772367581382433e-01;
  static final double PIO2_1 = 1.57079632673412561417e+00;
  static final double PIO2_1T = 6.07710050650619224932e-11;
  static final double PIO2_2 = 6.07710050630396597660e-11;
  static final double PIO2_2T = 2.02226624879595063154e-21;
  static final double PIO2_3 = 2.02226624871116645580e-21;
  static final double PIO2_3T = 8.47842766036889956997e-32;
  /** High words of {@code n·π/2} for n = 1 … 32: an argument whose high word is one of these may cancel badly. */
  private static final int[] NPIO2_HW = {
      0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB, 0x402921FB,
      0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB,
      0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
      0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
  };

  /** 2π as Box–Muller's angle uses it: {@code t = TWO_PI · u}, the product rounded to double. */
  static final double TWO_PI = 2 * Math.PI;

  private Fdlibm() {}

  /** {@link Kernels#boxMuller} for pairs {@code [from, to)}, one at a time. */
  static void boxMuller(double[] u1, double[] u2, int from, int to, double[] z) {
    double[] cosSin = new double[2];
    for (int i = from; i < to; i++) {
      double r = Math.sqrt(-2.0 * log(u1[i]));
      sinCos(TWO_PI * u2[i], cosSin);
      z[2 * i] = r * cosSin[0];
      z[2 * i + 1] = r * cosSin[1];
    }
  }

  private static int high(double x) {
    return (int) (Double.doubleToRawLongBits(x) >>> 32);
  }

  /** {@code StrictMath.log(x)}. */
  static double log(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int hx = (int) (bits >>> 32);
    // Zero, subnormal, negative, infinite and NaN arguments: StrictMath's own special cases.
    if (hx < 0x00100000 || hx >= 0x7ff00000) {
      return StrictMath.log(x);
    }
    int k = (hx >> 20) - 1023;
    hx &= 0x000fffff;
    int i = (hx + 0x95f64) & 0x100000;
    // x or x/2, normalized into [sqrt(2)/2, sqrt(2)).
    x = Double.longBitsToDouble(((long) (hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffffL));
    k += i >> 20;
    double f = x - 1.0;
    if ((0x000fffff & (2 + hx)) < 3) {
      // |f| < 2^-20
      if (f == 0.0) {
        if (k == 0) {
          return 0.0;
        }
        double dk = k;
        return dk * LN2_HI + dk * LN2_LO;
      }
      double r = f * f * (0.5 - 0.33333333333333333 * f);
      if (k == 0) {
        return f - r;
      }
      double dk = k;
      return dk * LN2_HI - ((r - dk * LN2_LO) - f);
    }
    double s = f / (2.0 + f);
    double dk = k;
    double z = s * s;
    i = hx - 0x6147a;
    double w = z * z;
    int j = 0x6b851 - hx;
    double t1 = w * (LG2 + w * (LG4 + w * LG6));
    double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    i |= j;
    double r = t2 + t1;
    if (i > 0) {
      double hfsq = 0.5 * f * f;
      if (k == 0) {
        return f - (hfsq - s * (hfsq + r));
      }
      return dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
    }
    if (k == 0) {
      return f - s * (f - r);
    }
    return dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
  }

  /**
   * {@code StrictMath.cos(x)} into {@code out[0]} and {@code StrictMath.sin(x)} into {@code out[1]}: the two share
   * the reduction of x by multiples of π/2, which each of them would compute alike.
   */
  static void sinCos(double x, double[] out) {
    int ix = high(x);
    if (ix <= 0x3fe921fb) {
      // 0 <= x <= π/4 (and negative arguments, handed on below): no reduction.
      if (ix < 0) {
        out[0] = StrictMath.cos(x);
        out[1] = StrictMath.sin(x);
        return;
      }
      out[0] = kernelCos(x, 0.0);
      out[1] = kernelSin(x, 0.0, false);
      return;
    }
    double y0;
    double y1;
    int n;
    if (ix < 0x4002d97c) {
      // π/4 < x < 3π/4: n = 1.
      double z = x - PIO2_1;
      if (ix != 0x3ff921fb) {
        y0 = z - PIO2_1T;
        y1 = (z - y0) - PIO2_1T;
      } else {
        // Near π/2: a longer π/2.
        z -= PIO2_2;
        y0 = z - PIO2_2T;
        y1 = (z - y0) - PIO2_2T;
      }
      n = 1;
    } else if (ix <= 0x413921fb) {
      // Up to 2^19·π/2, medium size.
      n = (int) (x * INV_PIO2 + 0.5);
      double fn = n;
      double r = x - fn * PIO2_1;
      double w = fn * PIO2_1T;
      if (n < 32 && ix != NPIO2_HW[n - 1]) {
        y0 = r - w;
      } else {
        int j = ix >> 20;
        y0 = r - w;
        int i = j - ((high(y0) >> 20) & 0x7ff);
        if (i > 16) {
          // Second iteration, good to 118 bits.
          double t = r;
          w = fn * PIO2_2;
          r = t - w;
          w = fn * PIO2_2T - ((t - r) - w);
          y0 = r - w;
          i = j - ((high(y0) >> 20) & 0x7ff);
          if (i > 49) {
            // Third iteration, 151 bits.
            t = r;
            w = fn * PIO2_3;
            r = t - w;
            w = fn * PIO2_3T - ((t - r) - w);
            y0 = r - w;
          }
        }
      }
      y1 = (r - y0) - w;
    } else {
      // Large, infinite or NaN: StrictMath's own reduction.
      out[0] = StrictMath.cos(x);
      out[1] = StrictMath.sin(x);
      return;
    }
    switch (n & 3) {
      case 0:
        out[0] = kernelCos(y0, y1);
        out[1] = kernelSin(y0, y1, true);
        break;
      case 1:
        out[0] = -kernelSin(y0, y1, true);
        out[1] = kernelCos(y0, y1);
        break;
      case 2:
        out[0] = -kernelCos(y0, y1);
        out[1] = -kernelSin(y0, y1, true);
        break;
      default:
        out[0] = kernelSin(y0, y1, true);
        out[1] = -kernelCos(y0, y1);
        break;
    }
  }

  /** fdlibm's {@code __kernel_sin} on {@code [−π/4, π/4]}: x + y the reduced argument, y ignored without {@code tail}. */
  private static double kernelSin(double x, double y, boolean tail) {
    int ix = high(x) & 0x7fffffff;
    if (ix < 0x3e400000 && (int) x == 0) {
      return x;
    }
    double z = x * x;
    double v = z * x;
    double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    if (!tail) {
      return x + v * (S1 + z * r);
    }
    return x - ((z * (0.5 * y - v * r) - y) - v * S1);
  }

  /** fdlibm's {@code __kernel_cos} on {@code [−π/4, π/4]}: x + y the reduced argument. */
  private static double kernelCos(double x, double y) {
    int ix = high(x) & 0x7fffffff;
    if (ix < 0x3e400000 && (int) x == 0) {
      return 1.0;
    }
    double z = x * x;
    double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
    if (ix < 0x3FD33333) {
      return 1.0 - (0.5 * z - (z * r - x * y));
    }
    double qx = ix > 0x3fe90000 ? 0.28125 : Double.longBitsToDouble((long) (ix - 0x00200000) << 32);
    double hz = 0.5 * z - qx;
    double a = 1.0 - qx;
    return a - (hz - (z * r - x * y));
  }
}
