package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A mean and its standard error in a text report: fixed decimals, or scientific notation when huge. */
class TextReportNumbersTest {
  @Test
  void ordinaryValuesKeepFourDecimals() {
    assertEquals("-2.4470 ± 0.0123", Commands.withError(-2.447, 0.0123));
    assertEquals("-999999999.0000 ± 1.0000", Commands.withError(-999_999_999, 1));
  }

  @Test
  void hugeValuesAreWrittenInScientificNotation() {
    // A point far from every component of a GMM: log p(x) = -1.125e82, which "%.4f" wrote as 83 digits.
    assertEquals("-1.12500e+82 ± 3.16867e+81", Commands.withError(-1.125e82, 3.16867e81));
    assertEquals("-5.00000e+00 ± 3.00000e+09", Commands.withError(-5, 3e9));
  }

  @Test
  void aStandardErrorThatIsNotAvailableIsNotShownAsANumber() {
    // A mean of one row: its standard error is NaN, shown as missing rather than as "± NaN" or "± 0.0000".
    assertEquals("-2.4470 (no standard error)", Commands.withError(-2.447, Double.NaN));
    assertEquals("-1.12500e+82 (no standard error)", Commands.withError(-1.125e82, Double.NaN));
  }
}
