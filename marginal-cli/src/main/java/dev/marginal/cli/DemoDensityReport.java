package dev.marginal.cli;

import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.DensityModel.Estimator;
import dev.marginal.estimators.BidirectionalMonteCarlo;
import dev.marginal.math.MeanEstimate;
import dev.marginal.density.DensityModel.ScoreOptions;
import dev.marginal.plot.Box;
import dev.marginal.plot.DensityPlot;
import dev.marginal.plot.HtmlReport;
import dev.marginal.plot.LinePlot;
import dev.marginal.plot.Panel;
import dev.marginal.plot.PanelRow;
import dev.marginal.plot.ScatterPlot;
import dev.marginal.random.RngKey;
import dev.marginal.train.LvmTrainingOptions.Objective;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Pictures, tables and page sections 2 and 3 of the demo, from a {@link DemoDensity.Outcome}. */
final class DemoDensityReport {
  /** Model samples drawn over each heat map. */
  static final int SHOWN_SAMPLES = 500;
  /** Cells per side of the heat maps of models with an exact density. */
  static final int EXACT_GRID = 150;
  private static final int PANEL_WIDTH = 420;
  private static final int PANEL_HEIGHT = 360;
  private static final long PICTURE_STREAM = 0x50494354L;
  /** The region shown for each data set: all of its points with a margin. */
  private static final Map<String, Box> BOXES = Map.of(
      "moons", new Box(-4, 4, -2.5, 3), "8gaussians", Box.centred(4.5));

  private DemoDensityReport() {}

  /** Writes the pictures and tables into {@code dir} and adds sections 2 and 3 to {@code page}. */
  static HtmlReport report(DemoDensity.Outcome o, DemoSettings s, Path dir, HtmlReport page) throws IOException {
    heldOutTable(o).write(dir);
    boundTable(o).write(dir);
    DemoDensity.DataResult first = o.data().get(0);
    page = page.section("2. Density estimation on two toy data sets")
        .paragraph("Each model is fitted to " + first.train().rows() + " points of a toy data set (generator seed "
            + DemoDensity.TRAIN_DATA_SEED + ") and scored on " + first.heldOut().rows() + " independent held-out "
            + "points (seed " + DemoDensity.HELD_OUT_DATA_SEED + "). The GMM is the best of "
            + DemoDensity.GMM_RESTARTS + " EM runs from k-means++ starts. The deep LVMs (latent " + DemoDensity.LVM_LATENT
            + ", hidden " + java.util.Arrays.toString(DemoDensity.LVM_HIDDEN) + " tanh, Gaussian decoder; on "
            + "8gaussians, whose blobs share one noise, its variance is one parameter per coordinate shared by "
            + "every z) start "
            + "from the same weights and take " + s.lvmSteps() + " Adam steps on minibatches of "
            + DemoDensity.LVM_BATCH + " points (K = " + DemoDensity.LVM_K + " samples per point for ELBO and IWAE; "
            + "step size " + DemoDensity.LVM_LR + " decayed by a cosine to "
            + Math.round(100 * DemoDensity.LVM_LR_FLOOR) + "% of it; "
            + "gradient norm clipped at " + DemoDensity.LVM_CLIP_NORM + "); only the objective differs. Values are "
            + "held-out mean log p(x) in nats per point (higher is better) ± one standard error over the held-out "
            + "points. GMM and PPCA are exact; a deep LVM has no exact log p(x), so it is estimated with IWAE K = "
            + o.score().numSamples() + ", a lower bound (section 3 shows how loose).")
        .table(shownHeader(o), shownRows(o))
        .paragraph(comparison(o));
    for (DemoDensity.DataResult d : o.data()) {
      page = page.image(pictures(d, s, dir, true), d.name() + ": data, GMM and PPCA",
              d.name() + ": training data; exact log densities of the GMM and PPCA with " + SHOWN_SAMPLES
                  + " samples of each (red).")
          .image(pictures(d, s, dir, false), d.name() + ": deep LVMs",
              d.name() + ": log densities of the deep LVMs, estimated with IWAE K = " + s.lvmGridK() + " on a "
                  + s.lvmGrid() + "×" + s.lvmGrid() + " grid, with " + SHOWN_SAMPLES + " samples of each (red).");
    }
    page = page.paragraph("Data: density.csv / density.json.");
    boundPlot(o).writePng(dir.resolve("iwae-bound.png"));
    return page.section("3. The IWAE bound tightens with K")
        .paragraph("IWAE_K is a lower bound on log p(x) that rises towards it as K grows (Burda et al. 2016). "
            + "Held-out " + DemoDensity.BOUND_DATASET + " points, the deep LVM trained with IWAE; every K uses the "
            + "same random key. SUMO (last row) is an unbiased estimate of log p(x) itself, with more variance.")
        .table(List.of("estimator", "held-out mean log p(x) (nats)"), boundRows(o))
        .image("iwae-bound.png", "IWAE bound against K", "Mean IWAE_K bound on held-out "
            + DemoDensity.BOUND_DATASET + " against log10 K, with the SUMO estimate for reference.")
        .paragraph("Bounds from both sides (bidirectional Monte Carlo; Grosse et al. 2015, Wu et al. 2017): "
            + o.bdmc().points() + " points simulated from the same LVM, so the latent that made each one is an "
            + "exact posterior sample. Annealed importance sampling with HMC, " + o.bdmcSteps() + " steps, from "
            + "the encoder to the posterior gives a stochastic lower bound on their mean log p(x); run in reverse "
            + "from the true latent it gives a stochastic upper bound. The true value lies between them, so the "
            + "gap says how far IWAE and SUMO can be from it on this model.")
        .table(List.of("estimator", "mean log p(x) of the simulated points (nats)"), bdmcRows(o))
        .paragraph("Data: iwae-bound.csv / iwae-bound.json, bdmc in summary.json.");
  }

