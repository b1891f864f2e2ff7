package dev.marginal.density;

import dev.marginal.io.ModelFile;
import dev.marginal.io.Untrusted;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads model files as {@link DensityModel}s, whatever their kind, through a table of readers keyed by
 * {@link ModelFile#kind()}. A new model kind is supported by adding its {@code fromFile} to {@link #READERS}.
 */
public final class Models {
  /** Model kind → the reader that rebuilds the model from its file. */
  private static final Map<String, Function<ModelFile, DensityModel>> READERS = new LinkedHashMap<>();

  static {
    READERS.put(GmmDensityModel.KIND, GmmDensityModel::fromFile);
    READERS.put(PpcaDensityModel.KIND, PpcaDensityModel::fromFile);
    READERS.put(LvmDensityModel.KIND, LvmDensityModel::fromFile);
  }

  private Models() {}

  /** The kinds this build can read, in registration order. */
  public static Set<String> kinds() {
    return READERS.keySet();
  }

  /**
   * Reads the model at {@code path}.
   *
   * @throws IOException whose message is one line naming the file and the problem: missing, truncated or corrupt,
   *     of an unknown kind, or with inconsistent contents
   */
  public static DensityModel read(Path path) throws IOException {
    ModelFile file;
    try {
      file = ModelFile.read(path);
    } catch (RuntimeException e) {
      throw new IOException(path + ": corrupt model file (" + e.getMessage() + ")", e);
    }
    try {
      return fromFile(file);
    } catch (RuntimeException e) {
      throw new IOException(path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rebuilds a model from a file already read.
   *
   * @throws IllegalArgumentException if the kind is unknown or the contents are inconsistent
   */
  public static DensityModel fromFile(ModelFile file) {
    Function<ModelFile, DensityModel> reader = READERS.get(file.kind());
    if (reader == null) {
      throw new IllegalArgumentException("unknown model kind " + Untrusted.quoted(file.kind())
          + " (this build reads " + String.join(", ", READERS.keySet()) + ")");
    }
    try {
      return reader.apply(file);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid " + file.kind() + " model: " + e.getMessage(), e);
    }
  }
}
