package dev.marginal.data;

import dev.marginal.random.RngKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns what a command-line user writes for "the data" into a {@link Dataset}.
 *
 * <pre>
 *   data.csv, data.csv.gz          CSV file with a header row, plain or gzipped (CsvReader)
 *   images.idx, x.gz, x-ubyte      IDX file, plain or gzipped (IdxReader): images [n, h, w], rows [n, columns]
 *                                  or one column [n]; a sibling labels file
 *                                  (the name with "images" → "labels", "idx3" → "idx1") is attached if present
 *   fashion-mnist:train            Fashion-MNIST from its Debian package (also fashion-mnist:test)
 *   toy:moons?n=2000&amp;seed=3        a toy generator (ToyData.NAMES); options n (default 2000), seed (default 0)
 * </pre>
 *
 * Anything else is a {@link DataException} that lists these forms.
 */
public final class DataSources {
  /** Default number of points of a toy dataset. */
  public static final int DEFAULT_TOY_ROWS = 2000;
  /** Default seed of a toy dataset. */
  public static final long DEFAULT_TOY_SEED = 0;

  private static final String TOY = "toy:";
  private static final String FASHION_MNIST = "fashion-mnist:";
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");
  private static final Pattern IDX_NAME = Pattern.compile(".*(\\.gz|-ubyte|\\.idx\\d?)");

  private DataSources() {}

  /** Loads every column of the data named by {@code spec}. */
  public static Dataset load(String spec) {
    return load(spec, List.of());
  }

  /**
   * Loads the data named by {@code spec}, keeping the named columns (all when {@code columns} is empty).
   *
   * @throws DataException if the spec, the file or a column name is wrong
   */
  public static Dataset load(String spec, List<String> columns) {
    return load(spec, columns, Integer.MAX_VALUE);
  }

  /**
   * Loads the first {@code limit} rows of the data named by {@code spec}, keeping the named columns. Files are read
   * no further than those rows (generated data is generated whole and then cut).
   *
   * @param limit the most rows to keep, at least 1
   * @throws DataException if the spec, the file or a column name is wrong
   */
  public static Dataset load(String spec, List<String> columns, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    Dataset data = loadUpTo(spec, columns, limit);
    if (data.rows() == 0) {
      throw new DataException(data.source() + ": no data rows");
    }
    return data.rows() > limit ? data.head(limit) : data;
  }

