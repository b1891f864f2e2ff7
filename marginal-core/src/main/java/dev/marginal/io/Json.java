package dev.marginal.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader and writer for model metadata, reports and run records, so that the core library needs no
 * dependencies. Values map to Java as: object → {@code Map<String, Object>} (insertion-ordered), array →
 * {@code List<Object>}, string → {@code String}, number → {@code Double} (or {@code Long} when integral and
 * written without a fraction or exponent), true/false → {@code Boolean}, null → {@code null}. The parser refuses
 * text nested deeper than {@link #MAX_DEPTH} arrays and objects, so hostile input cannot exhaust the stack, and a
 * number beyond the range of a double ({@code 1e400}), which would read as an infinity JSON cannot write, naming
 * the field that holds it.
 */
public final class Json {
  /** The deepest nesting of arrays and objects that {@link #parse} accepts. */
  public static final int MAX_DEPTH = 256;

  private Json() {}

  /** Serialises a value (maps, lists, strings, numbers, booleans, null, and double/float/int/long arrays). */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0, true);
    return sb.toString();
  }

  /** Serialises on one line. */
  public static String writeCompact(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0, false);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int indent, boolean pretty) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String) {
      quote(sb, (String) v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      sb.append(Double.isFinite(d) ? repr(d) : "null");
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        sb.append(first ? "" : ",");
        newline(sb, indent + 1, pretty);
        quote(sb, String.valueOf(e.getKey()));
        sb.append(pretty ? ": " : ":");
        write(sb, e.getValue(), indent + 1, pretty);
        first = false;
      }
      if (!first) {
        newline(sb, indent, pretty);
      }
      sb.append('}');
    } else if (v instanceof Iterable) {
      sb.append('[');
      boolean first = true;
      for (Object o : (Iterable<?>) v) {
        sb.append(first ? "" : pretty ? ", " : ",");
        write(sb, o, indent + 1, pretty);
        first = false;
      }
      sb.append(']');
    } else if (v instanceof double[]) {
      List<Object> l = new ArrayList<>();
      for (double d : (double[]) v) {
        l.add(d);
      }
      write(sb, l, indent, pretty);
    } else if (v instanceof float[]) {
      List<Object> l = new ArrayList<>();
      for (float d : (float[]) v) {
        l.add((double) d);
      }
      write(sb, l, indent, pretty);
    } else if (v instanceof int[]) {
      List<Object> l = new ArrayList<>();
      for (int d : (int[]) v) {
        l.add(d);
      }
      write(sb, l, indent, pretty);
    } else if (v instanceof long[]) {
      List<Object> l = new ArrayList<>();
      for (long d : (long[]) v) {
        l.add(d);
      }
      write(sb, l, indent, pretty);
    } else {
      quote(sb, v.toString());
    }
  }

  /** The shortest decimal that reads back as the same double; integral values keep a ".0". */
  private static String repr(double d) {
    return Double.toString(d);
  }

  private static void newline(StringBuilder sb, int indent, boolean pretty) {
    if (pretty) {
      sb.append('\n');
      for (int i = 0; i < indent; i++) {
        sb.append("  ");
      }
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          // Control characters (C0, DEL, C1) and format characters (a right-to-left override) are escaped, so
          // that text from files reaches a terminal as it is written, not as instructions to it.
          if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  /**
   * Parses JSON text.
   *
   * @throws IllegalArgumentException with the offset and the problem, when the text is not valid JSON
   */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.skip();
    Object v = p.value();
    p.skip();
    if (p.pos != text.length()) {
      throw p.error("unexpected trailing characters");
    }
    return v;
  }

  /** Parses text that must hold a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return (Map<String, Object>) v;
  }

  private static final class Parser {
    private final String s;
    private int pos;
    private int depth;
    /** The key of the object member being read, innermost; null outside any object. */
    private String field;

    Parser(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
    }

    void skip() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    Object value() {
      if (pos >= s.length()) {
        throw error("unexpected end of text");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{': return nested(true);
        case '[': return nested(false);
        case '"': return string();
        case 't': return literal("true", Boolean.TRUE);
        case 'f': return literal("false", Boolean.FALSE);
        case 'n': return literal("null", null);
        default: return number();
      }
    }

    private Object nested(boolean isObject) {
      if (++depth > MAX_DEPTH) {
        throw error("nested deeper than " + MAX_DEPTH + " levels");
      }
      Object v = isObject ? object() : array();
      depth--;
      return v;
    }

    private Object literal(String word, Object v) {
      if (!s.startsWith(word, pos)) {
        throw error("unexpected character '" + s.charAt(pos) + "'");
      }
      pos += word.length();
      return v;
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      pos++;
      skip();
      if (peek() == '}') {
        pos++;
        return m;
      }
      while (true) {
        skip();
        if (peek() != '"') {
          throw error("expected a string key");
        }
        String k = string();
        skip();
        expect(':');
        skip();
        String outer = field;
        field = k;
        m.put(k, value());
        field = outer;
        skip();
        if (peek() == ',') {
          pos++;
        } else {
          expect('}');
          return m;
        }
      }
    }

    private List<Object> array() {
      List<Object> l = new ArrayList<>();
      pos++;
      skip();
      if (peek() == ']') {
        pos++;
        return l;
      }
      while (true) {
        skip();
        l.add(value());
        skip();
        if (peek() == ',') {
          pos++;
        } else {
          expect(']');
          return l;
        }
      }
    }

    private String string() {
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (pos >= s.length()) {
          throw error("unterminated escape");
        }
        char e = s.charAt(pos++);
        switch (e) {
          case 'n': sb.append('\n'); break;
          case 't': sb.append('\t'); break;
          case 'r': sb.append('\r'); break;
          case 'b': sb.append('\b'); break;
          case 'f': sb.append('\f'); break;
          case 'u':
            if (pos + 4 > s.length()) {
              throw error("bad unicode escape");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad unicode escape");
            }
            pos += 4;
            break;
          default: sb.append(e);
        }
      }
    }

    private Object number() {
      int start = pos;
      boolean integral = true;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '.' || c == 'e' || c == 'E') {
          integral = false;
        } else if (!(c == '-' || c == '+' || (c >= '0' && c <= '9'))) {
          break;
        }
        pos++;
      }
      String t = s.substring(start, pos);
      if (t.isEmpty()) {
        throw error("unexpected character '" + s.charAt(pos) + "'");
      }
      Object v;
      try {
        v = integral ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
      } catch (NumberFormatException ex) {
        throw error("bad number '" + t + "'");
      }
      if (v instanceof Double d && d.isInfinite()) {
        pos = start;
        throw error("number " + Untrusted.quoted(t) + (field == null ? "" : " in " + Untrusted.quoted(field))
            + " is beyond the range of a double");
      }
      return v;
    }

    private char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end of text");
      }
      return s.charAt(pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }
  }
}
