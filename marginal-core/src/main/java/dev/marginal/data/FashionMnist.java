package dev.marginal.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017): 28×28 grey-scale images of clothing in 10 classes, 60,000 for
 * training and 10,000 for testing, read from the files of the Debian package {@code dataset-fashion-mnist}
 * ({@code /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz} and so on).
 *
 * <p>The directory can be changed with the system property {@value #DIR_PROPERTY} or, failing that, the
 * environment variable {@value #DIR_ENV}. Plain (not gzipped) copies of the files are accepted too.
 */
public final class FashionMnist {
  /** Where the Debian package installs the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  /** System property naming another directory. */
  public static final String DIR_PROPERTY = "marginal.fashion-mnist.dir";
  /** Environment variable naming another directory (the system property wins). */
  public static final String DIR_ENV = "MARGINAL_FASHION_MNIST_DIR";
  /** Image height and width in pixels. */
  public static final int SIDE = 28;
  /** Class names, indexed by label. */
  public static final List<String> CLASS_NAMES =
      List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** The two published splits and the prefix of their file names. */
  public enum Split {
    TRAIN("train"),
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
      this.filePrefix = filePrefix;
    }

    /**
     * The split named {@code train} or {@code test}.
     *
     * @throws DataException naming the valid splits otherwise
     */
    public static Split parse(String name) {
      for (Split s : values()) {
        if (s.name().equalsIgnoreCase(name)) {
          return s;
        }
      }
      throw new DataException("fashion-mnist: unknown split '" + name + "' (expected train or test)");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private FashionMnist() {}

  /** Loads a split ({@code train} or {@code test}) from {@link #directory()}. */
  public static Dataset load(String split) {
    return load(Split.parse(split));
  }

  /** Loads a split from {@link #directory()}. */
  public static Dataset load(Split split) {
    return load(split, directory());
  }

  /**
   * Loads a split from {@code dir}: {@code [n, 784]} intensities in [0, 1], labels 0..9, image shape 28×28,
   * source {@code fashion-mnist:train} or {@code fashion-mnist:test}.
   *
   * @throws DataException saying how to install the package if the files are missing
   */
  public static Dataset load(Split split, Path dir) {
    return load(split, dir, Integer.MAX_VALUE);
  }

  /**
   * Loads the first {@code limit} images of a split from {@code dir}, decoding no further (see
   * {@link #load(Split, Path)}).
   */
  public static Dataset load(Split split, Path dir, int limit) {
    Path images = find(dir, split.filePrefix + "-images-idx3-ubyte");
    Path labels = find(dir, split.filePrefix + "-labels-idx1-ubyte");
    Dataset data = IdxReader.read(images, labels, limit).withSource("fashion-mnist:" + split);
    if (data.imageShape().orElseThrow().height() != SIDE || data.imageShape().orElseThrow().width() != SIDE) {
      throw new DataException(images + ": expected " + SIDE + "x" + SIDE + " images");
    }
    return data;
  }

  /** The directory to read: the system property, else the environment variable, else {@link #DEFAULT_DIR}. */
  public static Path directory() {
    String dir = System.getProperty(DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(DIR_ENV);
    }
    return dir == null || dir.isBlank() ? DEFAULT_DIR : Path.of(dir);
  }

  /** {@code dir/base.gz}, else {@code dir/base}, else the "not found" error. */
  private static Path find(Path dir, String base) {
    for (Path p : List.of(dir.resolve(base + ".gz"), dir.resolve(base))) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataException("fashion-mnist: dataset not found in " + dir
        + " (install it with: apt-get install -y dataset-fashion-mnist)");
  }
}