  /**
   * The column names of the data named by {@code spec}, in order, reading no more than it takes to know them: a CSV
   * file's header row (no data row is read, so columns that are not numbers do not matter), the first row of IDX
   * files and of Fashion-MNIST ({@code px0 ..}), {@link ToyData#COLUMNS} for toy data (not generated). With them a
   * caller can check which of the columns it wants are there before {@link #load(String, List, int)} reads them.
   *
   * @throws DataException if the spec or the file is wrong, or IDX data hold no image, as {@link #load(String)}
   *     would
   */
  public static List<String> columns(String spec) {
    String s = stripped(spec);
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith(TOY)) {
      toySpec(s);
      return ToyData.COLUMNS;
    }
    if (isCsv(lower)) {
      return CsvReader.header(Path.of(s));
    }
    return load(s, List.of(), 1).columns();
  }

  private static String stripped(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new DataException("no data source given (expected " + forms() + ")");
    }
    return spec.strip();
  }

  private static Dataset loadUpTo(String spec, List<String> columns, int limit) {
    String s = stripped(spec);
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith(TOY)) {
      return keep(toySpec(s).generate(), columns);
    }
    if (lower.startsWith(FASHION_MNIST)) {
      return keep(FashionMnist.load(FashionMnist.Split.parse(s.substring(FASHION_MNIST.length())),
          FashionMnist.directory(), limit), columns);
    }
    if (isCsv(lower)) {
      return CsvReader.read(Path.of(s), columns, limit);
    }
    if (IDX_NAME.matcher(lower).matches()) {
      return keep(idx(Path.of(s), limit), columns);
    }
    if (!SCHEME.matcher(s).matches() && isDirectory(s)) {
      throw new DataException(s + ": is a directory");
    }
    String what = SCHEME.matcher(s).matches() ? "unknown data source" : "unknown kind of file";
    throw new DataException(s + ": " + what + " (expected " + forms() + ")");
  }

  /** Whether a lower-cased spec names a CSV file: {@code .csv}, or {@code .csv.gz} for a gzipped one. */
  private static boolean isCsv(String lower) {
    return lower.endsWith(".csv") || lower.endsWith(".csv.gz");
  }

  private static boolean isDirectory(String s) {
    try {
      return Files.isDirectory(Path.of(s));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  /**
   * The files that {@link #load(String, List)} reads for {@code spec}: the CSV file, or the IDX images file and its
   * labels file when one lies beside it; none for generated data ({@code toy:}) and for Fashion-MNIST (read from
   * its package directory). The spec is not checked here.
   */
  public static List<Path> files(String spec) {
    if (spec == null || spec.isBlank()) {
      return List.of();
    }
    String s = spec.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith(TOY) || lower.startsWith(FASHION_MNIST)) {
      return List.of();
    }
    try {
      if (isCsv(lower)) {
        return List.of(Path.of(s));
      }
      if (IDX_NAME.matcher(lower).matches()) {
        Path images = Path.of(s);
        Path labels = labelsBeside(images);
        return labels == null ? List.of(images) : List.of(images, labels);
      }
    } catch (java.nio.file.InvalidPathException e) {
      return List.of();
    }
    return List.of();
  }

  /** A toy dataset's generator, size and seed, as {@code toy:NAME[?n=N&seed=S]} gives them. */
  private record ToySpec(String name, int n, long seed) {
    /** The dataset; its source is the spec with every option spelled out. */
    Dataset generate() {
      return ToyData.generate(name, n, RngKey.of(seed));
    }
  }

  /** Parses {@code toy:NAME[?n=N&seed=S]}, checking the name and the options. */
  private static ToySpec toySpec(String spec) {
    String rest = spec.substring(TOY.length());
    int q = rest.indexOf('?');
    String name = q < 0 ? rest : rest.substring(0, q);
    int n = DEFAULT_TOY_ROWS;
    long seed = DEFAULT_TOY_SEED;
    if (q >= 0 && q + 1 < rest.length()) {
      java.util.Set<String> given = new java.util.HashSet<>();
      for (String option : rest.substring(q + 1).split("&", -1)) {
        int eq = option.indexOf('=');
        String key = eq < 0 ? option : option.substring(0, eq);
        String value = eq < 0 ? "" : option.substring(eq + 1);
        if (!given.add(key) && (key.equals("n") || key.equals("seed"))) {
          throw new DataException(spec + ": " + key + " given twice");
        }
        switch (key) {
          case "n" -> n = parseRows(spec, value);
          case "seed" -> seed = parseSeed(spec, value);
          default -> throw new DataException(
              spec + ": unknown option '" + key + "' (expected n=ROWS or seed=SEED)");
        }
      }
    }
    if (!ToyData.NAMES.contains(name)) {
      throw new DataException(
          TOY + name + ": unknown toy dataset (expected one of " + String.join(", ", ToyData.NAMES) + ")");
    }
    return new ToySpec(name, n, seed);
  }

  private static int parseRows(String spec, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new DataException(spec + ": n must be an integer from 1 to " + Integer.MAX_VALUE + ", got '" + value + "'");
  }

  private static long parseSeed(String spec, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new DataException(spec + ": seed must be an integer, got '" + value + "'", e);
    }
  }

  /** An IDX data file (images, or 2-D or 1-D data), with its labels file attached when one lies beside it. */
  private static Dataset idx(Path images, int limit) {
    Path labels = labelsBeside(images);
    return labels != null ? IdxReader.read(images, labels, limit) : IdxReader.readData(images, limit);
  }

  /** The labels file beside an images file ("images" → "labels", "idx3" → "idx1"), or null if there is none. */
  private static Path labelsBeside(Path images) {
    String file = images.getFileName().toString();
    String labelsFile = file.replace("images", "labels").replace("idx3", "idx1");
    Path labels = images.resolveSibling(labelsFile);
    return !labelsFile.equals(file) && Files.isRegularFile(labels) ? labels : null;
  }

  private static Dataset keep(Dataset data, List<String> columns) {
    return columns.isEmpty() ? data : data.select(columns.toArray(String[]::new));
  }

  private static String forms() {
    return "a .csv or .csv.gz file, an IDX file (.idx, .gz, -ubyte), fashion-mnist:train|test, or toy:NAME[?n=N&seed=S]"
        + " with NAME one of " + String.join(", ", ToyData.NAMES);
  }
}
