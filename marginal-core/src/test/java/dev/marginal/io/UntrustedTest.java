package dev.marginal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Text from a file, shown in an error message: short, one line, no control characters. */
class UntrustedTest {
  @Test
  void shortPlainTextIsShownAsItIs() {
    assertEquals("x2", Untrusted.shown("x2"));
    assertEquals("'abc'", Untrusted.quoted("abc"));
    assertEquals("", Untrusted.shown(""));
    String forty = "a".repeat(Untrusted.MAX_SHOWN);
    assertEquals(forty, Untrusted.shown(forty));
  }

  @Test
  void controlAndFormatCharactersAreEscaped() {
    assertEquals("a\\nb\\tc\\rd", Untrusted.shown("a\nb\tc\rd"));
    assertEquals("\\u001B[31mred", Untrusted.shown("\u001b[31mred"));
    assertEquals("\\u0000\\u0001", Untrusted.shown("\u0000\u0001"));
    assertEquals("\\u007F\\u009B", Untrusted.shown("\u007f\u009b"));
    // A right-to-left override would reorder the rest of the line on screen.
    assertEquals("abc\\u202Edef", Untrusted.shown("abc\u202edef"));
    assertEquals("é ü 日本", Untrusted.shown("é ü 日本"));
  }

  @Test
  void escapedKeepsTheWholeText() {
    assertEquals("a\\u001Bb\\u0000", Untrusted.escaped("a\u001bb\u0000"));
    String plain = "plain é " + "x".repeat(200);
    assertSame(plain, Untrusted.escaped(plain));
    assertEquals("x".repeat(200) + "\\n", Untrusted.escaped("x".repeat(200) + "\n"));
  }

  @Test
  void longTextIsCutAndItsLengthGiven() {
    String s = Untrusted.shown("1".repeat(100_000));
    assertEquals("1".repeat(Untrusted.MAX_SHOWN) + "...(100000 characters)", s);
    String escaped = Untrusted.shown("\u0001".repeat(50));
    assertTrue(escaped.startsWith("\\u0001".repeat(Untrusted.MAX_SHOWN) + "...(50 characters)"), escaped);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String s = "a".repeat(Untrusted.MAX_SHOWN - 1) + "😀" + "b";
    String shown = Untrusted.shown(s);
    assertEquals("a".repeat(Untrusted.MAX_SHOWN - 1) + "...(" + s.length() + " characters)", shown);
  }
}
