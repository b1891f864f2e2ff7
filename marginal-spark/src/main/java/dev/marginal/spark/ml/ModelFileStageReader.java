package dev.marginal.spark.ml;

import org.apache.spark.ml.util.DefaultParamsReader.Metadata;
import org.apache.spark.ml.util.MLReader;

/** Loads what {@link ModelFileStageWriter} saved: the parameters and the embedded model file. */
final class ModelFileStageReader extends MLReader<MarginalDensityModel> {
  @Override
  public MarginalDensityModel load(String path) {
    Metadata meta = SavedStageReader.requireSaved(sparkSession(), path, MarginalDensityModel.class);
    byte[] bytes = ModelFiles.read(sparkSession(), path + "/" + ModelFileStageWriter.MODEL_FILE);
    MarginalDensityModel model = new MarginalDensityModel(meta.uid(), bytes);
    return SavedStageReader.withSavedParams(path, MarginalDensityModel.class, () -> {
      meta.getAndSetParams(model, scala.Option.empty());
      return model;
    });
  }
}
