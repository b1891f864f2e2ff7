package dev.marginal.data;

import dev.marginal.io.IoErrors;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads unsigned-byte IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed (recognised by
 * the gzip magic bytes {@code 1f 8b}, whatever the file is called).
 *
 * <p>Layout, big-endian: a magic number {@code 0x000008NN} for NN dimensions ({@code 0x00000803} for images
 * {@code [n, height, width]}, {@code 0x00000802} for a matrix {@code [n, columns]}, {@code 0x00000801} for labels
 * {@code [n]}), one unsigned 32-bit size per dimension, then the bytes row by row. As a {@link Dataset} the first
 * dimension is the rows and the others flatten into columns {@code px0 ..} holding intensity/255 in [0, 1]: images
 * give {@code n} rows of {@code h·w} columns (with the image shape set), a matrix {@code n} rows of its columns, and
 * a 1-D file {@code n} rows of one column.
 */
public final class IdxReader {
  /** Magic number of a 3-D unsigned-byte IDX file: images {@code [n, height, width]}. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of a 2-D unsigned-byte IDX file: a matrix {@code [n, columns]}. */
  public static final int MATRIX_MAGIC = 0x00000802;
  /** Magic number of a 1-D unsigned-byte IDX file: labels {@code [n]}. */
  public static final int LABELS_MAGIC = 0x00000801;
  /** The most values a {@link Dataset} holds: one Java array. */
  static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /**
   * Reads an images file.
   *
   * @return {@code [n, height·width]} values in [0, 1], with the image shape set; the source is the path
   */
  public static Dataset readImages(Path path) {
    return readImages(path, Integer.MAX_VALUE);
  }

  /**
   * Reads the first {@code limit} images of a file (all if it holds fewer), decoding no further.
   *
   * <p>Memory follows the data actually present, never the header alone: a plain file's header is checked against
   * the file's length before anything is allocated, and a gzipped body is read into storage that grows as bytes
   * arrive, so a short file claiming billions of pixels fails fast with a message instead of a huge allocation.
   *
   * @param limit the most images to read, at least 1
   */
  public static Dataset readImages(Path path, int limit) {
    return read(path, limit, IMAGES_MAGIC);
  }

  /**
   * Reads the first {@code limit} rows of an unsigned-byte IDX file of 1, 2 or 3 dimensions (all if it holds
   * fewer), as {@link #readImages(Path, int)} reads images: 3-D images become rows of {@code h·w} pixels with the
   * image shape set, a 2-D file rows of its columns, a 1-D file rows of one column; columns are {@code px0 ..}.
   *
   * @param limit the most rows to read, at least 1
   * @throws DataException if the file is not unsigned-byte IDX data of 1 to 3 dimensions, or is broken
   */
  public static Dataset readData(Path path, int limit) {
    return read(path, limit, 0);
  }

  /** Reads rows of an IDX file whose magic must be {@code expectedMagic} (any of 1 to 3 dimensions if 0). */
  private static Dataset read(Path path, int limit, int expectedMagic) {
    String name = path.toString();
    try (InputStream in = open(path)) {
      long[] dims = readHeader(in, name, expectedMagic);
      long rowLength = rowLength(dims);
      if (rowLength > MAX_VALUES) {
        throw new DataException(name + ": " + oneRow(dims) + " is too large: " + rowLength + " values in one row,"
            + " more than the " + MAX_VALUES + " a data set holds (" + (dims.length == 3 ? "use smaller images"
            : "use fewer columns") + ")");
      }
      long rows = Math.min(dims[0], Math.max(1, limit));
      long total = rows * rowLength;
      if (total > MAX_VALUES) {
        throw new DataException(name + ": " + rows(dims, rows) + " is too large (use fewer rows)");
      }
      String what = rows(dims, dims[0]);
      int headerBytes = 4 * (1 + dims.length);
      checkPlainLength(path, in, headerBytes + dims[0] * rowLength, what);
      float[] values = readBody(in, name, total, headerBytes, what, rows == dims[0]);
      Dataset data = Dataset.of(name, pixelNames((int) rowLength), values);
      return dims.length == 3 ? data.withImageShape((int) dims[1], (int) dims[2]) : data;
    } catch (IOException e) {
      throw ioError(path, e);
    }
  }

