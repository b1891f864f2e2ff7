package dev.marginal.data;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Text that may not hold a line longer than a given number of characters: a reader that refuses one, with a
 * {@link DataException} naming the source and the line, as soon as it has passed that many characters without a line
 * break. A line is otherwise read whole into memory, so that one gigabyte-long line (a few megabytes of gzip) would
 * exhaust the heap; this bounds what a file can make its reader hold for one line.
 *
 * <p>Lines end as {@link java.io.BufferedReader#readLine} ends them: at {@code \n}, {@code \r} or {@code \r\n}.
 */
final class BoundedLines extends FilterReader {
  private final String name;
  private final int maxChars;
  /** Characters since the last line break. */
  private long run;
  /** The 1-based number of the line being read. */
  private long lineNo = 1;
  private boolean afterCr;

  /**
   * @param name what the message calls the source
   * @param maxChars the most characters a line may have, its line break not counted
   */
  BoundedLines(Reader in, String name, int maxChars) {
    super(in);
    this.name = name;
    this.maxChars = maxChars;
  }

  @Override
  public int read() throws IOException {
    int c = super.read();
    if (c >= 0) {
      see((char) c);
    }
    return c;
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    for (int i = off; i < off + n; i++) {
      see(buf[i]);
    }
    return n;
  }

  private void see(char c) {
    if (c == '\n' || c == '\r') {
      if (!(c == '\n' && afterCr)) {
        lineNo++;
      }
      run = 0;
    } else if (++run > maxChars) {
      throw new DataException(name + ":" + lineNo + ": line longer than " + maxChars + " characters");
    }
    afterCr = c == '\r';
  }
}
