package dev.marginal.data;

import dev.marginal.io.IoErrors;
import dev.marginal.tensor.Shape;
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
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed (recognised by the gzip magic
 * bytes {@code 1f 8b}, whatever the file is called).
 *
 * <p>Layout, big-endian: a magic number {@code 0x0000TTNN} for values of type TT in NN dimensions, one 32-bit size
 * per dimension, then the values row by row. A size of 2³¹ or more is refused as a bad header: it is what a writer
 * of signed sizes makes of a negative number, and more rows or columns than a data set holds. The types:
 * {@code 08} unsigned byte, {@code 09} signed byte, {@code 0B} short (2 bytes), {@code 0C} int (4 bytes),
 * {@code 0D} float (4 bytes), {@code 0E} double (8 bytes).
 * MNIST's are unsigned bytes: {@code 0x00000803} for images {@code [n, height, width]}, {@code 0x00000802} for a
 * matrix {@code [n, columns]}, {@code 0x00000801} for labels {@code [n]}. As a {@link Dataset} the first dimension
 * is the rows and the others flatten into columns {@code px0 ..}: images give {@code n} rows of {@code h·w} columns
 * (with the image shape set), a matrix {@code n} rows of its columns, and a 1-D file {@code n} rows of one column.
 * Unsigned bytes are intensities and become intensity/255 in [0, 1]; values of the other types are kept as they are
 * (ints beyond 2^24 and doubles rounded to the nearest float). NaN, infinities and doubles beyond the float range
 * are refused, naming the row (from 1) and the column.
 */
