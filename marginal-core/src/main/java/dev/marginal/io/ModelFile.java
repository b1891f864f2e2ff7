package dev.marginal.io;

import dev.marginal.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The marginal model file: a zip archive holding
 * <ul>
 *   <li>{@code model.json}: {@code {"format": "marginal-model", "version": 1, "kind": ..., "config": {...},
 *       "provenance": {...}, "tensors": {name: shape, ...}}};</li>
 *   <li>{@code tensors/<name>.f32}: each tensor's elements as little-endian IEEE-754 float32, row-major.</li>
 * </ul>
 * Values read back are bit-identical to those written. Files are written atomically.
 */
public final class ModelFile {
  /** The format tag in {@code model.json}. */
  public static final String FORMAT = "marginal-model";
  /** The current format version; readers reject newer ones. */
  public static final int VERSION = 1;

  private final String kind;
  private final Map<String, Object> config;
  private final Map<String, Object> provenance;
  private final Map<String, Tensor> tensors;

  /**
   * @param kind the model type ("gmm", "ppca", "lvm", ...)
   * @param config the model's hyper-parameters (JSON-serialisable values)
   * @param provenance how it was made: seed, data, objective, steps, versions
   * @param tensors named parameter values
   */
  public ModelFile(String kind, Map<String, Object> config, Map<String, Object> provenance,
      Map<String, Tensor> tensors) {
    this.kind = kind;
    this.config = new LinkedHashMap<>(config);
    this.provenance = new LinkedHashMap<>(provenance);
    this.tensors = new LinkedHashMap<>(tensors);
  }

  public String kind() {
    return kind;
  }

  public Map<String, Object> config() {
    return config;
  }

  public Map<String, Object> provenance() {
    return provenance;
  }

  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** The tensor called {@code name}, or an error naming the file's contents. */
  public Tensor tensor(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("model has no tensor '" + name + "'");
    }
    return t;
  }

  /** Writes the file atomically. */
  public void write(Path path) throws IOException {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("version", VERSION);
    meta.put("kind", kind);
    meta.put("config", config);
    meta.put("provenance", provenance);
    Map<String, Object> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      shapes.put(e.getKey(), e.getValue().shape());
    }
    meta.put("tensors", shapes);
    AtomicFiles.write(path, out -> {
      ZipOutputStream zip = new ZipOutputStream(out);
      zip.putNextEntry(new ZipEntry("model.json"));
      zip.write(Json.write(meta).getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        zip.putNextEntry(new ZipEntry("tensors/" + e.getKey() + ".f32"));
        float[] d = e.getValue().buffer();
        ByteBuffer buf = ByteBuffer.allocate(d.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(d);
        zip.write(buf.array());
        zip.closeEntry();
      }
      zip.finish();
    });
  }

  /**
   * Reads a model file.
   *
   * @throws IOException whose message is one line naming the file and the problem
   */
  @SuppressWarnings("unchecked")
  public static ModelFile read(Path path) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(path); ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        entries.put(e.getName(), readAll(zip));
      }
    } catch (NoSuchFileException e) {
      throw new IOException(path + ": no such file");
    } catch (ZipException | java.io.EOFException e) {
      throw new IOException(path + ": not a marginal model file or truncated (" + e.getMessage() + ")");
    }
    byte[] metaBytes = entries.get("model.json");
    if (metaBytes == null) {
      throw new IOException(path + ": not a marginal model file (no model.json inside)");
    }
    Map<String, Object> meta;
    try {
      meta = Json.parseObject(new String(metaBytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException(path + ": model.json is corrupt (" + e.getMessage() + ")");
    }
    if (!FORMAT.equals(meta.get("format"))) {
      throw new IOException(path + ": not a marginal model file (format is " + meta.get("format") + ")");
    }
    Object version = meta.get("version");
    if (!(version instanceof Long) || (Long) version > VERSION || (Long) version < 1) {
      throw new IOException(path + ": unsupported model format version " + version + " (this build reads 1.."
          + VERSION + ")");
    }
    Map<String, Object> shapes = (Map<String, Object>) meta.getOrDefault("tensors", Map.of());
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Object> s : shapes.entrySet()) {
      int[] shape = toShape((List<Object>) s.getValue());
      byte[] bytes = entries.get("tensors/" + s.getKey() + ".f32");
      if (bytes == null) {
        throw new IOException(path + ": tensor '" + s.getKey() + "' is missing");
      }
      int n = dev.marginal.tensor.Shape.size(shape);
      if (bytes.length != 4L * n) {
        throw new IOException(path + ": tensor '" + s.getKey() + "' has " + bytes.length + " bytes, expected "
            + 4L * n + " (file truncated or corrupt)");
      }
      float[] d = new float[n];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(d);
      tensors.put(s.getKey(), Tensor.wrap(d, shape));
    }
    return new ModelFile(String.valueOf(meta.get("kind")),
        (Map<String, Object>) meta.getOrDefault("config", Map.of()),
        (Map<String, Object>) meta.getOrDefault("provenance", Map.of()), tensors);
  }

  private static int[] toShape(List<Object> dims) {
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = ((Number) dims.get(i)).intValue();
    }
    return shape;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    int r;
    while ((r = in.read(buf)) > 0) {
      out.write(buf, 0, r);
    }
    return out.toByteArray();
  }

  /** Names of the tensors, in file order. */
  public List<String> tensorNames() {
    return new ArrayList<>(tensors.keySet());
  }
}
