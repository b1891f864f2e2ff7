package dev.marginal.spark.ml;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.IntegerType;

/**
 * Where a row's id and features are: one vector or numeric-array column, or several numeric columns. Values become
 * float32, as marginal's data sets hold them.
 */
final class RowFeatures implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int idIndex;
  private final String idName;
  /** The vector or array column, or −1 when {@link #columns} are used. */
  private final int vectorIndex;
  private final int[] columns;
  private final int dim;

  private RowFeatures(int idIndex, String idName, int vectorIndex, int[] columns, int dim) {
    this.idIndex = idIndex;
    this.idName = idName;
    this.vectorIndex = vectorIndex;
    this.columns = columns;
    this.dim = dim;
  }

  /**
   * Locates the columns in {@code schema}, checking their types.
   *
   * @param inputCols numeric columns in model order; when empty, {@code featuresCol} (a vector or an array of
   *     numbers) holds the features
   * @param dim the model's dimension
   */
  static RowFeatures locate(StructType schema, String idCol, String featuresCol, String[] inputCols, int dim) {
    int id = index(schema, idCol, "idCol");
    DataType idType = schema.fields()[id].dataType();
    if (!(idType instanceof LongType || idType instanceof IntegerType)) {
      throw new IllegalArgumentException("id column '" + idCol + "' must be a long or an int, got "
          + idType.simpleString());
    }
    if (inputCols.length > 0) {
      if (inputCols.length != dim) {
        throw new IllegalArgumentException(inputCols.length + " input columns for a " + dim + "-D model");
      }
      int[] cols = new int[dim];
      for (int j = 0; j < dim; j++) {
        cols[j] = index(schema, inputCols[j], "inputCols");
        if (!(schema.fields()[cols[j]].dataType() instanceof NumericType)) {
          throw new IllegalArgumentException("input column '" + inputCols[j] + "' is not numeric");
        }
      }
      return new RowFeatures(id, idCol, -1, cols, dim);
    }
    int v = index(schema, featuresCol, "featuresCol");
    DataType t = schema.fields()[v].dataType();
    boolean ok = t.typeName().equals("vector")
        || t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType;
    if (!ok) {
      throw new IllegalArgumentException("features column '" + featuresCol + "' must be a vector or an array of"
          + " numbers, got " + t.simpleString());
    }
    return new RowFeatures(id, idCol, v, new int[0], dim);
  }

  private static int index(StructType schema, String name, String param) {
    for (int i = 0; i < schema.fields().length; i++) {
      if (schema.fields()[i].name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(param + ": no column '" + name + "' (columns: "
        + String.join(", ", schema.fieldNames()) + ")");
  }

  /** The row's id, ≥ 0. */
  long id(Row row) {
    if (row.isNullAt(idIndex)) {
      throw new IllegalArgumentException("id column '" + idName + "' has a null");
    }
    long id = ((Number) row.get(idIndex)).longValue();
    if (id < 0) {
      throw new IllegalArgumentException("id column '" + idName + "' has a negative id " + id);
    }
    return id;
  }

  /**
   * Copies the row's features into {@code out[off .. off+dim)}.
   *
   * @throws IllegalArgumentException naming the row's id if a feature is null, not finite (as a float32) or missing
   */
  void read(Row row, float[] out, int off) {
    if (vectorIndex < 0) {
      for (int j = 0; j < dim; j++) {
        out[off + j] = number(row, columns[j], row.get(columns[j]));
        finite(row, out[off + j], "column '" + row.schema().fields()[columns[j]].name() + "'");
      }
      return;
    }
    Object v = row.get(vectorIndex);
    if (v instanceof org.apache.spark.mllib.linalg.Vector old) { // the RDD-based API's vectors, also type "vector"
      v = old.asML();
    }
    if (v instanceof Vector) {
      Vector vec = (Vector) v;
      checkLength(row, vec.size());
      for (int j = 0; j < dim; j++) {
        out[off + j] = (float) vec.apply(j);
        finite(row, out[off + j], "feature " + j + " of column '" + row.schema().fields()[vectorIndex].name() + "'");
      }
    } else {
      if (v == null) {
        throw new IllegalArgumentException("row " + id(row) + ": the features are null");
      }
      List<Object> list = row.getList(vectorIndex);
      checkLength(row, list.size());
      for (int j = 0; j < dim; j++) {
        out[off + j] = number(row, vectorIndex, list.get(j));
        finite(row, out[off + j], "feature " + j + " of column '" + row.schema().fields()[vectorIndex].name() + "'");
      }
    }
  }

  private void finite(Row row, float v, String where) {
    if (!Float.isFinite(v)) {
      throw new IllegalArgumentException("row " + id(row) + ": " + where + " is " + v
          + (Float.isInfinite(v) ? " (or beyond the float32 range)" : "") + "; features must be finite");
    }
  }

  private void checkLength(Row row, int n) {
    if (n != dim) {
      throw new IllegalArgumentException("row " + id(row) + " has " + n + " features, the model " + dim);
    }
  }

  private float number(Row row, int column, Object v) {
    if (v == null) {
      throw new IllegalArgumentException("row " + id(row) + ": null in column " + row.schema().fields()[column].name());
    }
    return ((Number) v).floatValue();
  }
}