  /** Values per row: the product of the sizes after the first, saturating at {@code Long.MAX_VALUE}. */
  private static long rowLength(long[] dims) {
    long n = 1;
    for (int d = 1; d < dims.length; d++) {
      n = Math.multiplyHigh(n, dims[d]) != 0 || n * dims[d] < 0 ? Long.MAX_VALUE : n * dims[d];
    }
    return n;
  }

  /** {@code rows} rows of the file, as a phrase: "3 images of 28x28", "3 rows of 5 columns". */
  private static String rows(long[] dims, long rows) {
    return switch (dims.length) {
      case 3 -> rows + " images of " + dims[1] + "x" + dims[2];
      case 2 -> rows + " rows of " + dims[1] + " columns";
      default -> rows + " rows of one column";
    };
  }

  /** One row of the file, as a phrase: "an image of 28x28", "a row of 5 columns". */
  private static String oneRow(long[] dims) {
    return dims.length == 3 ? "an image of " + dims[1] + "x" + dims[2] : "a row of " + dims[1] + " columns";
  }

  /** Reads a labels file: one unsigned byte (0..255) per example. */
  public static int[] readLabels(Path path) {
    return readLabels(path, Integer.MAX_VALUE);
  }

  /** Reads the first {@code limit} labels of a file (all if it holds fewer). */
  public static int[] readLabels(Path path, int limit) {
    String name = path.toString();
    try (InputStream in = open(path)) {
      long[] dims = readHeader(in, name, LABELS_MAGIC);
      long rows = Math.min(dims[0], Math.max(1, limit));
      if (rows > MAX_VALUES) {
        throw new DataException(name + ": " + rows + " labels is too large (use fewer rows)");
      }
      checkPlainLength(path, in, 8 + (long) dims[0], dims[0] + " labels");
      float[] v = readBody(in, name, rows, 8, dims[0] + " labels", rows == dims[0]);
      int[] labels = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        labels[i] = Math.round(v[i] * 255f);
      }
      return labels;
    } catch (IOException e) {
      throw ioError(path, e);
    }
  }

  /**
   * Reads an images file and its labels file.
   *
   * @throws DataException if the counts differ
   */
  public static Dataset read(Path images, Path labels) {
    return read(images, labels, Integer.MAX_VALUE);
  }

  /**
   * Reads the first {@code limit} rows of a data file ({@link #readData}: images, or a 2-D or 1-D file) and their
   * labels.
   *
   * @throws DataException if the counts differ
   */
  public static Dataset read(Path images, Path labels, int limit) {
    Dataset data = readData(images, limit);
    int[] y = readLabels(labels, limit);
    if (y.length != data.rows()) {
      throw new DataException(labels + ": " + y.length + " labels, but " + images + " has " + data.rows()
          + (data.imageShape().isPresent() ? " images" : " rows"));
    }
    return data.withLabels(y);
  }

  /** Column names {@code px0 .. px(n−1)}. */
  static List<String> pixelNames(int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add("px" + i);
    }
    return names;
  }

  /** Opens a file, decompressing it if it starts with the gzip magic bytes. */
  private static InputStream open(Path path) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      // No buffer on top: each read returns what it inflated, so a broken stream's byte count stays exact.
      return new GZIPInputStream(in, 1 << 16);
    }
    return in;
  }

  /**
   * Reads and checks the magic number and the dimension sizes (unsigned). With {@code expectedMagic} 0, any
   * unsigned-byte IDX file of 1 to 3 dimensions is accepted.
   */
  private static long[] readHeader(InputStream in, String name, int expectedMagic) throws IOException {
    byte[] header = readUpTo(in, 4);
    if (header.length < 4) {
      String expected = expectedMagic == 0 ? "an IDX header" : "a " + 4 * (1 + (expectedMagic & 0xFF))
          + "-byte IDX header";
      throw new DataException(name + ": truncated: expected " + expected + ", found " + header.length + " bytes");
    }
    int magic = bigEndian(header, 0);
    if (expectedMagic != 0 && magic != expectedMagic) {
      throw new DataException(name + ": " + describeMagic(magic) + ", expected " + kind(expectedMagic)
          + String.format(" (magic 0x%08x)", expectedMagic));
    }
    if (expectedMagic == 0 && (magic >>> 8) != 0x08) {
      throw new DataException(name + ": " + describeMagic(magic));
    }
    int ndims = magic & 0xFF;
    if (ndims < 1 || ndims > 3) {
      throw new DataException(name + ": IDX data of " + ndims + " dimensions: expected 1 (one column),"
          + " 2 (rows, columns) or 3 (images, height, width)");
    }
    int headerBytes = 4 * (1 + ndims);
    byte[] sizes = readUpTo(in, 4 * ndims);
    if (sizes.length < 4 * ndims) {
      throw new DataException(name + ": truncated: expected a " + headerBytes + "-byte IDX header, found "
          + (4 + sizes.length) + " bytes");
    }
    long[] dims = new long[ndims];
    for (int d = 0; d < ndims; d++) {
      dims[d] = bigEndian(sizes, 4 * d) & 0xFFFFFFFFL;
      if (d > 0 && dims[d] == 0) {
        throw new DataException(name + ": bad IDX header: dimension " + d + " has size 0");
      }
    }
    return dims;
  }

  /**
   * Refuses, before anything is allocated, a plain (not gzipped) file whose length differs from what its header
   * declares. Gzipped files are checked as their body is read.
   */
  private static void checkPlainLength(Path path, InputStream in, long expected, String what) throws IOException {
    if (in instanceof GZIPInputStream) {
      return;
    }
    long size = Files.size(path);
    if (size < expected) {
      throw new DataException(path + ": truncated: expected " + expected + " bytes (" + what + "), found " + size);
    }
    if (size > expected) {
      throw new DataException(path + ": longer than its header says (expected " + expected + " bytes: " + what
          + ")");
    }
  }

  /**
   * Reads {@code n} data bytes as intensities / 255, into storage that grows with what arrives; with {@code whole},
   * checks that nothing follows them.
   */
  private static float[] readBody(InputStream in, String name, long n, int headerBytes, String what, boolean whole)
      throws IOException {
    float[] values = new float[(int) Math.min(n, 1 << 20)];
    byte[] chunk = new byte[1 << 16];
    int got = 0;
    String cut = "";
    try {
      while (got < n) {
        int r = in.read(chunk, 0, (int) Math.min(n - got, chunk.length));
        if (r < 0) {
          break;
        }
        if (got + r > values.length) {
          values = Arrays.copyOf(values, (int) Math.min(n, Math.max(got + r, 2L * values.length)));
        }
        for (int i = 0; i < r; i++) {
          values[got + i] = (chunk[i] & 0xFF) / 255f;
        }
        got += r;
      }
    } catch (EOFException e) {
      cut = " before the gzip stream broke off";
    }
    if (got < n) {
      throw new DataException(name + ": truncated: expected " + (headerBytes + n) + " bytes ("
          + what + "), found " + (headerBytes + (long) got) + cut);
    }
    if (whole && in.read() >= 0) {
      throw new DataException(name + ": longer than its header says (expected " + (headerBytes + n)
          + " bytes: " + what + ")");
    }
    return values;
  }

  /** Reads up to {@code n} bytes, fewer only at the end of the stream. */
  private static byte[] readUpTo(InputStream in, int n) throws IOException {
    return in.readNBytes(n);
  }

  private static String describeMagic(int magic) {
    if (magic == IMAGES_MAGIC || magic == LABELS_MAGIC) {
      return "is an IDX " + kind(magic) + " file";
    }
    if ((magic >>> 8) == 0x08) {
      return String.format("is a %d-D unsigned-byte IDX file (magic 0x%08x)", magic & 0xFF, magic);
    }
    return String.format("not an unsigned-byte IDX file (magic 0x%08x)", magic);
  }

  private static String kind(int magic) {
    return magic == IMAGES_MAGIC ? "images" : magic == LABELS_MAGIC ? "labels" : "unsigned-byte IDX data";
  }

  private static int bigEndian(byte[] b, int off) {
    return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
  }

  private static DataException ioError(Path path, IOException e) {
    String name = path.toString();
    if (e instanceof NoSuchFileException) {
      return new DataException(name + ": no such file", e);
    }
    if (e instanceof AccessDeniedException) {
      return new DataException(name + ": cannot read (permission denied)", e);
    }
    if (e instanceof EOFException) {
      return new DataException(name + ": truncated gzip stream", e);
    }
    if (e instanceof ZipException) {
      return new DataException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
    }
    if (Files.isDirectory(path)) {
      return new DataException(name + ": is a directory", e);
    }
    return new DataException(name + ": cannot read (" + IoErrors.reason(e) + ")", e);
  }
}
