package dev.marginal.cli;

import dev.marginal.data.CsvWriter;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.random.RngKey;
import dev.marginal.train.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes N samples of a model to CSV in pieces of {@value #CHUNK_ROWS} rows, so that the number of samples is
 * bounded by the disk, not the heap. Piece 0 is drawn with the seed's key itself, so up to {@value #CHUNK_ROWS}
 * samples are exactly {@code model.sample(key, n)}; piece c ≥ 1 uses {@code key.foldIn(c)}. The output depends only
 * on the model, the key and N.
 */
final class SampleStream {
  /** Rows per piece. */
  static final int CHUNK_ROWS = 1 << 16;

  private SampleStream() {}

  /**
   * Draws and writes {@code n} samples.
   *
   * @return piece 0 (at most {@value #CHUNK_ROWS} rows), for a picture
   */
  static Dataset write(DensityModel model, RngKey key, long n, Path out) {
    return write(model, key, n, out, (step, examples, objective) -> { });
  }

  /**
   * Draws and writes {@code n} samples, reporting to {@code progress} the rows written so far
   * ({@code update(rows, rows, NaN)}) every {@link #reportRows(int)} rows and after each piece, and finishing it when
   * all are written.
   *
   * @return piece 0 (at most {@value #CHUNK_ROWS} rows), for a picture
   */
  static Dataset write(DensityModel model, RngKey key, long n, Path out, Progress progress) {
    return write(model, key, n, out, progress, reportRows(model.dim()));
  }

  /** {@link #write(DensityModel, RngKey, long, Path, Progress)} reporting every {@code everyRows} rows (for tests). */
  static Dataset write(DensityModel model, RngKey key, long n, Path out, Progress progress, int everyRows) {
    return write(model, model::sample, key, n, out, progress, everyRows);
  }

  /** How a piece of rows is drawn: {@link DensityModel#sample}, or the means of a latent decoder. */
  @FunctionalInterface
  interface Draw {
    Dataset draw(RngKey key, int rows);
  }

  /**
   * {@link #write(DensityModel, RngKey, long, Path, Progress)} with the rows of each piece drawn by {@code draw}
   * ({@code model}'s columns), in the same pieces with the same keys.
   */
  static Dataset write(DensityModel model, Draw draw, RngKey key, long n, Path out, Progress progress) {
    return write(model, draw, key, n, out, progress, reportRows(model.dim()));
  }

  private static Dataset write(DensityModel model, Draw draw, RngKey key, long n, Path out, Progress progress,
      int everyRows) {
    checkDiskSpace(n, model.dim(), out);
    Dataset[] first = new Dataset[1];
    CsvWriter.write(out, c -> {
      long start = (long) c * CHUNK_ROWS;
      if (start >= n) {
        return null;
      }
      Dataset piece = draw.draw(c == 0 ? key : key.foldIn(c), (int) Math.min(CHUNK_ROWS, n - start));
      if (c == 0) {
        first[0] = piece;
      }
      return piece;
    }, everyRows, rows -> progress.update(rows, rows, Double.NaN));
    progress.finish();
    return first[0];
  }

  /** Values written between two reports of progress: a few hundredths of a second of formatting. */
  private static final int REPORT_VALUES = 1 << 18;

  /**
   * Rows between two reports of progress for rows of {@code dim} values: about {@value #REPORT_VALUES} values, so
   * that wide rows (784 pixels: 334 rows) move the line steadily, and at most a piece.
   */
  static int reportRows(int dim) {
    return Math.max(1, Math.min(CHUNK_ROWS, REPORT_VALUES / Math.max(1, dim)));
  }

  /** Bytes per value written, about: a float's shortest decimal form and its separator. */
  private static final long BYTES_PER_VALUE = 13;

  /** Refuses, before drawing anything, a file that would not fit on the output's disk. */
  private static void checkDiskSpace(long n, int dim, Path out) {
    long bytes = Limits.saturatingMultiply(Limits.saturatingMultiply(n, dim), BYTES_PER_VALUE);
    try {
      long free = Files.getFileStore(out.toAbsolutePath().getParent()).getUsableSpace();
      if (bytes > free) {
        throw new UserInputException("--n " + n + ": the CSV would take about " + Limits.human(bytes) + ", more than"
            + " the " + Limits.human(free) + " free on the disk of " + out + "; lower --n");
      }
    } catch (IOException e) {
      // The space is unknown: write, and let a full disk fail the atomic write without touching the old file.
    }
  }
}
