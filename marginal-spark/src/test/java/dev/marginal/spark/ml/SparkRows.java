package dev.marginal.spark.ml;

import dev.marginal.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** marginal data sets as Spark DataFrames, and results back by id. */
final class SparkRows {
  private SparkRows() {}

  /** Columns {@code id} (row index) and {@code features} (a vector), plus one double column per feature. */
  static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset data) {
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("features", SQLDataTypes.VectorType(), false);
    for (String c : data.columns()) {
      schema = schema.add(c, DataTypes.DoubleType, false);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < data.rows(); i++) {
      Object[] v = new Object[2 + data.cols()];
      double[] x = new double[data.cols()];
      for (int j = 0; j < x.length; j++) {
        x[j] = data.get(i, j);
        v[2 + j] = x[j];
      }
      v[0] = (long) i;
      v[1] = Vectors.dense(x);
      rows.add(RowFactory.create(v));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** Columns {@code id} (a long) and {@code features} (a vector), both nullable, holding {@code rows}. */
  static org.apache.spark.sql.Dataset<Row> vectors(SparkSession spark, Object[]... rows) {
    StructType schema = new StructType().add("id", DataTypes.LongType, true)
        .add("features", SQLDataTypes.VectorType(), true);
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(RowFactory.create(r));
    }
    return spark.createDataFrame(list, schema);
  }

  /** Column {@code column} (double) of {@code frame} indexed by the {@code id} column, for {@code n} ids. */
  static double[] byId(org.apache.spark.sql.Dataset<Row> frame, String column, int n) {
    double[] out = new double[n];
    java.util.Arrays.fill(out, Double.NaN);
    boolean[] seen = new boolean[n];
    for (Row r : frame.select("id", column).collectAsList()) {
      int id = (int) r.getLong(0);
      if (seen[id]) {
        throw new AssertionError("id " + id + " twice");
      }
      seen[id] = true;
      out[id] = r.getDouble(1);
    }
    for (int i = 0; i < n; i++) {
      if (!seen[i]) {
        throw new AssertionError("id " + i + " missing");
      }
    }
    return out;
  }
}
