package dev.marginal.plot;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Round tick positions ("nice numbers": steps of 1, 2 or 5 times a power of ten) and their labels. */
final class Ticks {
  private Ticks() {}

  /** About {@code target} round values inside [lo, hi], ascending; empty if the range is not finite. */
  static List<Double> between(double lo, double hi, int target) {
    List<Double> ticks = new ArrayList<>();
    if (!(hi > lo) || !Double.isFinite(hi - lo)) {
      return ticks;
    }
    double step = niceStep((hi - lo) / Math.max(1, target));
    // Index from zero so that labels are exact multiples of the step, not accumulated sums.
    for (long k = (long) Math.ceil(lo / step); k * step <= hi + 1e-9 * step; k++) {
      ticks.add(k * step);
    }
    return ticks;
  }

  /** The smallest of 1, 2, 5 times a power of ten that is at least {@code raw}. */
  static double niceStep(double raw) {
    double pow = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / pow;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * pow;
  }

  /** A short label: plain decimals for moderate magnitudes, otherwise scientific notation ({@code 1.5e-4}). */
  static String label(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e5) {
      String s = new BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
      return s;
    }
    String s = String.format("%.2e", v);
    return s.replaceAll("\\.?0+e", "e").replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
  }
}
