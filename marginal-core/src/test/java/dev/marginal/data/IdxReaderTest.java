package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  /** An IDX file: magic, sizes, then the bytes. */
  static byte[] idx(int magic, int[] dims, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(body);
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(raw);
    }
    return bytes.toByteArray();
  }

  /** Pseudo-random pixel bytes (incompressible, so a cut gzip stream is cut in the data). */
  static byte[] pixels(int n, long seed) {
    float[] u = RngKey.of(seed).uniforms(n);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (int) (u[i] * 256);
    }
    b[0] = 0;
    b[1] = (byte) 255;
    return b;
  }

  private Path file(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  private static void assertPixels(byte[] body, Dataset d) {
    float[] v = d.values();
    assertEquals(body.length, v.length);
    for (int i = 0; i < body.length; i++) {
      assertEquals((body[i] & 0xFF) / 255f, v[i]);
    }
  }

  @Test
  void plainImagesRoundTrip() throws IOException {
    byte[] body = pixels(3 * 4 * 5, 1);
    Path p = file("imgs-idx3-ubyte", idx(IdxReader.IMAGES_MAGIC, new int[] {3, 4, 5}, body));
    Dataset d = IdxReader.readImages(p);
    assertEquals(3, d.rows());
    assertEquals(20, d.cols());
    assertEquals("px0", d.columns().get(0));
    assertEquals("px19", d.columns().get(19));
    assertEquals(new Dataset.ImageShape(4, 5), d.imageShape().orElseThrow());
    assertEquals(0f, d.get(0, 0));
    assertEquals(1f, d.get(0, 1));
    assertPixels(body, d);
  }

  @Test
  void gzipIsRecognisedByItsMagicBytesWhateverTheName() throws IOException {
    byte[] body = pixels(2 * 3 * 3, 2);
    byte[] gz = gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {2, 3, 3}, body));
    assertPixels(body, IdxReader.readImages(file("imgs.gz", gz)));
    assertPixels(body, IdxReader.readImages(file("imgs-idx3-ubyte", gz)));
  }

  @Test
  void labelsPairWithImages() throws IOException {
    byte[] body = pixels(4 * 2 * 2, 3);
    Path images = file("x-images-idx3-ubyte.gz", gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {4, 2, 2}, body)));
    Path labels = file("x-labels-idx1-ubyte", idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[] {9, 0, 3, 7}));
    assertArrayEquals(new int[] {9, 0, 3, 7}, IdxReader.readLabels(labels));
    Dataset d = IdxReader.read(images, labels);
    assertArrayEquals(new int[] {9, 0, 3, 7}, d.labels());
    assertPixels(body, d);
  }

  @Test
  void labelCountMustMatchImageCount() throws IOException {
    Path images = file("i", idx(IdxReader.IMAGES_MAGIC, new int[] {4, 2, 2}, new byte[16]));
    Path labels = file("l", idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[3]));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(images, labels));
    assertEquals(labels + ": 3 labels, but " + images + " has 4 images", e.getMessage());
  }

  @Test
  void truncatedPlainFileSaysWhatWasExpectedAndFound() throws IOException {
    byte[] full = idx(IdxReader.IMAGES_MAGIC, new int[] {2, 3, 4}, pixels(24, 4));
    Path p = file("cut-idx3-ubyte", Arrays.copyOf(full, 30));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(p));
    assertEquals(p + ": truncated: expected 40 bytes (2 images of 3x4), found 30", e.getMessage());
  }

  @Test
  void truncatedHeaderIsReported() throws IOException {
    Path p = file("head-idx3-ubyte", new byte[] {0, 0, 8, 3, 0, 0});
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(p));
    assertEquals(p + ": truncated: expected a 16-byte IDX header, found 6 bytes", e.getMessage());
  }

  @Test
  void truncatedGzipStreamIsReported() throws IOException {
    byte[] gz = gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {10, 28, 28}, pixels(7840, 5)));
    Path p = file("cut.gz", Arrays.copyOf(gz, gz.length / 2));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(p));
    String prefix = p + ": truncated: expected 7856 bytes (10 images of 28x28), found ";
    String suffix = " before the gzip stream broke off";
    String m = e.getMessage();
    assertTrue(m.startsWith(prefix) && m.endsWith(suffix), m);
    long found = Long.parseLong(m.substring(prefix.length(), m.length() - suffix.length()));
    assertTrue(found > 16 && found < 7856, "the bytes inflated before the break are counted: " + m);
  }

  @Test
  void extraBytesAfterTheDataAreReported() throws IOException {
    byte[] full = idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {1, 2, 3});
    Path p = file("long", full);
    DataException e = assertThrows(DataException.class, () -> IdxReader.readLabels(p));
    assertEquals(p + ": longer than its header says (expected 10 bytes: 2 labels)", e.getMessage());
  }

  @Test
  void wrongMagicNamesWhatTheFileIs() throws IOException {
    Path labels = file("l", idx(IdxReader.LABELS_MAGIC, new int[] {1}, new byte[1]));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(labels));
    assertEquals(labels + ": is an IDX labels file, expected images (magic 0x00000803)", e.getMessage());
    Path text = file("t.idx", "hello, world".getBytes());
    e = assertThrows(DataException.class, () -> IdxReader.readLabels(text));
    assertEquals(text + ": not an IDX file (magic 0x68656c6c; IDX magic numbers are 0x0000TTNN with value type TT"
        + " one of 08, 09, 0B, 0C, 0D or 0E), expected labels (magic 0x00000801)", e.getMessage());
  }

  @Test
  void twoDimensionalFileIsRowsOfColumns() throws IOException {
    byte[] body = pixels(3 * 5, 6);
    Path p = file("m-idx2-ubyte", idx(IdxReader.MATRIX_MAGIC, new int[] {3, 5}, body));
    Dataset d = IdxReader.readData(p, Integer.MAX_VALUE);
    assertEquals(3, d.rows());
    assertEquals(java.util.List.of("px0", "px1", "px2", "px3", "px4"), d.columns());
    assertTrue(d.imageShape().isEmpty());
    assertPixels(body, d);
    assertEquals(2, IdxReader.readData(p, 2).rows());
  }

  @Test
  void oneDimensionalFileIsOneColumn() throws IOException {
    Path p = file("l-idx1-ubyte", idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[] {9, 0, 3, (byte) 255}));
    Dataset d = IdxReader.readData(p, Integer.MAX_VALUE);
    assertEquals(4, d.rows());
    assertEquals(java.util.List.of("px0"), d.columns());
    assertPixels(new byte[] {9, 0, 3, (byte) 255}, d);
  }

  @Test
  void imagesThroughReadDataKeepTheirShape() throws IOException {
    byte[] body = pixels(2 * 3 * 4, 7);
    Path p = file("i-idx3-ubyte", idx(IdxReader.IMAGES_MAGIC, new int[] {2, 3, 4}, body));
    Dataset d = IdxReader.readData(p, Integer.MAX_VALUE);
    assertEquals(new Dataset.ImageShape(3, 4), d.imageShape().orElseThrow());
    assertEquals(IdxReader.readImages(p).columns(), d.columns());
    assertPixels(body, d);
  }

  @Test
  void otherDimensionCountsAndTypesAreRefusedByName() throws IOException {
    Path four = file("four", idx(0x00000804, new int[] {1, 1, 1, 1}, new byte[1]));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readData(four, 1));
    assertEquals(four + ": IDX data of 4 dimensions: expected 1 (one column), 2 (rows, columns) or 3 (images,"
        + " height, width)", e.getMessage());
    Path unknown = file("unknown", idx(0x00000a02, new int[] {1, 1}, new byte[4]));
    e = assertThrows(DataException.class, () -> IdxReader.readData(unknown, 1));
    assertEquals(unknown + ": not an IDX file (magic 0x00000a02; IDX magic numbers are 0x0000TTNN with value type TT"
        + " one of 08, 09, 0B, 0C, 0D or 0E)", e.getMessage());
    Path floats = file("floats", idx(0x00000d03, new int[] {1, 1, 1}, new byte[4]));
    e = assertThrows(DataException.class, () -> IdxReader.readImages(floats));
    assertEquals(floats + ": is a 3-D float IDX file (magic 0x00000d03), expected images (magic 0x00000803)",
        e.getMessage());
    Path matrix = file("m", idx(IdxReader.MATRIX_MAGIC, new int[] {1, 1}, new byte[1]));
    e = assertThrows(DataException.class, () -> IdxReader.readImages(matrix));
    assertEquals(matrix + ": is a 2-D unsigned-byte IDX file (magic 0x00000802), expected images"
        + " (magic 0x00000803)", e.getMessage());
  }

  /** The big-endian bytes that {@code fill} puts in a buffer of {@code bytes}. */
  private static byte[] bigEndian(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
    ByteBuffer b = ByteBuffer.allocate(bytes);
    fill.accept(b);
    return b.array();
  }

  @Test
  void valuesOfEveryOtherTypeAreKeptAsTheyAre() throws IOException {
    float[] expected = {-3f, 7f, 100f, -128f};
    byte[][] bodies = {
        {-3, 7, 100, -128},
        bigEndian(8, b -> b.putShort((short) -3).putShort((short) 7).putShort((short) 100).putShort((short) -128)),
        bigEndian(16, b -> b.putInt(-3).putInt(7).putInt(100).putInt(-128)),
        bigEndian(16, b -> b.putFloat(-3f).putFloat(7f).putFloat(100f).putFloat(-128f)),
        bigEndian(32, b -> b.putDouble(-3).putDouble(7).putDouble(100).putDouble(-128))};
    int[] types = {0x09, 0x0B, 0x0C, 0x0D, 0x0E};
    for (int t = 0; t < types.length; t++) {
      Path p = file("t" + t + ".idx", idx(types[t] << 8 | 2, new int[] {2, 2}, bodies[t]));
      Dataset d = IdxReader.readData(p, Integer.MAX_VALUE);
      assertEquals(java.util.List.of("px0", "px1"), d.columns());
      assertArrayEquals(expected, d.values(), String.format("type 0x%02x", types[t]));
      assertEquals(1, IdxReader.readData(p, 1).rows());
    }
    Path images = file("f-idx3", idx(0x00000d03, new int[] {1, 1, 2}, bigEndian(8, b -> b.putFloat(.5f).putFloat(2f))));
    Dataset d = IdxReader.readData(images, Integer.MAX_VALUE);
    assertEquals(new Dataset.ImageShape(1, 2), d.imageShape().orElseThrow());
    assertArrayEquals(new float[] {.5f, 2f}, d.values());
  }

  @Test
  void gzippedDoublesSplitAcrossReadsAreDecodedWhole() throws IOException {
    int n = 3 * 7001;
    float[] u = RngKey.of(8).uniforms(n);
    double[] x = new double[n];
    ByteBuffer body = ByteBuffer.allocate(8 * n);
    for (int i = 0; i < n; i++) {
      x[i] = (u[i] - 0.5) * 1e6;
      body.putDouble(x[i]);
    }
    Path p = file("d.gz", gzip(idx(0x00000e02, new int[] {3, 7001}, body.array())));
    float[] v = IdxReader.readData(p, Integer.MAX_VALUE).values();
    assertEquals(n, v.length);
    for (int i = 0; i < n; i++) {
      assertEquals((float) x[i], v[i], "value " + i);
    }
  }

  @Test
  void valuesThatAreNotFiniteFloatsAreRefusedByRowAndColumn() throws IOException {
    Path nan = file("nan.idx", idx(0x00000d02, new int[] {2, 2},
        bigEndian(16, b -> b.putFloat(1).putFloat(2).putFloat(3).putFloat(Float.NaN))));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readData(nan, 5));
    assertEquals(nan + ": row 2, column 'px1': NaN is not allowed", e.getMessage());
    Path inf = file("inf.idx", idx(0x00000e01, new int[] {2},
        bigEndian(16, b -> b.putDouble(Double.NEGATIVE_INFINITY).putDouble(0))));
    e = assertThrows(DataException.class, () -> IdxReader.readData(inf, 5));
    assertEquals(inf + ": row 1, column 'px0': infinity is not allowed", e.getMessage());
    Path big = file("big.idx", idx(0x00000e01, new int[] {2}, bigEndian(16, b -> b.putDouble(0).putDouble(1e300))));
    e = assertThrows(DataException.class, () -> IdxReader.readData(big, 5));
    assertEquals(big + ": row 2, column 'px0': 1.0E300 is out of float range", e.getMessage());
  }

  @Test
  void lengthsOfWiderTypesCountTheirBytes() throws IOException {
    byte[] full = idx(0x00000c02, new int[] {2, 3}, new byte[24]);
    Path cut = file("cut.idx", Arrays.copyOf(full, 30));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readData(cut, 5));
    assertEquals(cut + ": truncated: expected 36 bytes (2 rows of 3 columns), found 30", e.getMessage());
    Path gz = file("cut.gz", gzip(Arrays.copyOf(full, 31)));
    e = assertThrows(DataException.class, () -> IdxReader.readData(gz, 5));
    assertEquals(gz + ": truncated: expected 36 bytes (2 rows of 3 columns), found 31", e.getMessage());
    Path huge = file("huge.idx", idx(0x00000e02, new int[] {Integer.MAX_VALUE, 1 << 30}, new byte[0]));
    e = assertThrows(DataException.class, () -> IdxReader.readData(huge, 1));
    assertEquals(huge + ": truncated: expected at least 9223372036854775807 bytes (2147483647 rows of 1073741824 columns),"
        + " found 12", e.getMessage());
  }

  @Test
  void aSizeOf2To31OrMoreIsABadHeaderShownAsWritten() throws IOException {
    // 0xFFFFFFFF is -1 from a writer of signed sizes, or 4294967295 read unsigned: the message gives all three.
    Path rows = file("rows-idx3-ubyte", idx(IdxReader.IMAGES_MAGIC, new int[] {-1, 2, 2}, new byte[0]));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(rows, 2));
    assertEquals(rows + ": bad IDX header: dimension 0 has size 0xFFFFFFFF, which is -1 as a signed 32-bit integer"
        + " (4294967295 unsigned); sizes must be at most 2147483647", e.getMessage());
    Path cols = file("cols-idx2-ubyte", idx(IdxReader.MATRIX_MAGIC, new int[] {1, -2}, new byte[0]));
    e = assertThrows(DataException.class, () -> IdxReader.readData(cols, 1));
    assertEquals(cols + ": bad IDX header: dimension 1 has size 0xFFFFFFFE, which is -2 as a signed 32-bit integer"
        + " (4294967294 unsigned); sizes must be at most 2147483647", e.getMessage());
    Path images = file("wide-idx3-ubyte", idx(IdxReader.IMAGES_MAGIC, new int[] {1, 2, Integer.MIN_VALUE},
        new byte[0]));
    e = assertThrows(DataException.class, () -> IdxReader.readData(images, 1));
    assertEquals(images + ": bad IDX header: dimension 2 has size 0x80000000, which is -2147483648 as a signed"
        + " 32-bit integer (2147483648 unsigned); sizes must be at most 2147483647", e.getMessage());
    Path labels = file("l", gzip(idx(IdxReader.LABELS_MAGIC, new int[] {-1}, new byte[0])));
    e = assertThrows(DataException.class, () -> IdxReader.readLabels(labels, 3));
    assertEquals(labels + ": bad IDX header: dimension 0 has size 0xFFFFFFFF, which is -1 as a signed 32-bit integer"
        + " (4294967295 unsigned); sizes must be at most 2147483647", e.getMessage());
  }

  @Test
  void tooManyRowsAreReportedAsTheHeaderCountsThem() throws IOException {
    // 2147483647 rows: with a limit the refusal names the rows asked for and the header's count.
    Path rows = file("rows-idx2-ubyte", idx(IdxReader.MATRIX_MAGIC, new int[] {Integer.MAX_VALUE, 2}, new byte[0]));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readData(rows, Integer.MAX_VALUE));
    assertEquals(rows + ": 2147483647 rows of 2 columns is too large (use fewer rows)", e.getMessage());
    e = assertThrows(DataException.class, () -> IdxReader.readData(rows, 2_000_000_000));
    assertEquals(rows + ": the first 2000000000 of its 2147483647 rows of 2 columns is too large (use fewer rows)",
        e.getMessage());
    Path labels = file("l", idx(IdxReader.LABELS_MAGIC, new int[] {Integer.MAX_VALUE}, new byte[0]));
    e = assertThrows(DataException.class, () -> IdxReader.readLabels(labels));
    assertEquals(labels + ": 2147483647 labels is too large (use fewer rows)", e.getMessage());
  }

  @Test
  void anImageTooLargeForADataSetIsNamedNotTheRows() throws IOException {
    Path p = file("wide.idx", idx(IdxReader.IMAGES_MAGIC, new int[] {1, 65535, 65535}, new byte[0]));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(p));
    assertEquals(p + ": an image of 65535x65535 is too large: 4294836225 values in one row, more than the"
        + " 2147483639 a data set holds (use smaller images)", e.getMessage());
    Path many = file("many.idx", idx(IdxReader.IMAGES_MAGIC, new int[] {100_000, 200, 200}, new byte[0]));
    e = assertThrows(DataException.class, () -> IdxReader.readImages(many));
    assertEquals(many + ": 100000 images of 200x200 is too large (use fewer rows)", e.getMessage());
  }

  @Test
  void missingFileSaysSo() {
    Path p = dir.resolve("nope.gz");
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(p));
    assertEquals(p + ": no such file", e.getMessage());
  }
}
