package dev.marginal.spark.ml;

import dev.marginal.spark.SparkDataShards;
import dev.marginal.spark.SparkRowChunks;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/** The training rows of an estimator: ids, features and column names, turned into chunks. */
final class TrainingRows {
  private TrainingRows() {}

  /**
   * The feature dimension: the number of input columns, or the length of the first row's features that are not null
   * (a null is refused when the rows are read).
   *
   * @throws IllegalArgumentException if a column is missing or of the wrong type, or there are no features
   */
  static int dim(Dataset<?> df, String idCol, String featuresCol, String[] inputCols) {
    if (inputCols.length > 0) {
      return inputCols.length;
    }
    RowFeatures.locate(df.schema(), idCol, featuresCol, inputCols, 0);
    List<Row> first = df.toDF().select(featuresCol).where(functions.col(featuresCol).isNotNull()).limit(1)
        .collectAsList();
    if (first.isEmpty()) {
      throw new IllegalArgumentException("no rows to fit");
    }
    Object v = first.get(0).get(0);
    if (v instanceof org.apache.spark.mllib.linalg.Vector old) {
      return old.size();
    }
    return v instanceof Vector ? ((Vector) v).size() : first.get(0).getList(0).size();
  }

  /** Column names: the input columns, or x0, x1, ... for a features column. */
  static List<String> columns(String[] inputCols, int dim) {
    List<String> names = new ArrayList<>();
    for (int j = 0; j < dim; j++) {
      names.add(inputCols.length > 0 ? inputCols[j] : "x" + j);
    }
    return names;
  }

  /** The rows as chunks ordered by id, in as many partitions as {@code df} has. */
  static SparkRowChunks chunks(Dataset<?> df, String idCol, String featuresCol, String[] inputCols, int dim) {
    RowFeatures features = RowFeatures.locate(df.schema(), idCol, featuresCol, inputCols, dim);
    JavaPairRDD<Long, float[]> rows = df.toDF().javaRDD().mapToPair(r -> {
      float[] x = new float[dim];
      features.read(r, x, 0);
      return new Tuple2<>(features.id(r), x);
    });
    return SparkRowChunks.of(rows, dim, Math.max(1, df.rdd().getNumPartitions()));
  }

  /** The rows in {@code shards} logical shards by id rank, in as many partitions as {@code df} has. */
  static SparkDataShards shards(Dataset<?> df, String idCol, String featuresCol, String[] inputCols, int dim,
      int shards) {
    return SparkDataShards.of(pairs(df, idCol, featuresCol, inputCols, dim), dim, shards,
        Math.max(1, df.rdd().getNumPartitions()));
  }

  private static JavaPairRDD<Long, float[]> pairs(Dataset<?> df, String idCol, String featuresCol,
      String[] inputCols, int dim) {
    RowFeatures features = RowFeatures.locate(df.schema(), idCol, featuresCol, inputCols, dim);
    return df.toDF().javaRDD().mapToPair(r -> {
      float[] x = new float[dim];
      features.read(r, x, 0);
      return new Tuple2<>(features.id(r), x);
    });
  }
}
