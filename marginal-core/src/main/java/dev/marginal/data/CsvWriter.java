package dev.marginal.data;

import dev.marginal.io.AtomicFiles;
import dev.marginal.io.IoErrors;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * Writes CSV files that {@link CsvReader} reads back: a header row, then one row per line, comma separated,
 * {@code \n} line ends. The file is written atomically ({@link AtomicFiles}): readers never see half a file. Its
 * directory must exist; a missing one is not created, and the write fails with a {@link DataException} naming it. A
 * file whose name ends in {@code .gz} is gzipped, as {@link CsvReader} reads such a file.
 *
 * <p>Numbers are written with {@link Float#toString(float)} or {@link Double#toString(double)}, the shortest
 * decimal that reads back to the same value. Non-finite values are written as {@code NaN} or
 * {@code ±Infinity}, which {@link CsvReader} refuses: such files are results, not training data. Labels of a
 * {@link Dataset} are not written.
 */
public final class CsvWriter {
  private CsvWriter() {}

  /** Writes a dataset's columns and values. */
  public static void write(Path path, Dataset data) {
    write(path, data.columns(), data.values());
  }

  /**
   * Writes float rows.
   *
   * @param values row-major {@code [rows, columns.size()]}
   */
  public static void write(Path path, List<String> columns, float[] values) {
    checkShape(path, columns, values.length);
    writeRows(path, columns, values.length, (w, i) -> w.write(Float.toString(values[i])), true);
  }

  /**
   * Writes double rows (scores with standard errors, say).
   *
   * @param values row-major {@code [rows, columns.size()]}
   */
  public static void write(Path path, List<String> columns, double[] values) {
    write(path, columns, values, java.util.Set.of());
  }

  /**
   * Writes double rows in which some columns count (steps, say): a whole number in one of {@code counts} is written
   * as an integer ({@code 200}, not {@code 200.0}); every other value as by {@link #write(Path, List, double[])}.
   *
   * @param values row-major {@code [rows, columns.size()]}
   * @param counts names of the columns whose whole numbers are written as integers
   */
  public static void write(Path path, List<String> columns, double[] values, java.util.Set<String> counts) {
    writeDoubles(path, columns, values, counts, true);
  }

  /**
   * {@link #write(Path, List, double[], java.util.Set)} for a file that a command saves on its way out, such as the
   * metrics of a run stopped by Ctrl-C: a shutdown of the JVM does not cut this write short.
   */
  public static void writeOnExit(Path path, List<String> columns, double[] values, java.util.Set<String> counts) {
    writeDoubles(path, columns, values, counts, false);
  }

  private static void writeDoubles(Path path, List<String> columns, double[] values, java.util.Set<String> counts,
      boolean discardOnExit) {
    checkShape(path, columns, values.length);
    boolean[] whole = new boolean[columns.size()];
    for (int j = 0; j < whole.length; j++) {
      whole[j] = counts.contains(columns.get(j));
    }
    writeRows(path, columns, values.length, (w, i) -> {
      double v = values[i];
      boolean integer = whole[i % whole.length] && v == Math.rint(v) && Math.abs(v) < 0x1p53;
      w.write(integer ? Long.toString((long) v) : Double.toString(v));
    }, discardOnExit);
  }

  /** The rows of a file written in pieces: piece {@code c} = 0, 1, ..., or null after the last. */
  @FunctionalInterface
  public interface Chunks {
    /** Piece {@code c}, with the same columns as piece 0; null when there are no more. */
    Dataset chunk(int c);
  }

  /**
   * Writes a file piece by piece, so that it may be far larger than memory: only one piece is held at a time. The
   * header is piece 0's columns; the file appears complete or not at all, and a JVM that shuts down in the middle
   * (Ctrl-C) deletes the partial file ({@link AtomicFiles#writeDiscardedOnExit}).
   *
   * @throws IllegalArgumentException if there is no piece 0 or a piece's columns differ from it
   */
  public static void write(Path path, Chunks chunks) {
    write(path, chunks, Integer.MAX_VALUE, rows -> { });
  }

  /**
   * {@link #write(Path, Chunks)}, telling {@code rowsWritten} the rows written so far (over all pieces) after every
   * {@code everyRows} rows and after the last row of each piece, on the calling thread; the counts increase and the
   * last is the file's row count. The bytes written are the same.
   *
   * @param everyRows rows between two reports within a piece, at least 1 ({@link Integer#MAX_VALUE}: once a piece)
   * @throws IllegalArgumentException if {@code everyRows < 1}, there is no piece 0 or a piece's columns differ from it
   */
  public static void write(Path path, Chunks chunks, int everyRows, LongConsumer rowsWritten) {
    if (everyRows < 1) {
      throw new IllegalArgumentException("everyRows " + everyRows + " < 1");
    }
    try {
      // A stream of pieces may run to gigabytes: a Ctrl-C must not leave them behind in a hidden file.
      AtomicFiles.writeDiscardedOnExit(path, (OutputStream out) -> {
        GZIPOutputStream gz = gzipped(path) ? new GZIPOutputStream(out, GZIP_BUFFER) : null;
        Writer w = new OutputStreamWriter(gz == null ? out : gz, StandardCharsets.UTF_8);
        List<String> columns = null;
        long rows = 0;
        for (int c = 0; ; c++) {
          Dataset d = chunks.chunk(c);
          if (d == null) {
            break;
          }
          if (columns == null) {
            columns = d.columns();
            writeHeader(w, columns);
          } else if (!columns.equals(d.columns())) {
            throw new IllegalArgumentException(path + ": piece " + c + " has other columns than piece 0");
          }
          rows = writePiece(w, d.values(), columns.size(), rows, everyRows, rowsWritten);
        }
        if (columns == null) {
          throw new IllegalArgumentException(path + ": nothing to write");
        }
        w.flush();
        if (gz != null) {
          gz.finish();
        }
      });
    } catch (IOException e) {
      throw new DataException(path + ": cannot write (" + IoErrors.reason(e) + ")", e);
    }
  }

  /**
   * Writes one piece's rows, reporting after every {@code everyRows} rows and after its last row.
   *
   * @param rows rows written before this piece
   * @return rows written after it
   */
  private static long writePiece(Writer w, float[] v, int cols, long rows, int everyRows, LongConsumer rowsWritten)
      throws IOException {
    int pieceRows = v.length / cols;
    for (int r = 0; r < pieceRows; ) {
      int end = (int) Math.min(pieceRows, (long) r + everyRows);
      for (int i = r * cols; i < end * cols; i++) {
        w.write(Float.toString(v[i]));
        w.write((i + 1) % cols == 0 ? '\n' : ',');
      }
      rows += end - r;
      r = end;
      rowsWritten.accept(rows);
    }
    return rows;
  }

  /** Writes value {@code i} of the row-major array. */
  @FunctionalInterface
  private interface ValueWriter {
    void write(Writer w, int i) throws IOException;
  }

  private static void writeRows(Path path, List<String> columns, int length, ValueWriter value,
      boolean discardOnExit) {
    int cols = columns.size();
    AtomicFiles.IOConsumer<OutputStream> body = out -> {
      GZIPOutputStream gz = gzipped(path) ? new GZIPOutputStream(out, GZIP_BUFFER) : null;
      Writer w = new OutputStreamWriter(gz == null ? out : gz, StandardCharsets.UTF_8);
      writeHeader(w, columns);
      for (int i = 0; i < length; i++) {
        value.write(w, i);
        w.write((i + 1) % cols == 0 ? '\n' : ',');
      }
      w.flush();
      if (gz != null) {
        gz.finish();
      }
    };
    try {
      if (discardOnExit) {
        AtomicFiles.writeDiscardedOnExit(path, body);
      } else {
        AtomicFiles.write(path, body);
      }
    } catch (IOException e) {
      throw new DataException(path + ": cannot write (" + IoErrors.reason(e) + ")", e);
    }
  }

  /** The deflater's buffer of a gzipped file. */
  private static final int GZIP_BUFFER = 1 << 16;

  /** Whether the file's name ends in {@code .gz} (in any case), so that it is written gzipped. */
  static boolean gzipped(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz");
  }

  private static void writeHeader(Writer w, List<String> columns) throws IOException {
    for (int j = 0; j < columns.size(); j++) {
      w.write(quoteIfNeeded(columns.get(j)));
      w.write(j + 1 < columns.size() ? ',' : '\n');
    }
  }

  /** Quotes a name holding a comma, a quote or outer whitespace, doubling inner quotes. */
  static String quoteIfNeeded(String name) {
    boolean plain =
        !name.isEmpty()
            && name.indexOf(',') < 0
            && name.indexOf('"') < 0
            && name.strip().equals(name);
    return plain ? name : '"' + name.replace("\"", "\"\"") + '"';
  }

  private static void checkShape(Path path, List<String> columns, int length) {
    if (columns.isEmpty() || length % columns.size() != 0) {
      throw new IllegalArgumentException(
          path + ": " + length + " values do not fill rows of " + columns.size() + " columns");
    }
  }
}
