package dev.marginal.cli;

import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Draws samples of a model as a PNG for {@code marginal sample --png}. An implementation is found with
 * {@link ServiceLoader}: it names itself in {@code META-INF/services/dev.marginal.cli.SamplePlotter}. Without one,
 * {@code --png} is refused before any work is done.
 */
public interface SamplePlotter {
  /**
   * Writes a picture of {@code samples} (images as a grid when they carry an image shape, points otherwise).
   *
   * @param samples draws with the model's column names
   * @param model the model they came from
   * @param png the file to write, atomically
   */
  void plot(Dataset samples, DensityModel model, Path png) throws IOException;

  /**
   * {@link #plot(Dataset, DensityModel, Path)} for rows that are not draws: {@code what} names them in the picture's
   * title ("samples", "sample means", "decoded codes"). This default ignores it.
   */
  default void plot(Dataset rows, DensityModel model, Path png, String what) throws IOException {
    plot(rows, model, png);
  }

  /**
   * Why the samples of {@code model} cannot be drawn, if they cannot: asked before any sampling, so that
   * {@code --png} is refused before anything is written.
   *
   * @param model the model to be sampled
   * @return the reason, or empty when this plotter can draw the model's samples
   */
  default Optional<String> cannotDraw(DensityModel model) {
    return Optional.empty();
  }

  /** The plotter on the class path, if any. */
  static Optional<SamplePlotter> find() {
    return ServiceLoader.load(SamplePlotter.class).findFirst();
  }
}
