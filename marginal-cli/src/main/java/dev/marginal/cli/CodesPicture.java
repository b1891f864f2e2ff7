package dev.marginal.cli;

import dev.marginal.data.Dataset;
import dev.marginal.data.FashionMnist;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LatentDecoder;
import dev.marginal.plot.ScatterPlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code encode --png}: the posterior means {@code z0, z1} of the encoded rows as a scatter plot, one colour per label
 * where the data carry labels (Fashion-MNIST, with its class names; an IDX file with a labels file beside it) and
 * have at most {@link ScatterPlot#MAX_SETS} of them.
 */
final class CodesPicture {
  private CodesPicture() {}

  /** Why the codes of {@code model} cannot be drawn, if they cannot: asked before anything is encoded. */
  static Optional<String> cannotDraw(DensityModel model) {
    if (!(model instanceof LatentDecoder decoder)) {
      return Optional.of("--png draws latent codes (lvm and ppca models); a " + model.kind()
          + " model's encoding is its responsibilities");
    }
    if (decoder.latentDim() < 2) {
      return Optional.of("--png draws the latent coordinates z0 and z1; the model has " + decoder.latentDim()
          + " latent");
    }
    return Optional.empty();
  }

  /** Draws columns {@code z0, z1} of {@code codes}, the encodings of the rows of {@code data}, into {@code png}. */
  static void write(Dataset codes, Dataset data, String kind, Path png) throws IOException {
    float[] xs = DemoGrid.column(codes.values(), codes.cols(), codes.columns().indexOf("z0"));
    float[] ys = DemoGrid.column(codes.values(), codes.cols(), codes.columns().indexOf("z1"));
    Map<String, int[]> groups = groups(data);
    ScatterPlot plot = null;
    for (Map.Entry<String, int[]> g : groups.entrySet()) {
      int[] rows = g.getValue();
      float[] gx = new float[rows.length];
      float[] gy = new float[rows.length];
      for (int n = 0; n < rows.length; n++) {
        gx[n] = xs[rows[n]];
        gy[n] = ys[rows[n]];
      }
      plot = plot == null ? ScatterPlot.of(g.getKey(), gx, gy) : plot.withPoints(g.getKey(), gx, gy);
    }
    boolean byLabel = groups.size() > 1 || !groups.containsKey("");
    long latents = codes.columns().stream().filter(c -> c.matches("z[0-9]+")).count();
    plot.withTitle("posterior means" + (latents > 2 ? " (z0, z1 of " + latents + " latents)" : "") + " of "
        + rows(codes.rows()) + ", " + kind + " model" + (byLabel ? ", by label" : "")).withAxisLabels("z0", "z1")
        .writePng(png);
  }

  /** "1 row", "300 rows". */
  static String rows(int n) {
    return n + (n == 1 ? " row" : " rows");
  }

  /**
   * The rows of {@code data} in the picture's groups, by name in the order of their labels: one group per label
   * where the data carry at most {@link ScatterPlot#MAX_SETS} labels (Fashion-MNIST's named by their classes,
   * others "label N"), else all rows in one group named "".
   */
  static Map<String, int[]> groups(Dataset data) {
    int[] labels = data.hasLabels() ? data.labels() : new int[0];
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    for (int label : labels) {
      counts.merge(label, 1, Integer::sum);
    }
    Map<String, int[]> out = new LinkedHashMap<>();
    if (counts.isEmpty() || counts.size() > ScatterPlot.MAX_SETS) {
      int[] all = new int[data.rows()];
      Arrays.setAll(all, i -> i);
      out.put("", all);
      return out;
    }
    boolean fashion = data.source().startsWith("fashion-mnist:");
    for (Map.Entry<Integer, Integer> c : counts.entrySet()) {
      int label = c.getKey();
      int[] rows = new int[c.getValue()];
      for (int i = 0, n = 0; i < labels.length; i++) {
        if (labels[i] == label) {
          rows[n++] = i;
        }
      }
      String name = fashion && label >= 0 && label < FashionMnist.CLASS_NAMES.size()
          ? FashionMnist.CLASS_NAMES.get(label) : "label " + label;
      out.put(name, rows);
    }
    return out;
  }
}
