package dev.marginal.spark.ml;

import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader.Metadata;
import org.apache.spark.ml.util.MLReader;

/** Loads what {@link ModelFileStageWriter} saved: the parameters and the embedded model file. */
final class ModelFileStageReader extends MLReader<MarginalDensityModel> {
  @Override
  public MarginalDensityModel load(String path) {
    SavedStageReader.requireSaved(sparkSession(), path, MarginalDensityModel.class);
    Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sc(), MarginalDensityModel.class.getName());
    byte[] bytes = ModelFiles.read(sparkSession(), path + "/" + ModelFileStageWriter.MODEL_FILE);
    MarginalDensityModel model = new MarginalDensityModel(meta.uid(), bytes);
    meta.getAndSetParams(model, scala.Option.empty());
    return model;
  }
}