public final class IdxReader {
  /** Magic number of a 3-D unsigned-byte IDX file: images {@code [n, height, width]}. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of a 2-D unsigned-byte IDX file: a matrix {@code [n, columns]}. */
  public static final int MATRIX_MAGIC = 0x00000802;
  /** Magic number of a 1-D unsigned-byte IDX file: labels {@code [n]}. */
  public static final int LABELS_MAGIC = 0x00000801;
  /** The most values a {@link Dataset} holds: one Java array. */
  static final long MAX_VALUES = Shape.MAX_ARRAY_LENGTH;

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
   * Reads the first {@code limit} rows of an IDX file of any value type and 1, 2 or 3 dimensions (all if it holds
   * fewer), as {@link #readImages(Path, int)} reads images: 3-D images become rows of {@code h·w} pixels with the
   * image shape set, a 2-D file rows of its columns, a 1-D file rows of one column; columns are {@code px0 ..}.
   * Unsigned bytes become value/255; other types keep their values (see the class documentation).
   *
   * @param limit the most rows to read, at least 1
   * @throws DataException if the file is not IDX data of 1 to 3 dimensions, is broken, or holds a value that is not
   *     a finite float
   */
  public static Dataset readData(Path path, int limit) {
    return read(path, limit, 0);
  }

  /** Reads rows of an IDX file whose magic must be {@code expectedMagic} (any of 1 to 3 dimensions if 0). */
  private static Dataset read(Path path, int limit, int expectedMagic) {
    String name = path.toString();
    try (InputStream in = open(path)) {
      Header header = readHeader(in, name, expectedMagic);
      long[] dims = header.dims();
      long rowLength = rowLength(dims);
      if (rowLength > MAX_VALUES) {
        throw new DataException(name + ": " + oneRow(dims) + " is too large: " + rowLength + " values in one row,"
            + " more than the " + MAX_VALUES + " a data set holds (" + (dims.length == 3 ? "use smaller images"
            : "use fewer columns") + ")");
      }
      long rows = Math.min(dims[0], Math.max(1, limit));
      long total = rows * rowLength;
      if (total > MAX_VALUES) {
        throw new DataException(name + ": " + asked(rows, dims[0], limit, rows(dims, dims[0]))
            + " is too large (use fewer rows)");
      }
      String what = rows(dims, dims[0]);
      int headerBytes = 4 * (1 + dims.length);
      int width = header.type().width;
      checkPlainLength(path, in, saturatedSum(headerBytes, saturatedProduct(dims[0], rowLength, width)), what);
      float[] values = readBody(in, name, header.type(), new Extent(total, rowLength, headerBytes, what),
          rows == dims[0]);
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
      n = saturatedProduct(n, dims[d], 1);
    }
    return n;
  }

  /** {@code a·b·c} for non-negative factors, saturating at {@code Long.MAX_VALUE}. */
  private static long saturatedProduct(long a, long b, long c) {
    long ab = Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    return Math.multiplyHigh(ab, c) != 0 || ab * c < 0 ? Long.MAX_VALUE : ab * c;
  }

  /** {@code a + b} for non-negative terms, saturating at {@code Long.MAX_VALUE}. */
  private static long saturatedSum(long a, long b) {
    return a + b < 0 ? Long.MAX_VALUE : a + b;
  }

  /** {@code rows} rows of the file, as a phrase: "3 images of 28x28", "3 rows of 5 columns". */
  private static String rows(long[] dims, long rows) {
    return switch (dims.length) {
      case 3 -> rows + " images of " + dims[1] + "x" + dims[2];
      case 2 -> rows + " rows of " + dims[1] + " columns";
      default -> rows + " rows of one column";
    };
  }

  /**
   * The rows a read asks for, as a phrase: the file's ({@code all}, its header's count, unsigned) when it reads
   * them all or has no limit ({@link Integer#MAX_VALUE}), else "the first N of its" all.
   */
  private static String asked(long rows, long fileRows, int limit, String all) {
    return rows == fileRows || limit == Integer.MAX_VALUE ? all : "the first " + rows + " of its " + all;
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
      long[] dims = readHeader(in, name, LABELS_MAGIC).dims();
      long rows = Math.min(dims[0], Math.max(1, limit));
      if (rows > MAX_VALUES) {
        throw new DataException(name + ": " + asked(rows, dims[0], limit, dims[0] + " labels")
            + " is too large (use fewer rows)");
      }
      checkPlainLength(path, in, 8 + (long) dims[0], dims[0] + " labels");
      float[] v = readBody(in, name, null, new Extent(rows, 1, 8, dims[0] + " labels"), rows == dims[0]);
      int[] labels = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        labels[i] = (int) v[i];
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

  /** An IDX file's value type and dimension sizes. */
  private record Header(IdxType type, long[] dims) {}

  /**
   * Reads and checks the magic number and the dimension sizes (each from 0 to 2³¹ − 1; a first size of 0 is no
   * rows). With {@code expectedMagic} 0, an IDX file of any value type and 1 to 3 dimensions is accepted.
   */
  private static Header readHeader(InputStream in, String name, int expectedMagic) throws IOException {
    byte[] header = readUpTo(in, 4);
    if (header.length < 4) {
      String expected = expectedMagic == 0 ? "an IDX header" : "a " + 4 * (1 + (expectedMagic & 0xFF))
          + "-byte IDX header";
      throw new DataException(name + ": truncated: expected " + expected + ", found " + header.length + " bytes");
    }
    int magic = IdxType.bigEndianInt(header, 0);
    if (expectedMagic != 0 && magic != expectedMagic) {
      throw new DataException(name + ": " + describeMagic(magic) + ", expected " + kind(expectedMagic)
          + String.format(" (magic 0x%08x)", expectedMagic));
    }
    IdxType type = typeOf(magic);
    if (type == null) {
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
      int size = IdxType.bigEndianInt(sizes, 4 * d);
      if (size < 0) {
        throw new DataException(name + ": bad IDX header: dimension " + d + " has size "
            + String.format("0x%08X", size) + ", which is " + size + " as a signed 32-bit integer ("
            + Integer.toUnsignedString(size) + " unsigned); sizes must be at most " + Integer.MAX_VALUE);
      }
      dims[d] = size;
      if (d > 0 && dims[d] == 0) {
        throw new DataException(name + ": bad IDX header: dimension " + d + " has size 0");
      }
    }
    return new Header(type, dims);
  }

  /** The value type of an IDX magic number {@code 0x0000TTNN}, or null if it is not one. */
  private static IdxType typeOf(int magic) {
    return (magic >>> 16) == 0 ? IdxType.of(magic >>> 8) : null;
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
      String bytes = expected == Long.MAX_VALUE ? "at least " + expected : String.valueOf(expected);
      throw new DataException(path + ": truncated: expected " + bytes + " bytes (" + what + "), found " + size);
    }
    if (size > expected) {
      throw new DataException(path + ": longer than its header says (expected " + expected + " bytes: " + what
          + ")");
    }
  }

  /**
   * How much of a file to read: {@code n} values in rows of {@code rowLength}, after {@code headerBytes}; {@code what}
   * names the whole file's data for messages ("3 images of 28x28").
   */
  private record Extent(long n, long rowLength, int headerBytes, String what) {}

  /**
   * Reads {@code extent.n()} values of {@code type} into storage that grows with what arrives (unsigned bytes as
   * intensities / 255; with a null type, unsigned bytes as they are, for labels); with {@code whole}, checks that
   * nothing follows them.
   */
  private static float[] readBody(InputStream in, String name, IdxType type, Extent extent, boolean whole)
      throws IOException {
    IdxType t = type == null ? IdxType.UNSIGNED_BYTE : type;
    int width = t.width;
    long n = extent.n();
    float[] values = new float[(int) Math.min(n, 1 << 20)];
    byte[] chunk = new byte[1 << 16];
    int got = 0;
    int pending = 0; // bytes of a value that is not yet complete, at the start of chunk
    String cut = "";
    try {
      while (got < n) {
        int r = in.read(chunk, pending, (int) Math.min((n - got) * width - pending, chunk.length - pending));
        if (r < 0) {
          break;
        }
        int bytes = pending + r;
        int complete = bytes / width;
        if (got + complete > values.length) {
          values = Arrays.copyOf(values, (int) Math.min(n, Math.max(got + complete, 2L * values.length)));
        }
        for (int i = 0; i < complete; i++) {
          values[got + i] = value(name, t, type != null, chunk, i * width, got + i, extent.rowLength());
        }
        got += complete;
        pending = bytes - complete * width;
        System.arraycopy(chunk, complete * width, chunk, 0, pending);
      }
    } catch (EOFException e) {
      cut = " before the gzip stream broke off";
    }
    long expected = extent.headerBytes() + n * width;
    if (got < n) {
      throw new DataException(name + ": truncated: expected " + expected + " bytes (" + extent.what() + "), found "
          + (extent.headerBytes() + (long) got * width + pending) + cut);
    }
    if (whole && in.read() >= 0) {
      throw new DataException(name + ": longer than its header says (expected " + expected + " bytes: "
          + extent.what() + ")");
    }
    return values;
  }

  /**
   * Value {@code index} of the file, decoded from {@code b[off]}: an unsigned byte scaled to [0, 1] if
   * {@code intensities}, else as it is.
   *
   * @throws DataException naming the row (from 1) and the column of a value that is not a finite float
   */
  private static float value(String name, IdxType type, boolean intensities, byte[] b, int off, long index,
      long rowLength) {
    double v = type.decode(b, off);
    if (type == IdxType.UNSIGNED_BYTE) {
      return intensities ? (float) v / 255f : (float) v;
    }
    float f = (float) v;
    if (!Float.isFinite(f)) {
      String where = name + ": row " + (index / rowLength + 1) + ", column 'px" + index % rowLength + "': ";
      throw new DataException(where + (Double.isNaN(v) ? "NaN is not allowed" : Double.isInfinite(v)
          ? "infinity is not allowed" : v + " is out of float range"));
    }
    return f;
  }

  /** Reads up to {@code n} bytes, fewer only at the end of the stream. */
  private static byte[] readUpTo(InputStream in, int n) throws IOException {
    return in.readNBytes(n);
  }

  private static String describeMagic(int magic) {
    if (magic == IMAGES_MAGIC || magic == LABELS_MAGIC) {
      return "is an IDX " + kind(magic) + " file";
    }
    IdxType type = typeOf(magic);
    if (type != null) {
      return String.format("is a %d-D %s IDX file (magic 0x%08x)", magic & 0xFF, type.description, magic);
    }
    return String.format("not an IDX file (magic 0x%08x; IDX magic numbers are 0x0000TTNN with value type TT one of"
        + " %s)", magic, IdxType.codes());
  }

  private static String kind(int magic) {
    return magic == IMAGES_MAGIC ? "images" : magic == LABELS_MAGIC ? "labels" : "unsigned-byte IDX data";
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
