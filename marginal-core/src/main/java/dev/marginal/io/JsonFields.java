package dev.marginal.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of the fields of a JSON object from a file (a model file's config, a checkpoint's training state):
 * a field of the wrong JSON type is refused in one line naming the object, the field, the type it must have and the
 * value it has ({@code model config 'localFitLearningRate' must be a number, got null}), never a cast or null
 * pointer error. Values are as {@link Json} reads them; a file's value in a message is shown as {@link Untrusted}.
 */
public final class JsonFields {
  private final String what;
  private final Map<?, ?> fields;

  private JsonFields(String what, Map<?, ?> fields) {
    this.what = what;
    this.fields = fields;
  }

  /**
   * The fields of {@code fields}, named {@code what} in messages.
   *
   * @param what what the object is, e.g. "model config" or "training state"
   */
  public static JsonFields of(String what, Map<?, ?> fields) {
    return new JsonFields(what, fields);
  }

  /** Whether the object has field {@code key} (perhaps null). */
  public boolean has(String key) {
    return fields.containsKey(key);
  }

  /** A number; {@code fallback} when absent. */
  public double number(String key, double fallback) {
    return has(key) ? number(key) : fallback;
  }

  /** A number that must be present. */
  public double number(String key) {
    if (!(fields.get(key) instanceof Number n)) {
      throw wrong(key, "a number");
    }
    return n.doubleValue();
  }

  /** A whole number that fits an int (never a wrapped or truncated one); {@code fallback} when absent. */
  public int integer(String key, int fallback) {
    Object v = fields.containsKey(key) ? fields.get(key) : fallback;
    if (!(v instanceof Long || v instanceof Integer) || ((Number) v).longValue() < Integer.MIN_VALUE
        || ((Number) v).longValue() > Integer.MAX_VALUE) {
      throw wrong(key, "an integer");
    }
    return ((Number) v).intValue();
  }

  /** A count that must be present: a whole number >= 0 (never a fractional one). */
  public long count(String key) {
    Object v = fields.get(key);
    if (!(v instanceof Long || v instanceof Integer) || ((Number) v).longValue() < 0) {
      throw wrong(key, "a whole number >= 0");
    }
    return ((Number) v).longValue();
  }

  /** A string that must be present. */
  public String string(String key) {
    if (!(fields.get(key) instanceof String s)) {
      throw wrong(key, "a string");
    }
    return s;
  }

  /** A string; {@code fallback} when absent. */
  public String string(String key, String fallback) {
    if (!has(key)) {
      return fallback;
    }
    if (!(fields.get(key) instanceof String s)) {
      throw wrong(key, "a string");
    }
    return s;
  }

  /** True or false; {@code fallback} when absent. */
  public boolean flag(String key, boolean fallback) {
    if (!has(key)) {
      return fallback;
    }
    if (!(fields.get(key) instanceof Boolean b)) {
      throw wrong(key, "true or false");
    }
    return b;
  }

  /** A list of strings; {@code fallback} when absent. */
  public List<String> strings(String key, List<String> fallback) {
    if (!has(key)) {
      return fallback;
    }
    List<String> out = new ArrayList<>();
    for (Object o : list(key, "a list of strings")) {
      if (!(o instanceof String s)) {
        throw wrong(key, "a list of strings");
      }
      out.add(s);
    }
    return out;
  }

  /** A list of numbers that must be present. */
  public double[] numbers(String key) {
    List<?> l = list(key, "a list of numbers");
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Number n)) {
        throw wrong(key, "a list of numbers");
      }
      out[i] = n.doubleValue();
    }
    return out;
  }

  /** An object that must be present. */
  public Map<?, ?> object(String key) {
    if (!(fields.get(key) instanceof Map<?, ?> m)) {
      throw wrong(key, "an object");
    }
    return m;
  }

  /** A list of objects; empty when absent. */
  public List<Map<?, ?>> objects(String key) {
    if (!has(key)) {
      return List.of();
    }
    List<Map<?, ?>> out = new ArrayList<>();
    for (Object o : list(key, "a list of objects")) {
      if (!(o instanceof Map<?, ?> m)) {
        throw wrong(key, "a list of objects");
      }
      out.add(m);
    }
    return out;
  }

  private List<?> list(String key, String type) {
    if (!(fields.get(key) instanceof List<?> l)) {
      throw wrong(key, type);
    }
    return l;
  }

  private IllegalArgumentException wrong(String key, String type) {
    return new IllegalArgumentException(what + " '" + key + "' must be " + type + ", got "
        + shown(fields.get(key)));
  }

  /**
   * A value from a file, for a message: a string quoted and cut short ({@link Untrusted#quoted}), a list or object
   * by its kind and size, anything else (a number, true, false, null) as JSON writes it.
   */
  public static String shown(Object v) {
    if (v instanceof String s) {
      return Untrusted.quoted(s);
    }
    if (v instanceof List<?> l) {
      return shownList(l);
    }
    if (v instanceof Map<?, ?> m) {
      return "an object of " + m.size() + (m.size() == 1 ? " field" : " fields");
    }
    return String.valueOf(v);
  }

  private static String shownList(List<?> l) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < l.size() && i < 3; i++) {
      Object o = l.get(i);
      b.append(i > 0 ? ", " : "").append(o instanceof List || o instanceof Map ? "..." : shown(o));
    }
    return b.append(l.size() > 3 ? ", ... " + l.size() + " in all]" : "]").toString();
  }
}
