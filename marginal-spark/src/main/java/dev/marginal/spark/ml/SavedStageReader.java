package dev.marginal.spark.ml;

import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader.Metadata;
import org.apache.spark.sql.SparkSession;

/**
 * Spark ML's reader of a stage saved with its parameters only, refusing first a path that holds no saved stage
 * with one line naming it (Spark's own reader fails there with Hadoop's "Input path does not exist" and a stack).
 *
 * @param <T> the stage's class
 */
final class SavedStageReader<T> extends DefaultParamsReader<T> {
  private final Class<T> stage;

  SavedStageReader(Class<T> stage) {
    this.stage = stage;
  }

  @Override
  public T load(String path) {
    requireSaved(sparkSession(), path, stage);
    return super.load(path);
  }

  /**
   * Refuses {@code path} unless it holds a saved Spark ML stage (its {@code metadata/}) of class {@code stage}.
   *
   * @return the saved stage's metadata
   * @throws IllegalArgumentException "no saved STAGE at PATH" if nothing is there, "PATH holds a CLASS, not a
   *     STAGE" if it holds a stage of another class, or a one-line refusal naming the path if it holds something
   *     else
   */
  static Metadata requireSaved(SparkSession spark, String path, Class<?> stage) {
    String name = stage.getSimpleName();
    if (!ModelFiles.exists(spark, path)) {
      throw new IllegalArgumentException("no saved " + name + " at " + path);
    }
    if (!ModelFiles.exists(spark, path + "/metadata")) {
      throw new IllegalArgumentException(path + " is not a saved " + name + " (it has no metadata/)"
          + (stage == MarginalDensityModel.class ? "; a model file loads with MarginalDensityModel.fromFile" : ""));
    }
    // Spark's own reader would build the class the metadata names and fail casting it, or finding its constructor.
    Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, spark.sparkContext(), "");
    if (!stage.getName().equals(meta.className())) {
      throw new IllegalArgumentException(path + " holds a " + meta.className() + ", not a " + name);
    }
    return meta;
  }
}
