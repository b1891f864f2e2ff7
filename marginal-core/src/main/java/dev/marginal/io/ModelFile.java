package dev.marginal.io;

import dev.marginal.tensor.Shape;
import dev.marginal.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The marginal model file: a zip archive holding
 * <ul>
 *   <li>{@code model.json}: {@code {"format": "marginal-model", "version": 1, "kind": ..., "config": {...},
 *       "provenance": {...}, "tensors": {name: shape, ...}}};</li>
 *   <li>{@code tensors/<name>.f32}: each tensor's elements as little-endian IEEE-754 float32, row-major.</li>
 *   <li>{@code tensors/<name>.f64}: each double-precision array ({@link Float64}) as little-endian IEEE-754
 *       float64, row-major, listed with its shape under {@code "float64"} in {@code model.json}. Small models
 *       whose parameters are fitted in double (Gaussian mixtures, probabilistic PCA, standardizers) store them
 *       here, since rounding them to float32 would change their log densities. The key is optional: files
 *       without it have no double arrays.</li>
 * </ul>
 * Values read back are bit-identical to those written. Files are written atomically.
 */
public final class ModelFile {
  /** The format tag in {@code model.json}. */
  public static final String FORMAT = "marginal-model";
  /**
   * The newest format version; readers reject newer ones. Version 2 lets a deep LVM whose q is fitted per data point
   * leave out the tensors of its encoder, which it never uses; every other file is written as version 1, which
   * marginal 0.2.0 and later read ({@link #version()}).
   */
  public static final int VERSION = 2;
  /** The version whose files a deep LVM with per-data-point posteriors may write without its encoder. */
  public static final int VERSION_WITHOUT_ENCODER = 2;

  /** The time stamped on every entry (the earliest a zip file can record). */
  private static final java.time.LocalDateTime ENTRY_TIME = java.time.LocalDateTime.of(1980, 1, 1, 0, 0);

  private final String kind;
  private final Map<String, Object> config;
  private final Map<String, Object> provenance;
  private final Map<String, Tensor> tensors;
  private final Map<String, Float64> float64;
  private final int version;

  /**
   * A double-precision array stored without rounding. Immutable: the arrays are copied in and out, and equality
   * compares their elements.
   *
   * @param values row-major elements, as many as the product of {@code shape}
   * @param shape the dimensions, each at least 0
   */
  public record Float64(double[] values, int[] shape) {
    /** Validates that the values fill the shape, and copies both arrays. */
    public Float64 {
      if (values.length != Shape.size(shape)) {
        throw new IllegalArgumentException(values.length + " values do not fill shape "
            + Arrays.toString(shape));
      }
      values = values.clone();
      shape = shape.clone();
    }

    /** A vector {@code [values.length]}. */
    public static Float64 of(double[] values) {
      return new Float64(values, new int[] {values.length});
    }

    /** A row-major matrix {@code [rows][cols]} (all rows of equal length). */
    public static Float64 of(double[][] rows) {
      int cols = rows.length == 0 ? 0 : rows[0].length;
      double[] flat = new double[rows.length * cols];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(rows[i], 0, flat, i * cols, cols);
      }
      return new Float64(flat, new int[] {rows.length, cols});
    }

    /** The values, a copy. */
    @Override
    public double[] values() {
      return values.clone();
    }

