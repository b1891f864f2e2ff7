package dev.marginal.cli;

import dev.marginal.io.Untrusted;
import java.util.regex.Pattern;
import picocli.CommandLine.TypeConversionException;

/**
 * Numbers on the command line are decimal, as CSV cells are: digits with an optional point and exponent
 * ({@code 0.1}, {@code -2}, {@code 1e-3}, {@code .5}). Java's parser also reads hexadecimal ({@code 0x1p-3}),
 * {@code NaN}, {@code Infinity}, a type suffix ({@code 0.1d}) and surrounding spaces; an option refuses them, as a
 * CSV file does, in one line naming the option.
 */
final class Decimals {
  /** The grammar {@code CsvReader} takes for a cell. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?+(?:\\d++(?:\\.\\d*+)?+|\\.\\d++)(?:[eE][+-]?+\\d++)?+");

  private Decimals() {}

  /** Whether {@code text} is a decimal number (which may still be beyond the range of a double). */
  static boolean isDecimal(String text) {
    return DECIMAL.matcher(text).matches();
  }

  /**
   * The value of a decimal option, for picocli, which names the option in front of the message ("Invalid value for
   * option '--lr': '0x1p-3' is not a decimal number").
   *
   * @throws TypeConversionException for text that is not decimal, or whose value is beyond the range of a double
   */
  static double parse(String text) {
    if (!isDecimal(text)) {
      throw new TypeConversionException(Untrusted.quoted(text) + " is not a decimal number");
    }
    double v = Double.parseDouble(text);
    if (Double.isInfinite(v)) {
      throw new TypeConversionException(Untrusted.quoted(text) + " is beyond the range of a double");
    }
    return v;
  }
}
