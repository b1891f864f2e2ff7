package dev.marginal.spark;

import dev.marginal.density.DensityModel;
import dev.marginal.density.Models;
import dev.marginal.io.ModelFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;

/**
 * Models broadcast as the bytes of their model file, decoded once per executor JVM and application (tasks of the
 * same job share the decoded model; a model is immutable, so sharing it across task threads is safe).
 */
public final class ModelCache {
  /** How many decoded models a JVM keeps. */
  static final int CAPACITY = 8;

  private static final Map<String, DensityModel> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, DensityModel> eldest) {
      return size() > CAPACITY;
    }
  };

  private ModelCache() {}

  /** The model whose file bytes {@code bytes} holds. */
  public static DensityModel get(Broadcast<byte[]> bytes) {
    // Broadcast ids start again from 0 in every SparkContext, and a JVM may see several (a local-mode driver that
    // stops and starts sessions): the application id keeps one context's model from answering for another's.
    String key = applicationId() + "/" + bytes.id();
    synchronized (CACHE) {
      DensityModel m = CACHE.get(key);
      if (m == null) {
        m = decode(bytes.value(), "broadcast model " + bytes.id());
        CACHE.put(key, m);
      }
      return m;
    }
  }

  private static String applicationId() {
    SparkEnv env = SparkEnv.get();
    return env == null ? "" : env.conf().get("spark.app.id", "");
  }

  /** A model from the bytes of its file; {@code name} is what error messages call it. */
  public static DensityModel decode(byte[] bytes, String name) {
    try {
      return Models.fromFile(ModelFile.fromBytes(bytes, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
