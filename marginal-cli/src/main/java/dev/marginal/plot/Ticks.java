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

  /**
   * Ticks for a logarithmic axis spanning {@code [10^lo10, 10^hi10]}, as data values, ascending: powers of ten
   * (every second or fifth one when there are many decades), with 2 and 5 times them added when fewer than three
   * powers fall inside; round linear values when the span is less than a decade, where at most one power fits.
   */
  static List<Double> logBetween(double lo10, double hi10, int target) {
    if (!(hi10 > lo10) || !Double.isFinite(hi10 - lo10)) {
      return new ArrayList<>();
    }
    if (hi10 - lo10 < 1) {
      return between(Math.pow(10, lo10), Math.pow(10, hi10), target);
    }
    long first = (long) Math.ceil(lo10 - 1e-9);
    long last = (long) Math.floor(hi10 + 1e-9);
    List<Double> ticks = new ArrayList<>();
    if (last - first + 1 < 3) {
      for (long k = first - 1; k <= last; k++) {
        for (double m : new double[] {1, 2, 5}) {
          double log = k + Math.log10(m);
          if (log >= lo10 - 1e-9 && log <= hi10 + 1e-9) {
            ticks.add(m * Math.pow(10, k));
          }
        }
      }
      return ticks;
    }
    long step = Math.max(1, Math.round(niceStep((double) (last - first) / Math.max(1, target))));
    for (long k = Math.floorDiv(first + step - 1, step) * step; k <= last; k += step) {
      ticks.add(Math.pow(10, k));
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
