package dev.marginal.cli;

import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.plot.ImageGrid;
import dev.marginal.plot.ScatterPlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@link SamplePlotter} of this build, drawn with {@code dev.marginal.plot}: images (data with an image shape,
 * or 784 columns read as 28×28) as a grid of up to {@value #MAX_IMAGES}; anything else as a scatter plot of its
 * first two columns. Registered in {@code META-INF/services/dev.marginal.cli.SamplePlotter}.
 */
public final class PlotSamplePlotter implements SamplePlotter {
  /** Most images drawn in a grid. */
  static final int MAX_IMAGES = 64;
  /** Columns of a Fashion-MNIST or MNIST image, and its side. */
  static final int MNIST_PIXELS = 784;
  static final int MNIST_SIDE = 28;

  /** The picture's title: "64 samples of the lvm model" (an article that reads right before every kind). */
  static String title(int rows, String kind) {
    return title(rows, "samples", kind);
  }

  /** The picture's title for rows of another kind: "64 sample means of the lvm model". */
  static String title(int rows, String what, String kind) {
    return rows + " " + what + " of the " + kind + " model";
  }

  /** The public no-argument constructor {@link java.util.ServiceLoader} needs. */
  public PlotSamplePlotter() {}

  @Override
  public void plot(Dataset samples, DensityModel model, Path png) throws IOException {
    plot(samples, model, png, "samples");
  }

  @Override
  public void plot(Dataset samples, DensityModel model, Path png, String what) throws IOException {
    Optional<Dataset.ImageShape> shape = imageShape(samples);
    String title = title(samples.rows(), what, model.kind());
    if (shape.isPresent()) {
      int n = Math.min(MAX_IMAGES, samples.rows());
      if (n == 0) {
        throw new IllegalArgumentException("--png: no " + what + " to draw");
      }
      float[][] images = new float[n][];
      for (int i = 0; i < n; i++) {
        images[i] = samples.row(i);
      }
      String shown = n < samples.rows() ? " (first " + n + ")" : "";
      ImageGrid.of(images, shape.get().height(), shape.get().width()).withTitle(title + shown).writePng(png);
      return;
    }
    if (samples.cols() < 2) {
      throw new IllegalArgumentException("--png draws points of at least 2 columns or images; "
          + "the samples have " + samples.cols() + " column");
    }
    String suffix = samples.cols() > 2 ? " (first two of " + samples.cols() + " columns)" : "";
    ScatterPlot.of(column(samples, 0), column(samples, 1))
        .withTitle(title + suffix).withAxisLabels(samples.columns().get(0), samples.columns().get(1))
        .writePng(png);
  }

  @Override
  public Optional<String> cannotDraw(DensityModel model) {
    if (model.dim() < 2) {
      return Optional.of("--png draws points of at least 2 columns or images; the model has " + model.dim()
          + " column");
    }
    return Optional.empty();
  }

  private static float[] column(Dataset d, int j) {
    float[] c = new float[d.rows()];
    for (int i = 0; i < c.length; i++) {
      c[i] = d.get(i, j);
    }
    return c;
  }

  private static Optional<Dataset.ImageShape> imageShape(Dataset d) {
    if (d.imageShape().isPresent()) {
      return d.imageShape();
    }
    return d.cols() == MNIST_PIXELS ? Optional.of(new Dataset.ImageShape(MNIST_SIDE, MNIST_SIDE)) : Optional.empty();
  }
}
