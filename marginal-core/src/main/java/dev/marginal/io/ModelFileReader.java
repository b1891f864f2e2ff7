package dev.marginal.io;

import dev.marginal.tensor.Tensor;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a {@link ModelFile} that may come from anyone, without trusting it. A file is refused, with a one-line
 * message, before its content can cost more than it declares:
 * <ul>
 *   <li>{@code model.json} is read first and at most {@value #MAX_META_BYTES} bytes of it; JSON nesting is limited
 *       ({@link Json#MAX_DEPTH});</li>
 *   <li>every shape is a list of integers in [0, 2³¹−1] whose product, computed without overflow, fits a Java
 *       array; the declared bytes of all tensors together must fit in the heap the JVM can still allocate;</li>
 *   <li>each tensor entry is inflated to exactly the size its shape declares and no further (a longer or shorter
 *       entry is an error), streaming into the tensor without a second copy; entries not declared are not read;</li>
 *   <li>every entry read must match the CRC-32 the archive records for it, computed as it is read (the JDK's
 *       {@link ZipFile} streams do not check it), so that a changed byte is refused rather than loaded as a
 *       slightly different model;</li>
 *   <li>every value must be finite: NaN or infinite weights are refused at load, not turned into NaN scores.</li>
 * </ul>
 */
final class ModelFileReader {
  /** Largest {@code model.json} read (configurations and provenance are small; this allows 784 column names many times over). */
  static final int MAX_META_BYTES = 16 << 20;
  /** Largest element count of one tensor: a Java array's limit. */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private final Path path;
  private final long budgetBytes;

  /** @param budgetBytes the most bytes of tensors the file may declare */
  ModelFileReader(Path path, long budgetBytes) {
    this.path = path;
    this.budgetBytes = budgetBytes;
  }

  /** Bytes the JVM can still allocate: the heap limit less what is in use now. */
  static long heapHeadroom() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  @SuppressWarnings("unchecked")
  ModelFile read() throws IOException {
    try (ZipFile zip = open()) {
      Map<String, Object> meta = meta(zip);
      Map<String, int[]> shapes32 = shapes(meta, "tensors");
      Map<String, int[]> shapes64 = shapes(meta, "float64");
      long declared = declaredBytes(shapes32, 4) + declaredBytes(shapes64, 8);
      if (declared > budgetBytes) {
        throw error("declares " + mib(declared) + " MiB of tensors, more than the " + mib(budgetBytes)
            + " MiB this JVM can allocate (if the file is trusted, give the JVM more heap with -Xmx)");
      }
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, int[]> s : shapes32.entrySet()) {
        float[] d = new float[(int) elements(s.getKey(), s.getValue())];
        readExactly(zip, s.getKey(), "f32", d.length * 4L, (buf, at, n) ->
            buf.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(d, (int) (at / 4), n / 4));
        checkFinite(s.getKey(), d);
        tensors.put(s.getKey(), Tensor.wrap(d, s.getValue()));
      }
      Map<String, ModelFile.Float64> float64 = new LinkedHashMap<>();
      for (Map.Entry<String, int[]> s : shapes64.entrySet()) {
        double[] d = new double[(int) elements(s.getKey(), s.getValue())];
        readExactly(zip, s.getKey(), "f64", d.length * 8L, (buf, at, n) ->
            buf.order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d, (int) (at / 8), n / 8));
        checkFinite(s.getKey(), d);
        float64.put(s.getKey(), new ModelFile.Float64(d, s.getValue()));
      }
      return new ModelFile(String.valueOf(meta.get("kind")), object(meta, "config"), object(meta, "provenance"),
          tensors, float64).withVersion(((Long) meta.get("version")).intValue());
    } catch (NoSuchFileException | FileNotFoundException e) {
      throw new IOException(path + (Files.isDirectory(path) ? ": is a directory" : ": no such file"));
    } catch (AccessDeniedException e) {
      throw new IOException(path + ": cannot read (permission denied)");
    } catch (ZipException | EOFException e) {
      throw new IOException(path + ": not a marginal model file or truncated (" + e.getMessage() + ")");
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      throw m.startsWith(path.toString()) ? e : error("cannot read (" + m + ")");
    }
  }

  /**
   * Opens the zip. The JDK reports a zip directory (or its end record) that points past the end of the file, as a
   * flipped length or offset makes it, by an {@link EOFException} without a message: that is named here.
   */
  private ZipFile open() throws IOException {
    try {
      return new ZipFile(path.toFile());
    } catch (EOFException e) {
      throw new ZipException(e.getMessage() != null ? e.getMessage()
          : "its zip directory points past the end of the file");
    }
  }

  /** Reads and checks {@code model.json}: format, version and the types of its sections. */
  private Map<String, Object> meta(ZipFile zip) throws IOException {
    ZipEntry e = zip.getEntry("model.json");
    if (e == null) {
      throw error("not a marginal model file (no model.json inside)");
    }
    byte[] bytes;
    try (InputStream in = zip.getInputStream(e)) {
      bytes = in.readNBytes(MAX_META_BYTES + 1);
    } catch (ZipException ex) {
      throw corrupt(e, ex);
    }
    if (bytes.length > MAX_META_BYTES) {
      throw error("model.json is larger than " + (MAX_META_BYTES >> 20) + " MiB");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    checkCrc(e, crc);
    Map<String, Object> meta;
    try {
      meta = Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException ex) {
      throw error("model.json is corrupt (" + ex.getMessage() + ")");
    }
    if (!ModelFile.FORMAT.equals(meta.get("format"))) {
      throw error("not a marginal model file (format is " + meta.get("format") + ")");
    }
    Object version = meta.get("version");
    if (!(version instanceof Long) || (Long) version > ModelFile.VERSION || (Long) version < 1) {
      throw error("unsupported model format version " + version + " (this build reads 1.." + ModelFile.VERSION
          + ")");
    }
    return meta;
  }

  /** The shapes listed under {@code key} ({@code {name: [d0, d1, ...]}}), each checked. */
  private Map<String, int[]> shapes(Map<String, Object> meta, String key) throws IOException {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> s : object(meta, key).entrySet()) {
      if (!(s.getValue() instanceof List<?> dims)) {
        throw error("shape of tensor " + Untrusted.quoted(s.getKey()) + " is not a list");
      }
      int[] shape = new int[dims.size()];
      for (int i = 0; i < shape.length; i++) {
        Object d = dims.get(i);
        if (!(d instanceof Long) || (Long) d < 0 || (Long) d > Integer.MAX_VALUE) {
          throw error("shape of tensor " + Untrusted.quoted(s.getKey()) + " has dimension " + d
              + " (expected an integer from 0 to " + Integer.MAX_VALUE + ")");
        }
        shape[i] = ((Long) d).intValue();
      }
      elements(s.getKey(), shape);
      out.put(s.getKey(), shape);
    }
    return out;
  }

  /** The product of a shape, refused when it overflows or exceeds a Java array. */
  private long elements(String name, int[] shape) throws IOException {
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > MAX_ELEMENTS) {
        throw error("tensor " + Untrusted.quoted(name) + " has shape " + Arrays.toString(shape)
            + ", too many elements");
      }
    }
    return n;
  }

  private long declaredBytes(Map<String, int[]> shapes, int width) throws IOException {
    long total = 0;
    for (Map.Entry<String, int[]> s : shapes.entrySet()) {
      total += elements(s.getKey(), s.getValue()) * width;
    }
    return total;
  }

  /** Decodes one chunk of bytes at byte offset {@code at} of the tensor. */
  @FunctionalInterface
  private interface Sink {
    void put(ByteBuffer chunk, long at, int length);
  }

  /**
   * Inflates entry {@code tensors/NAME.EXT}, which must hold exactly {@code expected} bytes, chunk by chunk, and
   * checks its CRC-32 on the same chunks.
   */
  private void readExactly(ZipFile zip, String name, String ext, long expected, Sink sink) throws IOException {
    ZipEntry e = zip.getEntry("tensors/" + name + "." + ext);
    if (e == null) {
      throw error("tensor " + Untrusted.quoted(name) + " is missing");
    }
    byte[] chunk = new byte[1 << 16];
    CRC32 crc = new CRC32();
    long got = 0;
    try (InputStream in = zip.getInputStream(e)) {
      while (got < expected) {
        int want = (int) Math.min(chunk.length, expected - got);
        int n = in.readNBytes(chunk, 0, want);
        if (n < want) {
          throw error("tensor " + Untrusted.quoted(name) + " has " + (got + n) + " bytes, expected " + expected
              + " (file truncated or corrupt)");
        }
        crc.update(chunk, 0, n);
        sink.put(ByteBuffer.wrap(chunk, 0, n), got, n);
        got += n;
      }
      if (in.read() >= 0) {
        throw error("tensor " + Untrusted.quoted(name) + " has more than the " + expected + " bytes its shape declares"
            + " (file corrupt)");
      }
    } catch (ZipException ex) {
      throw corrupt(e, ex);
    }
    checkCrc(e, crc);
  }

  /** Refuses an entry whose bytes do not give the CRC-32 recorded in the archive's directory. */
  private void checkCrc(ZipEntry e, CRC32 crc) throws IOException {
    if (crc.getValue() != e.getCrc()) {
      throw error("entry " + Untrusted.quoted(e.getName()) + " fails its CRC check (file corrupt)");
    }
  }

  /** An entry whose local header or compressed data the zip reader refuses. */
  private IOException corrupt(ZipEntry e, ZipException cause) {
    return error("entry " + Untrusted.quoted(e.getName()) + " is corrupt (" + cause.getMessage() + ")");
  }

  private void checkFinite(String name, float[] d) throws IOException {
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        throw error("tensor " + Untrusted.quoted(name) + " holds " + d[i] + " at element " + i
            + " (weights must be finite)");
      }
    }
  }

  private void checkFinite(String name, double[] d) throws IOException {
    for (int i = 0; i < d.length; i++) {
      if (!Double.isFinite(d[i])) {
        throw error("tensor " + Untrusted.quoted(name) + " holds " + d[i] + " at element " + i
            + " (weights must be finite)");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> object(Map<String, Object> meta, String key) throws IOException {
    Object v = meta.getOrDefault(key, Map.of());
    if (!(v instanceof Map)) {
      throw error("model.json: " + Untrusted.quoted(key) + " is not an object");
    }
    return (Map<String, Object>) v;
  }

  private IOException error(String what) {
    return new IOException(path + ": " + what);
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
