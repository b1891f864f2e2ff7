package dev.marginal.data;

import dev.marginal.config.ParameterException;
import dev.marginal.io.Untrusted;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A table of float values, row-major {@code [rows, cols]}, with column names, optional integer labels, a
 * description of where it came from, and an optional image shape for image data.
 *
 * <p>Immutable by convention: methods never modify a dataset, and {@link #values()} hands out the backing array
 * without a copy, so callers must not write to it. Derived datasets ({@link #head}, {@link #select},
 * {@link #subset}, {@link #split}) copy what they keep and carry the source description unchanged.
 *
 * <p>The rows of a CSV file, read in order, know their lines, so that a problem found in a row later is reported
 * as the reader reports one, {@code data.csv:7} ({@link #where}); a dataset whose rows are not the file's lines in
 * order ({@link #subset}, {@link #split}, another source) reports the row instead.
 */
public final class Dataset {
  /** An image's height and width in pixels; a row holds {@code height * width} pixels, row by row. */
  public record ImageShape(int height, int width) {
    /** Validates that both sides are positive. */
    public ImageShape {
      if (height < 1 || width < 1) {
        throw new IllegalArgumentException("image shape must be positive, got " + height + "x" + width);
      }
    }
  }

  /** A split into a training and a validation part. */
  public record Split(Dataset train, Dataset validation) {}

  /** Most values one Java array holds (a few below {@code Integer.MAX_VALUE}, as the JVM reserves). */
  static final long MAX_VALUES = Shape.MAX_ARRAY_LENGTH;
  private final float[] values;
  private final int rows;
  private final List<String> columns;
  private final int[] labels;
  private final String source;
  private final ImageShape imageShape;
  /** The line of the source text that holds row 0, the others following it; 0 when rows are not lines. */
  private final int firstLine;

  private Dataset(
      String source, List<String> columns, float[] values, int[] labels, ImageShape imageShape) {
    this(source, columns, values, labels, imageShape, 0);
  }

  private Dataset(String source, List<String> columns, float[] values, int[] labels, ImageShape imageShape,
      int firstLine) {
    this.source = Objects.requireNonNull(source, "source");
    this.columns = List.copyOf(columns);
    this.values = Objects.requireNonNull(values, "values");
    int cols = this.columns.size();
    if (cols == 0) {
      throw new IllegalArgumentException(source + ": a dataset needs at least one column");
    }
    if (values.length % cols != 0) {
      throw new IllegalArgumentException(
          source + ": " + values.length + " values do not fill rows of " + cols + " columns");
    }
    this.rows = values.length / cols;
    if (labels != null && labels.length != rows) {
      throw new IllegalArgumentException(
          source + ": " + labels.length + " labels for " + rows + " rows");
    }
    if (imageShape != null && imageShape.height() * imageShape.width() != cols) {
      throw new IllegalArgumentException(
          source + ": image shape " + imageShape.height() + "x" + imageShape.width()
              + " does not match " + cols + " columns");
    }
    checkUnique(source, this.columns);
    this.labels = labels;
    this.imageShape = imageShape;
    this.firstLine = firstLine;
  }

  /**
   * A dataset without labels. The array is kept, not copied.
   *
   * @param source where the data came from, e.g. {@code data.csv} or {@code toy:moons?n=2000&seed=0}
   * @param columns column names, unique, at least one
   * @param values row-major {@code [rows, columns.size()]}
   */
  public static Dataset of(String source, List<String> columns, float[] values) {
    return new Dataset(source, columns, values, null, null);
  }

  /**
   * A dataset of the rows {@code rows[i]} (copied), with columns named {@code x0, x1, ...} and source
   * {@code "float[n][d]"}.
   *
   * @param rows {@code [n][d]}, n >= 1 (row 0 gives the number of columns; for no rows of known columns use
   *     {@link #of} with no values), every row of the same length d >= 1
   * @throws dev.marginal.config.ParameterException for no rows, and ragged or empty rows
   * @throws NullPointerException naming {@code rows} or the null row
   */
  public static Dataset ofRows(float[][] rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.length == 0) {
      throw ParameterException.of("rows", "must hold at least one row, which gives the number of columns");
    }
    int d = Objects.requireNonNull(rows[0], "rows[0]").length;
    if (d == 0) {
      throw ParameterException.of("rows", "must have at least one column");
    }
    float[] values = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      if (Objects.requireNonNull(rows[i], "rows[" + i + "]").length != d) {
        throw ParameterException.of("rows", "row " + i + " has " + rows[i].length + " values, row 0 has " + d);
      }
      System.arraycopy(rows[i], 0, values, i * d, d);
    }
    List<String> names = new java.util.ArrayList<>();
    for (int j = 0; j < d; j++) {
      names.add("x" + j);
    }
    return of("float[" + rows.length + "][" + d + "]", names, values);
  }

  /** The rows as {@code float[rows()][cols()]} (a copy). */
  public float[][] toRows() {
    float[][] out = new float[rows()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = row(i);
    }
    return out;
  }

  /** This dataset with integer labels, one per row (the array is kept, not copied). */
  public Dataset withLabels(int[] labels) {
    return new Dataset(source, columns, values, Objects.requireNonNull(labels, "labels"), imageShape, firstLine);
  }

  /** This dataset marked as images of {@code height x width} pixels; {@code cols()} must equal their product. */
  public Dataset withImageShape(int height, int width) {
    return new Dataset(source, columns, values, labels, new ImageShape(height, width), firstLine);
  }

  /** This dataset with row {@code i} on line {@code firstLine + i} of its source text (a CSV file's reader). */
  Dataset withFirstLine(int firstLine) {
    return new Dataset(source, columns, values, labels, imageShape, firstLine);
  }

  /**
   * This dataset with another source description (the values are shared, not copied); its rows no longer name lines
   * of a file ({@link #where}).
   */
  public Dataset withSource(String source) {
    return new Dataset(source, columns, values, labels, imageShape);
  }

  /**
   * This dataset with its columns under other names, one for each, in order (the values are shared, not copied;
   * labels, source and image shape are kept). A model takes a dataset's columns by position, so this maps columns of
   * other names onto a model's: {@code data.withColumns(model.columns())}.
   *
   * @param names unique, as many as {@link #cols()}
   * @throws IllegalArgumentException if their number differs
   * @throws DataException if a name repeats
   */
  public Dataset withColumns(List<String> names) {
    if (names.size() != columns.size()) {
      throw new IllegalArgumentException(
          source + ": " + names.size() + " column names for a dataset of " + columns.size() + " columns");
    }
    return new Dataset(source, names, values, labels, imageShape, firstLine);
  }

  /** This dataset with other values of the same shape (names, labels, source and image shape are kept). */
  public Dataset withValues(float[] newValues) {
    if (newValues.length != values.length) {
      throw new IllegalArgumentException(
          source + ": " + newValues.length + " values for a dataset of " + values.length);
    }
    return new Dataset(source, columns, newValues, labels, imageShape, firstLine);
  }

  /** Number of rows (data points). */
  public int rows() {
    return rows;
  }

  /** Number of columns (dimensions). */
  public int cols() {
    return columns.size();
  }

  /** Column names, in order. */
  public List<String> columns() {
    return columns;
  }

  /** Where the data came from, for error messages and run metadata. */
  public String source() {
    return source;
  }

  /**
   * Where row {@code i} (from 0) came from, to begin a one-line message: {@code data.csv:7} (file:line, the header
   * being line 1) when the rows are a CSV file's lines in order, as the reader names a bad line, else
   * {@code SOURCE: row 6} (from 1).
   */
  public String where(int i) {
    Objects.checkIndex(i, rows);
    return firstLine > 0 ? source + ":" + ((long) firstLine + i) : source + ": row " + (i + 1L);
  }

  /** The image shape, if these rows are images. */
  public Optional<ImageShape> imageShape() {
    return Optional.ofNullable(imageShape);
  }

  /** Whether the rows carry integer labels. */
  public boolean hasLabels() {
    return labels != null;
  }

  /**
   * A copy of the labels, one per row.
   *
   * @throws IllegalStateException if the dataset has no labels
   */
  public int[] labels() {
    if (labels == null) {
      throw new IllegalStateException(source + ": the dataset has no labels");
    }
    return labels.clone();
  }

  /** Value at row {@code i}, column {@code j}. */
  public float get(int i, int j) {
    Objects.checkIndex(i, rows);
    Objects.checkIndex(j, cols());
    return values[i * cols() + j];
  }

  /** A copy of row {@code i}, length {@code cols()}. */
  public float[] row(int i) {
    Objects.checkIndex(i, rows);
    return Arrays.copyOfRange(values, i * cols(), (i + 1) * cols());
  }

  /**
   * The backing array, row-major {@code [rows, cols]}, without a copy. Callers must not modify it: other
   * datasets and models may share it.
   */
  public float[] values() {
    return values;
  }

  /** The first {@code min(n, rows)} rows (what the command line's {@code --limit} keeps). */
  public Dataset head(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("head needs n >= 0, got " + n);
    }
    int keep = Math.min(n, rows);
    int[] idx = new int[keep];
    Arrays.setAll(idx, i -> i);
    Dataset first = subset(idx);
    return firstLine > 0 ? first.withFirstLine(firstLine) : first;
  }

  /**
   * The given rows, in the given order (repeats allowed), with their labels.
   *
   * @param indices row indices, each in {@code [0, rows)}
   * @throws ParameterException naming {@code indices}, the position and the range for an index outside it
   *     ("indices[3] = 1000 is outside 0..499"), or for more rows than one array of {@link #cols()} columns holds
   */
  public Dataset subset(int[] indices) {
    Objects.requireNonNull(indices, "indices");
    int cols = cols();
    if ((long) indices.length * cols > MAX_VALUES) {
      throw ParameterException.about(List.of("indices"), indices.length + " rows of " + cols + " columns would "
          + "need an array of more than the " + MAX_VALUES + " values one array holds");
    }
    float[] out = new float[indices.length * cols];
    int[] outLabels = labels == null ? null : new int[indices.length];
    for (int r = 0; r < indices.length; r++) {
      int i = indices[r];
      if (i < 0 || i >= rows) {
        throw ParameterException.about(List.of("indices"), "indices[" + r + "] = " + i + " is outside "
            + (rows == 0 ? "the rows of " + source + ", which has none" : "0.." + (rows - 1)));
      }
      System.arraycopy(values, i * cols, out, r * cols, cols);
      if (outLabels != null) {
        outLabels[r] = labels[i];
      }
    }
    return new Dataset(source, columns, out, outLabels, imageShape);
  }

  /**
   * The named columns, in the given order. The image shape is dropped unless every column is kept in order.
   *
   * @throws DataException naming the available columns if a name is unknown
   */
  public Dataset select(String... names) {
    if (names.length == 0) {
      throw new DataException(source + ": select needs at least one column");
    }
    int[] picked = columnIndices(names);
    int cols = cols();
    float[] out = new float[rows * picked.length];
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < picked.length; c++) {
        out[i * picked.length + c] = values[i * cols + picked[c]];
      }
    }
    boolean identity = picked.length == cols && isIdentity(picked);
    return new Dataset(source, List.of(names), out, labels, identity ? imageShape : null, firstLine);
  }

  /**
   * Splits rows at random into a training part of {@code round(fraction * rows)} rows and a validation part of
   * the rest. Each part keeps the original row order; the same key always gives the same split.
   *
   * @param fraction share of rows for training, in [0, 1]
   */
  public Split split(double fraction, RngKey key) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("split fraction must be in [0, 1], got " + fraction);
    }
    int nTrain = (int) Math.round(fraction * rows);
    int[] perm = Batches.permutation(rows, key);
    int[] train = Arrays.copyOfRange(perm, 0, nTrain);
    int[] validation = Arrays.copyOfRange(perm, nTrain, rows);
    Arrays.sort(train);
    Arrays.sort(validation);
    return new Split(subset(train), subset(validation));
  }

  /** Indices of the named columns, or a {@link DataException} naming the available ones. */
  int[] columnIndices(String... names) {
    Map<String, Integer> index = new HashMap<>();
    for (int j = 0; j < columns.size(); j++) {
      index.put(columns.get(j), j);
    }
    int[] picked = new int[names.length];
    for (int c = 0; c < names.length; c++) {
      Integer j = index.get(names[c]);
      if (j == null) {
        throw new DataException(
            source + ": no column '" + names[c] + "' (columns: " + describe(columns) + ")");
      }
      picked[c] = j;
    }
    return picked;
  }

  /** Column names for a message: all of them, or the first few and the last when there are many. */
  static String describe(List<String> names) {
    final int shown = 8;
    if (names.size() <= shown + 2) {
      return String.join(", ", names.stream().map(Untrusted::shown).toList());
    }
    List<String> parts = new ArrayList<>(names.subList(0, shown).stream().map(Untrusted::shown).toList());
    parts.add("...");
    parts.add(Untrusted.shown(names.get(names.size() - 1)));
    return String.join(", ", parts) + "; " + names.size() + " in all";
  }

  private static boolean isIdentity(int[] picked) {
    for (int c = 0; c < picked.length; c++) {
      if (picked[c] != c) {
        return false;
      }
    }
    return true;
  }

  private static void checkUnique(String source, List<String> columns) {
    Map<String, Integer> seen = new HashMap<>();
    for (String c : columns) {
      if (seen.put(Objects.requireNonNull(c, "column name"), 0) != null) {
        throw new DataException(source + ": duplicate column " + Untrusted.quoted(c));
      }
    }
  }

  @Override
  public String toString() {
    return "Dataset[" + source + ", " + rows + " x " + cols() + (labels != null ? ", labelled" : "") + "]";
  }
}
