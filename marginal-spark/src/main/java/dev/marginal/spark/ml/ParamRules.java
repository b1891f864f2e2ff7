package dev.marginal.spark.ml;

import dev.marginal.config.ParameterException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.Param;
import scala.runtime.AbstractFunction1;

/**
 * The ranges of the marginal stages' numeric and named parameters, as Spark ML validators ({@code isValid}), so that
 * a bad value is refused when it is set, not when the stage runs. Spark's own paths ({@code ParamMap}, loading a
 * saved stage) refuse it with Spark's message naming the parameter; the stages' setters go through
 * {@link #checked}, whose one-line refusal says the range too ("components must be >= 1, got 0").
 */
final class ParamRules {
  private ParamRules() {}

  /** A serializable test of one value; null values never reach it. */
  @FunctionalInterface
  interface Test extends Serializable {
    boolean allows(Object value);
  }

  /**
   * A validator that also says, in words, what it allows.
   *
   * @param <T> the parameter's value type, boxed
   */
  static final class Rule<T> extends AbstractFunction1<T, Object> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String requirement;
    private final Test test;

    Rule(String requirement, Test test) {
      this.requirement = requirement;
      this.test = test;
    }

    @Override
    public Object apply(T value) {
      return value != null && test.allows(value);
    }

    /** What the parameter needs, after its name: "must be >= 1". */
    String requirement() {
      return requirement;
    }
  }

  /** An int or long of at least {@code min}. */
  static <T> Rule<T> atLeast(long min) {
    return new Rule<>("must be >= " + min, v -> ((Number) v).longValue() >= min);
  }

  /**
   * A positive double that float32 holds: training uses it in float32, which rounds a value below
   * {@link Float#MIN_NORMAL} to zero (or keeps few of its digits) and one above {@link Float#MAX_VALUE} to infinity.
   */
  static <T> Rule<T> float32Positive() {
    return new Rule<>("must be > 0 and within float32's range (1.17549435E-38 to 3.4028235E38: training runs in float32)",
        v -> (Double) v >= Float.MIN_NORMAL && (Double) v <= Float.MAX_VALUE);
  }

  /** A finite double of at least 0. */
  static <T> Rule<T> finiteNonNegative() {
    return new Rule<>("must be finite and >= 0", v -> (Double) v >= 0 && Double.isFinite((Double) v));
  }

  /** An int array whose every entry is at least {@code min}. */
  static <T> Rule<T> allAtLeast(int min) {
    return new Rule<>("sizes must be >= " + min, v -> Arrays.stream((int[]) v).allMatch(x -> x >= min));
  }

  /** One of {@code names}, ignoring case and surrounding spaces. */
  static <T> Rule<T> oneOf(String... names) {
    List<String> allowed = List.of(names);
    String last = names[names.length - 1];
    String listed = String.join(", ", allowed.subList(0, names.length - 1)) + " or " + last;
    return new Rule<>("must be " + listed, v -> allowed.contains(((String) v).trim().toLowerCase(Locale.ROOT)));
  }

  /**
   * {@code value}, if {@code param}'s validator allows it.
   *
   * @throws ParameterException "{@code name requirement, got value}" otherwise
   */
  static <T> T checked(Param<T> param, T value) {
    if (!(Boolean) param.isValid().apply(value)) {
      String requirement = param.isValid() instanceof Rule<?> r ? r.requirement() : "is out of range";
      throw ParameterException.of(param.name(), requirement + ", got " + shown(value));
    }
    return value;
  }

  private static String shown(Object value) {
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    return value instanceof int[] a ? Arrays.toString(a) : String.valueOf(value);
  }
}
