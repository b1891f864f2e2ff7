package dev.marginal.spark.ml;

import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLWriter;

/**
 * Saves a stage that holds a marginal model as Spark ML does ({@code metadata/}, the stage's parameters) plus the
 * ordinary model file at {@value #MODEL_FILE}, which {@code marginal score --model PATH/data/model.marginal} reads.
 */
final class ModelFileStageWriter extends MLWriter {
  /** Where the model file lies inside a saved stage. */
  static final String MODEL_FILE = "data/model.marginal";

  private final Params stage;
  private final byte[] modelBytes;

  ModelFileStageWriter(Params stage, byte[] modelBytes) {
    this.stage = stage;
    this.modelBytes = modelBytes;
  }

  @Override
  public void saveImpl(String path) {
    DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, sc(), scala.Option.empty(), scala.Option.empty());
    ModelFiles.write(sparkSession(), path + "/" + MODEL_FILE, modelBytes);
  }
}