  /**
   * A sentence comparing the IWAE-trained deep LVM with the GMM on the same held-out points, from
   * {@link #pairedComparisons}.
   */
  static String comparison(DemoDensity.Outcome o) {
    return "The deep LVM trained with IWAE against the GMM, point by point on the same held-out data (mean of "
        + "LVM − GMM ± its standard error; positive means the LVM is better, though its IWAE score is a lower "
        + "bound): " + String.join("; ", pairedComparisons(o)) + ".";
  }

  /**
   * Per data set, "name +0.012 ± 0.009": the mean over held-out points of log p(x) under the IWAE-trained deep LVM
   * minus log p(x) under the GMM, ± the standard error of that mean. Pairing the two scores point by point removes
   * the spread of the points themselves, so the difference is known far better than either score alone.
   */
  static List<String> pairedComparisons(DemoDensity.Outcome o) {
    List<String> out = new ArrayList<>();
    for (DemoDensity.DataResult d : o.data()) {
      MeanEstimate diff = MeanEstimate.ofDifferences(d.lvm(Objective.IWAE).heldOut().value(),
          d.gmm().heldOut().value());
      out.add(String.format(java.util.Locale.ROOT, "%s %+.3f ± %.3f", d.name(), diff.mean(), diff.stdErr()));
    }
    return out;
  }

  /** Header of {@link #shownRows}: the model, then one column per data set. */
  static List<String> shownHeader(DemoDensity.Outcome o) {
    List<String> h = new ArrayList<>(List.of("model"));
    o.data().forEach(d -> h.add(d.name()));
    h.add("scored by");
    return h;
  }

  static List<List<String>> shownRows(DemoDensity.Outcome o) {
    List<List<String>> rows = new ArrayList<>();
    List<DemoDensity.Fitted> models = o.data().get(0).models();
    for (int i = 0; i < models.size(); i++) {
      List<String> row = new ArrayList<>(List.of(models.get(i).label()));
      for (DemoDensity.DataResult d : o.data()) {
        DemoDensity.Fitted f = d.models().get(i);
        row.add(DemoFunnel.pm(f.meanLogLikelihood(), f.standardError()));
      }
      row.add(models.get(i).heldOut().estimator());
      rows.add(row);
    }
    return rows;
  }

  static List<List<String>> boundRows(DemoDensity.Outcome o) {
    List<List<String>> rows = new ArrayList<>();
    for (DemoDensity.Bound b : o.bounds()) {
      String name = b.estimator().equals("iwae") ? "IWAE, K = " + b.k() : "SUMO, m = " + b.k();
      rows.add(List.of(name, DemoFunnel.pm(b.mean(), b.standardError())));
    }
    return rows;
  }

  /** Forward AIS, IWAE, SUMO and reverse AIS on the simulated points, lowest bound first. */
  static List<List<String>> bdmcRows(DemoDensity.Outcome o) {
    BidirectionalMonteCarlo.Report b = o.bdmc();
    return List.of(
        List.of("forward AIS (stochastic lower bound)", DemoFunnel.pm(b.aisLower(), b.aisLowerSe())),
        List.of("IWAE, K = " + b.iwaeK(), DemoFunnel.pm(b.iwae(), b.iwaeSe())),
        List.of("SUMO (unbiased)", DemoFunnel.pm(b.sumo(), b.sumoSe())),
        List.of("reverse AIS from the true latent (stochastic upper bound)",
            DemoFunnel.pm(b.aisUpper(), b.aisUpperSe())));
  }

