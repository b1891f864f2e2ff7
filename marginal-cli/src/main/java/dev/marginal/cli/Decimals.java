package dev.marginal.cli;

import dev.marginal.io.Untrusted;
import java.util.regex.Pattern;
import picocli.CommandLine.TypeConversionException;

/**
 * Numbers on the command line are decimal, as CSV cells are: digits with an optional point and exponent
 * ({@code 0.1}, {@code -2}, {@code 1e-3}, {@code .5}). Java's parser also reads hexadecimal ({@code 0x1p-3}),
 * {@code NaN}, {@code Infinity}, a type suffix ({@code 0.1d}) and surrounding spaces; an option refuses them, as a
 * CSV file does, in one line naming the option.
 *
 * <p>Training runs in float32: a rate, a gradient bound or a scale that float32 cannot hold is refused by the
 * library's options ({@code ParameterException.float32}), named there by its option; a decay that float32 rounds to
 * 1 by {@link #float32BelowOne}.
 */
final class Decimals {
  /** The grammar {@code CsvReader} takes for a cell. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?+(?:\\d++(?:\\.\\d*+)?+|\\.\\d++)(?:[eE][+-]?+\\d++)?+");

  private Decimals() {}

  /**
   * Returns {@code value}, a decay in (0, 1) that training uses in float32 arithmetic, unless it is below 1 but so
   * close that float32 rounds it to 1 (Adam's β2 then keeps no second moment, and every step is the rate over ε).
   *
   * @throws UserInputException naming the option, for such a value
   */
  static double float32BelowOne(String option, double value) {
    if (value < 1 && (float) value == 1f) {
      throw new UserInputException(option + " must be at most " + Math.nextDown(1f) + " (the largest float32 below 1;"
          + " training runs in float32, where a value closer to 1 rounds to 1), got " + value);
    }
    return value;
  }

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
    String mantissa = text.split("[eE]")[0];
    if (v == 0 && mantissa.chars().anyMatch(c -> c >= '1' && c <= '9')) {
      // 1e-400 is not zero, but a double holds it as 0, which the option's own check would then report as "0.0".
      throw new TypeConversionException(Untrusted.quoted(text) + " is too small for a double, which rounds it to 0");
    }
    return v;
  }
}
