package dev.marginal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void roundTripKeepsTypesAndOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "a \"quoted\"\nline");
    m.put("count", 3L);
    m.put("rate", 0.1);
    m.put("ok", true);
    m.put("none", null);
    m.put("list", List.of(1L, 2.5, "x"));
    Object back = Json.parse(Json.write(m));
    assertEquals(m, back);
    assertEquals(m, Json.parse(Json.writeCompact(m)));
  }

  @Test
  void controlAndFormatCharactersAreEscapedAndReadBack() {
    String name = "a\u0007b\u007fc\u009bd\u202ee\u00e9";
    String text = Json.writeCompact(Map.of("name", name));
    assertEquals("{\"name\":\"a\\u0007b\\u007fc\\u009bd\\u202ee\u00e9\"}", text);
    assertEquals(name, Json.parseObject(text).get("name"));
  }

  @Test
  void doublesReadBackExactly() {
    double[] values = {0.1, 1e-300, -2.5e17, Math.PI, 1.0 / 3};
    List<?> back = (List<?>) Json.parse(Json.write(values));
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i], ((Number) back.get(i)).doubleValue(), 0.0);
    }
  }

  @Test
  void badTextNamesTheOffset() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": [1, 2"));
    assertTrue(e.getMessage().startsWith("invalid JSON at offset"), e.getMessage());
  }

  @Test
  void nonFiniteNumbersAreWrittenAsNullNeverAsInvalidJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nan", Double.NaN);
    m.put("inf", Double.POSITIVE_INFINITY);
    m.put("ninf", Float.NEGATIVE_INFINITY);
    m.put("x", 1.5);
    String text = Json.writeCompact(m);
    assertEquals("{\"nan\":null,\"inf\":null,\"ninf\":null,\"x\":1.5}", text);
    Map<String, Object> back = Json.parseObject(text);
    assertTrue(back.containsKey("nan") && back.get("nan") == null, text);
  }

  /**
   * A number beyond a double's range would read as an infinity, which JSON cannot hold: it is refused, naming the
   * innermost field it is in and its offset; 1.8e308 still reads, as the largest double rounds.
   */
  @Test
  void numbersBeyondADoubleAreRefusedNamingTheirField() {
    String text = "{\"a\": {\"b\": [1, 1e400]}}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
    assertEquals("invalid JSON at offset " + text.indexOf("1e400") + ": number '1e400' in 'b' is beyond the range of"
        + " a double", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": {\"b\": 1}, \"c\": [-2e308]}"));
    assertTrue(e.getMessage().endsWith(": number '-2e308' in 'c' is beyond the range of a double"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[1E+999]"));
    assertTrue(e.getMessage().endsWith(": number '1E+999' is beyond the range of a double"), e.getMessage());
    assertEquals(Double.MAX_VALUE, Json.parse("1.7976931348623157e308"));
  }
}
