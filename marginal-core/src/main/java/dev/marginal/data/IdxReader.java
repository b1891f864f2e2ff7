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
 * <p>Layout, big-endian: a magic number {@code 0x00000803} for images or {@code 0x00000801} for labels, one
 * 32-bit size per dimension ({@code n, height, width} or {@code n}), then the bytes row by row. Images become a
 * {@link Dataset} of {@code n} rows with columns {@code px0 .. px(h·w−1)} holding intensity/255 in [0, 1].
 */
public final class IdxReader {
  /** Magic number of a 3-D unsigned-byte IDX file: images {@code [n, height, width]}. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of a 1-D unsigned-byte IDX file: labels {@code [n]}. */
  public static final int LABELS_MAGIC = 0x00000801;

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
    String name = path.toString();
    try (InputStream in = open(path)) {
      int[] dims = readHeader(in, name, IMAGES_MAGIC);
      long pixels = (long) dims[1] * dims[2];
      long rows = Math.min(dims[0], Math.max(1, limit));
      long total = rows * pixels;
      if (total > Integer.MAX_VALUE - 8) {
        throw new DataException(name + ": " + rows + " images of " + dims[1] + "x" + dims[2] + " is too large"
            + " (use fewer rows)");
      }
      String what = dims[0] + " images of " + dims[1] + "x" + dims[2];
      checkPlainLength(path, in, 16 + (long) dims[0] * pixels, what);
      float[] values = readBody(in, name, total, 16, what, rows == dims[0]);
      return Dataset.of(name, pixelNames((int) pixels), values).withImageShape(dims[1], dims[2]);
    } catch (IOException e) {
      throw ioError(path, e);
    }
  }

  /** Reads a labels file: one unsigned byte (0..255) per example. */
  public static int[] readLabels(Path path) {
    return readLabels(path, Integer.MAX_VALUE);
  }

  /** Reads the first {@code limit} labels of a file (all if it holds fewer). */
  public static int[] readLabels(Path path, int limit) {
    String name = path.toString();
    try (InputStream in = open(path)) {
      int[] dims = readHeader(in, name, LABELS_MAGIC);
      int rows = Math.min(dims[0], Math.max(1, limit));
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
   * Reads the first {@code limit} images and their labels.
   *
   * @throws DataException if the counts differ
   */
  public static Dataset read(Path images, Path labels, int limit) {
    Dataset data = readImages(images, limit);
    int[] y = readLabels(labels, limit);
    if (y.length != data.rows()) {
      throw new DataException(
          labels + ": " + y.length + " labels, but " + images + " has " + data.rows() + " images");
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

  /** Reads and checks the magic number and the dimension sizes. */
  private static int[] readHeader(InputStream in, String name, int expectedMagic) throws IOException {
    int ndims = expectedMagic & 0xFF;
    int headerBytes = 4 * (1 + ndims);
    byte[] header = readUpTo(in, 4);
    if (header.length < 4) {
      throw new DataException(
          name + ": truncated: expected a " + headerBytes + "-byte IDX header, found " + header.length + " bytes");
    }
    int magic = bigEndian(header, 0);
    if (magic != expectedMagic) {
      throw new DataException(name + ": " + describeMagic(magic) + ", expected " + kind(expectedMagic)
          + String.format(" (magic 0x%08x)", expectedMagic));
    }
    byte[] sizes = readUpTo(in, 4 * ndims);
    if (sizes.length < 4 * ndims) {
      throw new DataException(name + ": truncated: expected a " + headerBytes + "-byte IDX header, found "
          + (4 + sizes.length) + " bytes");
    }
    int[] dims = new int[ndims];
    for (int d = 0; d < ndims; d++) {
      dims[d] = bigEndian(sizes, 4 * d);
      if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
        throw new DataException(name + ": bad IDX header: dimension " + d + " has size " + dims[d]);
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
    return String.format("not an unsigned-byte IDX file (magic 0x%08x)", magic);
  }

  private static String kind(int magic) {
    return magic == IMAGES_MAGIC ? "images" : "labels";
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