  static DemoTable heldOutTable(DemoDensity.Outcome o) {
    DemoTable t = DemoTable.empty("density", "dataset", "model", "estimator", "train_rows", "held_out_rows",
        "mean_log_likelihood", "std_err", "seconds");
    for (DemoDensity.DataResult d : o.data()) {
      for (DemoDensity.Fitted f : d.models()) {
        t = t.add(d.name(), f.label(), f.heldOut().estimator(), d.train().rows(), d.heldOut().rows(),
            f.meanLogLikelihood(), f.standardError(), f.seconds());
      }
    }
    return t;
  }

  static DemoTable boundTable(DemoDensity.Outcome o) {
    DemoTable t = DemoTable.empty("iwae-bound", "estimator", "k_or_min_terms", "mean_log_likelihood", "std_err");
    for (DemoDensity.Bound b : o.bounds()) {
      t = t.add(b.estimator(), b.k(), b.mean(), b.standardError());
    }
    return t;
  }

  /** Writes one row of heat maps for {@code d} and returns its file name. */
  private static String pictures(DemoDensity.DataResult d, DemoSettings s, Path dir, boolean exact)
      throws IOException {
    Box box = BOXES.get(d.name());
    RngKey key = RngKey.of(s.seed()).foldIn(PICTURE_STREAM).foldIn(d.name().hashCode());
    List<Panel> panels = new ArrayList<>();
    if (exact) {
      panels.add(ScatterPlot.of(x(d.train()), y(d.train())).withBox(box).withEqualAspect(true)
          .withTitle("training data").withAxisLabels("x0", "x1"));
    }
    for (DemoDensity.Fitted f : d.models()) {
      if ((f.lvmObjective() == null) == exact) {
        panels.add(densityPanel(f, box, s, key));
      }
    }
    String file = d.name() + (exact ? "-exact.png" : "-lvm.png");
    PanelRow.of(panels).withPanelSize(PANEL_WIDTH, PANEL_HEIGHT)
        .withTitle(d.name() + (exact ? ": models with an exact density" : ": deep LVMs, density estimated"))
        .writePng(dir.resolve(file));
    return file;
  }

  private static DensityPlot densityPanel(DemoDensity.Fitted f, Box box, DemoSettings s, RngKey key) {
    boolean exact = f.lvmObjective() == null;
    int cells = exact ? EXACT_GRID : s.lvmGrid();
    ScoreOptions options = exact ? ScoreOptions.exact() : new ScoreOptions(Estimator.IWAE, s.lvmGridK(), 1, 1);
    DensityModel m = f.model();
    Dataset grid = Dataset.of("grid", m.columns(), DemoGrid.centres(box, cells));
    double[] logP = m.logDensity(grid, options, key.foldIn(0)).value();
    Dataset samples = m.sample(key.foldIn(1), SHOWN_SAMPLES);
    String title = exact ? f.label().replaceAll(" \\(.*", "") : f.label().replace("deep LVM, ", "LVM ");
    return DensityPlot.ofGrid(DemoGrid.toGrid(logP, cells), box).withSamples(x(samples), y(samples))
        .withShading(DensityPlot.Shading.LOG_DENSITY)
        .withTitle(title).withAxisLabels("x0", "x1");
  }

  private static LinePlot boundPlot(DemoDensity.Outcome o) {
    List<DemoDensity.Bound> iwae = o.bounds().stream().filter(b -> b.estimator().equals("iwae")).toList();
    double[] logK = new double[iwae.size()];
    double[] mean = new double[iwae.size()];
    for (int i = 0; i < logK.length; i++) {
      logK[i] = Math.log10(iwae.get(i).k());
      mean[i] = iwae.get(i).mean();
    }
    LinePlot plot = LinePlot.titled("IWAE bound on held-out " + DemoDensity.BOUND_DATASET)
        .withAxisLabels("log10 K", "mean log p(x) (nats)").withSeries("IWAE_K bound", logK, mean);
    for (DemoDensity.Bound b : o.bounds()) {
      if (b.estimator().equals("sumo")) {
        plot = plot.withSeries("SUMO estimate (m = " + b.k() + ")", new double[] {logK[0], logK[logK.length - 1]},
            new double[] {b.mean(), b.mean()});
      }
    }
    return plot;
  }

  private static float[] x(Dataset d) {
    return DemoGrid.column(d.values(), d.cols(), 0);
  }

  private static float[] y(Dataset d) {
    return DemoGrid.column(d.values(), d.cols(), 1);
  }
}
