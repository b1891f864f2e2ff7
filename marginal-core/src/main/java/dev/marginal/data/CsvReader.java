package dev.marginal.data;

import dev.marginal.io.IoErrors;
import dev.marginal.io.Untrusted;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads numeric CSV files into a {@link Dataset}.
 *
 * <p>The format: UTF-8, comma separated, a header row of column names (which may be quoted) on line 1, then one
 * row of numbers per line, every row with as many fields as the header. Blank lines at the end are ignored.
 * Values must be finite decimal numbers ({@code 1}, {@code -0.5}, {@code 2.5e-3}); {@code NaN}, infinities and
 * anything else are rejected. Only the chosen columns need to be numeric. A gzip-compressed file (recognised by the
 * gzip magic bytes {@code 1f 8b}, whatever it is called) is read as the text it holds. A line may have at most
 * {@value #MAX_LINE_CHARS} characters: a file is read a line at a time, and a longer line is refused before it is
 * held in memory.
 *
 * <p>Every problem is a {@link DataException} with a one-line message naming the file and, where a line is to
 * blame, its 1-based number: {@code data.csv:4: column 'x2': 'abc' is not a number}.
 */
public final class CsvReader {
  /**
   * A decimal number. The quantifiers are possessive: with plain ones, a long run of digits followed by something
   * else ({@code 1111…1x}) made the matcher try every split of the run, which took two minutes for 100,000 digits.
   */
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?+(?:\\d++(?:\\.\\d*+)?+|\\.\\d++)(?:[eE][+-]?+\\d++)?+");
  /** The most characters a line may have (16 Mi: a row of a million columns of 16 characters each). */
  static final int MAX_LINE_CHARS = 1 << 24;
  private static final Set<String> NAN_TEXTS = Set.of("nan", "+nan", "-nan");
  private static final Set<String> INFINITY_TEXTS =
      Set.of("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");

  private CsvReader() {}

  /** Reads every column of {@code path}. */
  public static Dataset read(Path path) {
    return read(path, List.of());
  }

  /**
   * Reads the named columns of {@code path}, in the given order.
   *
   * @param columns column names; empty means all columns
   * @throws DataException if the file is missing or malformed, or a column is unknown (the message lists the
   *     available columns)
   */
  public static Dataset read(Path path, List<String> columns) {
    return read(path, columns, Integer.MAX_VALUE);
  }

  /**
   * Reads the named columns of the first {@code limit} data rows of {@code path}; the rest of the file is not read.
   *
   * @throws DataException as {@link #read(Path, List)}
   */
  public static Dataset read(Path path, List<String> columns, int limit) {
    return withReader(path, in -> read(in, path.toString(), columns, limit));
  }

  /**
   * The column names in the header row of {@code path}, in order; no further line is read.
   *
   * @throws DataException if the file is missing or its header row is empty or malformed
   */
  static List<String> header(Path path) {
    return withReader(path, in -> readHeader(in, path.toString()));
  }

  /** What a {@link #withReader} step does with the open file. */
  private interface ReaderStep<T> {
    T apply(BufferedReader in) throws IOException;
  }

  /**
   * Opens {@code path} as UTF-8 text for {@code step}, decompressing it if it starts with the gzip magic bytes;
   * failing to open or read it is a {@link DataException}.
   */
  private static <T> T withReader(Path path, ReaderStep<T> step) {
    java.util.Objects.requireNonNull(path, "path");
    String name = path.toString();
    // Bad bytes decode to U+FFFD, found line by line below: a strict decoder would fail a whole block ahead.
    java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
    try (BufferedReader in = new BufferedReader(
        new BoundedLines(new java.io.InputStreamReader(open(path), utf8), name, MAX_LINE_CHARS))) {
      return step.apply(in);
    } catch (EOFException e) {
      throw new DataException(name + ": truncated gzip stream", e);
    } catch (ZipException e) {
      throw new DataException(name + ": corrupt gzip data (" + IoErrors.reason(e) + ")", e);
    } catch (NoSuchFileException e) {
      throw new DataException(name + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new DataException(name + ": cannot read (permission denied)", e);
    } catch (IOException e) {
      String why = Files.isDirectory(path) ? "is a directory" : "cannot read (" + IoErrors.reason(e) + ")";
      throw new DataException(name + ": " + why, e);
    }
  }

  /** The bytes of {@code path}, decompressed if they start with the gzip magic bytes {@code 1f 8b}. */
  private static InputStream open(Path path) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    in.mark(2);
    boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
    in.reset();
    return gzip ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** Reads CSV text from {@code in}; {@code name} is the source used in messages. */
  static Dataset read(BufferedReader in, String name, List<String> columns) throws IOException {
    return read(in, name, columns, Integer.MAX_VALUE);
  }

  private static Dataset read(BufferedReader in, String name, List<String> columns, int limit) throws IOException {
    List<String> header = readHeader(in, name);
    int[] picked = pick(name, header, columns);
    List<String> names = new ArrayList<>();
    for (int j : picked) {
      names.add(header.get(j));
    }

    String hint = separatorHint(header);
    FloatList values = new FloatList();
    int lineNo = 1;
    int firstBlank = 0;
    int rows = 0;
    String line;
    while (rows < limit && (line = readLine(in, name, lineNo + 1)) != null) {
      lineNo++;
      if (line.isBlank()) {
        firstBlank = firstBlank == 0 ? lineNo : firstBlank;
        continue;
      }
      if (firstBlank != 0) {
        throw new DataException(name + ":" + firstBlank + ": empty line inside the data");
      }
      try {
        readRow(name, lineNo, line, header, picked, values);
      } catch (DataException e) {
        throw hint.isEmpty() ? e : new DataException(e.getMessage() + hint, e);
      }
      rows++;
    }
    if (rows == 0) {
      throw new DataException(name + ": no data rows");
    }
    // Blank lines are refused inside the data and trail it, so row i is line i + 2, after the header.
    return Dataset.of(name, names, values.toArray()).withFirstLine(2);
  }

  /** Splits one data line and adds the values of the {@code picked} columns to {@code values}. */
  private static void readRow(String name, int lineNo, String line, List<String> header, int[] picked,
      FloatList values) {
    List<String> fields = split(name, lineNo, line);
    if (fields.size() != header.size()) {
      throw new DataException(name + ":" + lineNo + ": expected " + header.size()
          + (header.size() == 1 ? " value" : " values") + ", found " + fields.size());
    }
    for (int j : picked) {
      values.add(parseValue(name + ":" + lineNo + ": column " + Untrusted.quoted(header.get(j)) + ": ",
          fields.get(j)));
    }
  }

  /**
   * What to add to the message about a bad data row when the header, one column without a comma, holds semicolons
   * or tabs: the file is most likely separated by them, which a message about one value would not say.
   */
  private static String separatorHint(List<String> header) {
    if (header.size() != 1) {
      return "";
    }
    String h = header.get(0);
    String separator = h.indexOf(';') >= 0 ? "semicolons" : h.indexOf('\t') >= 0 ? "tabs" : null;
    return separator == null ? ""
        : " (the header has one column and " + separator + ": fields must be separated by commas)";
  }

  /** Reads line 1, the header row (a byte order mark before it is dropped), and returns its column names. */
  private static List<String> readHeader(BufferedReader in, String name) throws IOException {
    String headerLine = readLine(in, name, 1);
    if (headerLine != null && headerLine.startsWith("\uFEFF")) {
      headerLine = headerLine.substring(1);
    }
    if (headerLine == null || headerLine.isBlank()) {
      throw new DataException(name + ": empty file (a header row is required)");
    }
    return parseHeader(name, headerLine);
  }

  /** The next line; bytes that are not UTF-8 (read as U+FFFD) are an error naming the line. */
  private static String readLine(BufferedReader in, String name, int lineNo) throws IOException {
    String line = in.readLine();
    if (line != null && line.indexOf('\uFFFD') >= 0) {
      throw new DataException(name + ":" + lineNo + ": not valid UTF-8 text (save the file as UTF-8)");
    }
    return line;
  }

  private static List<String> parseHeader(String name, String line) {
    List<String> header = split(name, 1, line);
    Set<String> seen = new HashSet<>();
    boolean allNumbers = true;
    for (int j = 0; j < header.size(); j++) {
      String h = header.get(j);
      if (h.isEmpty()) {
        boolean last = j > 0 && j == header.size() - 1;
        throw new DataException(name + ":1: column " + (j + 1) + " has no name"
            + (last ? " (the line ends with a comma: remove the trailing commas)" : ""));
      }
      if (!seen.add(h)) {
        throw new DataException(name + ":1: duplicate column " + Untrusted.quoted(h));
      }
      allNumbers &= NUMBER.matcher(h).matches();
    }
    if (allNumbers) {
      throw new DataException(name + ":1: a header row of column names is required, found numbers");
    }
    return header;
  }

  private static int[] pick(String name, List<String> header, List<String> columns) {
    if (columns.isEmpty()) {
      int[] all = new int[header.size()];
      Arrays.setAll(all, j -> j);
      return all;
    }
    int[] picked = new int[columns.size()];
    Set<String> seen = new HashSet<>();
    for (int c = 0; c < picked.length; c++) {
      String want = columns.get(c);
      picked[c] = header.indexOf(want);
      if (picked[c] < 0) {
        throw new DataException(
            name + ": no column " + Untrusted.quoted(want) + " (columns: " + Dataset.describe(header) + ")");
      }
      if (!seen.add(want)) {
        throw new DataException(name + ": column " + Untrusted.quoted(want) + " chosen twice");
      }
    }
    return picked;
  }

  /** Parses one field; {@code where} is the message prefix {@code file:line: column 'x': }. */
  private static float parseValue(String where, String field) {
    if (field.isEmpty()) {
      throw new DataException(where + "empty value");
    }
    if (!NUMBER.matcher(field).matches()) {
      String lower = field.toLowerCase(Locale.ROOT);
      if (NAN_TEXTS.contains(lower)) {
        throw new DataException(where + "NaN is not allowed");
      }
      if (INFINITY_TEXTS.contains(lower)) {
        throw new DataException(where + "infinity is not allowed");
      }
      throw new DataException(where + Untrusted.quoted(field) + " is not a number");
    }
    float v = (float) Double.parseDouble(field);
    if (Float.isInfinite(v)) {
      throw new DataException(where + Untrusted.quoted(field) + " is out of float range");
    }
    return v;
  }

  /**
   * Splits a line at commas. A field may be enclosed in double quotes (a doubled quote inside stands for one);
   * whitespace around fields is dropped.
   */
  static List<String> split(String name, int lineNo, String line) {
    List<String> fields = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && isSpace(line.charAt(i))) {
        i++;
      }
      StringBuilder field = new StringBuilder();
      if (i < n && line.charAt(i) == '"') {
        i = readQuoted(name, lineNo, line, i + 1, field);
        while (i < n && isSpace(line.charAt(i))) {
          i++;
        }
        if (i < n && line.charAt(i) != ',') {
          throw new DataException(name + ":" + lineNo + ": unexpected text after a closing quote");
        }
        fields.add(field.toString());
      } else {
        int end = line.indexOf(',', i);
        end = end < 0 ? n : end;
        fields.add(line.substring(i, end).strip());
        i = end;
      }
      if (i >= n) {
        return fields;
      }
      i++; // the comma
    }
  }

  /** Reads a quoted field starting after its opening quote; returns the index after the closing quote. */
  private static int readQuoted(String name, int lineNo, String line, int i, StringBuilder field) {
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i++);
      if (c != '"') {
        field.append(c);
      } else if (i < n && line.charAt(i) == '"') {
        field.append('"');
        i++;
      } else {
        return i;
      }
    }
    throw new DataException(name + ":" + lineNo + ": unterminated quote");
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  /** A growable float array. */
  private static final class FloatList {
    private float[] data = new float[1024];
    private int size;

    void add(float v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      data[size++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