    /** The shape, a copy. */
    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Float64 f && Arrays.equals(f.shape, shape) && Arrays.equals(f.values, values);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Float64[shape=" + Arrays.toString(shape) + ", values=" + Arrays.toString(values) + "]";
    }
  }

  /**
   * @param kind the model type ("gmm", "ppca", "lvm", ...)
   * @param config the model's hyper-parameters (JSON-serialisable values)
   * @param provenance how it was made: seed, data, objective, steps, versions
   * @param tensors named parameter values
   */
  public ModelFile(String kind, Map<String, Object> config, Map<String, Object> provenance,
      Map<String, Tensor> tensors) {
    this(kind, config, provenance, tensors, Map.of());
  }

  /**
   * A model file in memory. {@code config} and {@code provenance} are kept as a file holds them, in JSON's values
   * ({@link Json#parse}: whole numbers as {@code Long}, arrays as lists, a non-finite number as null), so that a
   * file made here and one read back from disk rebuild the same model ({@code Models.fromFile(model.toFile(p))}).
   *
   * @param kind the model type ("gmm", "ppca", "lvm", ...)
   * @param config the model's hyper-parameters (JSON-serialisable values, {@link Json#write})
   * @param provenance how it was made: seed, data, objective, steps, versions
   * @param tensors named float32 parameter values
   * @param float64 named double-precision parameter values; names may not repeat those of {@code tensors}
   */
  public ModelFile(String kind, Map<String, Object> config, Map<String, Object> provenance,
      Map<String, Tensor> tensors, Map<String, Float64> float64) {
    this.kind = kind;
    this.config = asStored(config);
    this.provenance = asStored(provenance);
    this.tensors = new LinkedHashMap<>(tensors);
    this.float64 = new LinkedHashMap<>(float64);
    for (String name : float64.keySet()) {
      if (tensors.containsKey(name)) {
        throw new IllegalArgumentException("'" + name + "' is both a float32 and a float64 tensor");
      }
    }
    this.version = 1;
  }

  private ModelFile(ModelFile file, int version) {
    this.kind = file.kind;
    this.config = file.config;
    this.provenance = file.provenance;
    this.tensors = file.tensors;
    this.float64 = file.float64;
    this.version = version;
  }

  /**
   * The format version this file is written as: the oldest that describes its contents, 1 unless a model asked for
   * a newer one ({@link #withVersion}), or the version it was read as.
   */
  public int version() {
    return version;
  }

  /**
   * This file, written as format {@code version}: a model whose file needs a newer version's rules asks for it, so
   * that older readers refuse the file by its version instead of failing on what it leaves out.
   *
   * @param version 1 to {@link #VERSION}
   */
  public ModelFile withVersion(int version) {
    if (version < 1 || version > VERSION) {
      throw new IllegalArgumentException("model format version must be 1.." + VERSION + ", got " + version);
    }
    return new ModelFile(this, version);
  }

  /**
   * {@code values} as {@link #write} stores them and {@link #read} gives them back: JSON's values, a fresh map
   * (unmodifiable).
   */
  private static Map<String, Object> asStored(Map<String, Object> values) {
    return java.util.Collections.unmodifiableMap(Json.parseObject(Json.writeCompact(values)));
  }

  public String kind() {
    return kind;
  }

  /** The hyper-parameters, unmodifiable, in JSON's values. */
  public Map<String, Object> config() {
    return config;
  }

  /** How the model was made, unmodifiable, in JSON's values. */
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

  /** The double-precision arrays, by name. */
  public Map<String, Float64> float64Tensors() {
    return float64;
  }

  /** The double-precision array called {@code name}, or an error naming it. */
  public Float64 float64(String name) {
    Float64 t = float64.get(name);
    if (t == null) {
      throw new IllegalArgumentException("model has no float64 tensor '" + name + "'");
    }
    return t;
  }

  /**
   * Writes the file atomically ({@link AtomicFiles#write}).
   *
   * @throws IOException if it cannot be written, also when its directory does not exist (it is not created);
   *     {@code path} is then unchanged
   */
  public void write(Path path) throws IOException {
    AtomicFiles.write(path, this::writeTo);
  }

  /** The file's bytes, exactly as {@link #write} puts them on disk (for sending a model over a network). */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writeTo(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A zip entry stamped with a fixed time instead of the clock's, so that equal models give equal bytes (a saved
   * file can be compared with, or hashed as, the model it holds).
   */
  private static ZipEntry entry(String name) {
    ZipEntry e = new ZipEntry(name);
    e.setTimeLocal(ENTRY_TIME);
    return e;
  }

  /** Writes the zip archive to {@code out}, leaving it open. */
  private void writeTo(java.io.OutputStream out) throws IOException {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("version", version);
    meta.put("kind", kind);
    meta.put("config", config);
    meta.put("provenance", provenance);
    Map<String, Object> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      shapes.put(e.getKey(), e.getValue().shape());
    }
    meta.put("tensors", shapes);
    if (!float64.isEmpty()) {
      Map<String, Object> shapes64 = new LinkedHashMap<>();
      for (Map.Entry<String, Float64> e : float64.entrySet()) {
        shapes64.put(e.getKey(), e.getValue().shape);
      }
      meta.put("float64", shapes64);
    }
    ZipOutputStream zip = new ZipOutputStream(out);
    zip.putNextEntry(entry("model.json"));
    zip.write(Json.write(meta).getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      zip.putNextEntry(entry("tensors/" + e.getKey() + ".f32"));
      float[] d = e.getValue().buffer();
      ByteBuffer buf = ByteBuffer.allocate(d.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      buf.asFloatBuffer().put(d);
      zip.write(buf.array());
      zip.closeEntry();
    }
    for (Map.Entry<String, Float64> e : float64.entrySet()) {
      zip.putNextEntry(entry("tensors/" + e.getKey() + ".f64"));
      double[] d = e.getValue().values;
      ByteBuffer buf = ByteBuffer.allocate(d.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      buf.asDoubleBuffer().put(d);
      zip.write(buf.array());
      zip.closeEntry();
    }
    zip.finish();
  }

  /**
   * Reads a model file, trusting nothing in it: sizes are checked against the declared shapes and the heap before
   * anything is inflated, shapes against overflow, JSON against deep nesting, and values must be finite (see
   * {@link ModelFileReader}).
   *
   * @throws IOException whose message is one line naming the file and the problem
   */
  public static ModelFile read(Path path) throws IOException {
    java.util.Objects.requireNonNull(path, "path");
    return new ModelFileReader(path, ModelFileReader.heapHeadroom()).read();
  }

  /**
   * Reads a model file whose tensors may declare at most {@code maxTensorBytes} bytes in all.
   *
   * @throws IOException whose message is one line naming the file and the problem
   */
  public static ModelFile read(Path path, long maxTensorBytes) throws IOException {
    java.util.Objects.requireNonNull(path, "path");
    return new ModelFileReader(path, maxTensorBytes).read();
  }

  /**
   * Reads a model file from its bytes, as {@link #toBytes} gives them, with every check {@link #read(Path)} makes.
   *
   * @param name what error messages call the source (a path or URI)
   * @throws IOException whose message is one line naming the source and the problem
   */
  public static ModelFile fromBytes(byte[] bytes, String name) throws IOException {
    // The reader needs random access to the zip's directory: a private temporary file gives it.
    Path tmp = Files.createTempFile("marginal-", ".marginal");
    try {
      Files.write(tmp, bytes);
      return read(tmp);
    } catch (IOException e) {
      throw new IOException(String.valueOf(e.getMessage()).replace(tmp.toString(), name), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Names of the tensors, in file order. */
  public List<String> tensorNames() {
    return new ArrayList<>(tensors.keySet());
  }
}
