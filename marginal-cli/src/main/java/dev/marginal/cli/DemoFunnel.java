package dev.marginal.cli;

import dev.marginal.api.SurrogateTraining;
import dev.marginal.plot.Box;
import dev.marginal.plot.DensityPlot;
import dev.marginal.plot.HtmlReport;
import dev.marginal.plot.LinePlot;
import dev.marginal.plot.PanelRow;
import dev.marginal.plot.ScatterPlot;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import dev.marginal.tensor.Tensor;
import dev.marginal.train.LvmTrainingOptions.Objective;
import dev.marginal.train.Progress;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.ReverseKlRun;
import dev.marginal.train.SurrogateMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Section 1 of the demo: two surrogates of the seed funnel trained by reverse KL from the same initialisation and
 * seed, one estimating log q(x) with SUMO (unbiased), one with IWAE K = 5 (biased low), then compared on the KL
 * (estimated both ways), cross-entropy, marginal W1 distances and the mass of the funnel's neck.
 */
final class DemoFunnel {
  static final String TARGET = "funnel";
  /** Adam step size of decoder and encoder. */
  static final double LEARNING_RATE = 1e-4;
  /** Surrogate samples drawn in the scatter plots. */
  static final int SHOWN_SAMPLES = 2_000;
  /** Cells per side of the target's heat map. */
  static final int TARGET_GRID = 200;
  private static final long SAMPLE_STREAM = 0x53414D50L;
  private static final List<Objective> OBJECTIVES = List.of(Objective.SUMO, Objective.IWAE);

  /**
   * One trained surrogate.
   *
   * @param last metrics of the final surrogate
   * @param samples {@link #SHOWN_SAMPLES} draws of the final surrogate, row-major {@code [n, 2]}
   */
  record Run(String label, ReverseKlOptions options, SurrogateTraining.Result result, SurrogateMetrics last,
      float[] samples, double seconds) {
    /** Whether {@link #last} is an evaluation of its own rather than the run's last one during training. */
    boolean finalEvaluatedAfresh() {
      return last != result.finalMetrics();
    }
  }

  /**
   * Both runs.
   *
   * @param metrics settings of the final evaluation
   * @param curveMetrics settings of the evaluations during training
   */
  record Outcome(Target target, SurrogateMetrics.Settings metrics, SurrogateMetrics.Settings curveMetrics,
      List<Run> runs) {
    /**
     * Every run's warnings, each prefixed with the run's label, then any from the final evaluations that are not
     * the run's last evaluation, already warned about.
     */
    List<String> warnings() {
      List<String> all = new ArrayList<>();
      for (Run r : runs) {
        r.result().warnings().forEach(w -> all.add(r.label() + ", " + w));
      }
      for (Run r : runs) {
        SurrogateMetrics m = r.last();
        if (r.finalEvaluatedAfresh() && klNegative(m)) {
          all.add(r.label() + ", final evaluation: a KL estimate is significantly below zero (IWAE-"
              + metrics.iwaeK() + " " + pm(m.klIwae(), m.klIwaeSe()) + ", SUMO " + pm(m.klSumo(), m.klSumoSe())
              + ")");
        }
      }
      return all;
    }

    /**
     * The evaluations, during training and final, with an IWAE or SUMO estimate of KL significantly below zero: one
     * per evaluation, however many of its estimates are (each of which {@link #warnings} lists).
     */
    int negativeEvaluations() {
      int n = 0;
      for (Run r : runs) {
        n += (int) r.result().evaluations().stream().filter(Outcome::klNegative).count();
        n += r.finalEvaluatedAfresh() && klNegative(r.last()) ? 1 : 0;
      }
      return n;
    }

    private static boolean klNegative(SurrogateMetrics m) {
      return m.klNegative(m.klIwae(), m.klIwaeSe()) || m.klNegative(m.klSumo(), m.klSumoSe());
    }
  }

  private DemoFunnel() {}

  /** Trains and evaluates both surrogates. */
  static Outcome run(DemoSettings s) {
    Target target = Targets.of(TARGET);
    ReverseKlOptions base = ReverseKlOptions.defaults().withLearningRates(LEARNING_RATE, LEARNING_RATE)
        .withSeed(s.seed()).withIterations(s.funnelSteps());
    List<Run> runs = new ArrayList<>();
    for (Objective objective : OBJECTIVES) {
      runs.add(train(target, base.withObjective(objective), s));
    }
    return new Outcome(target, s.funnelMetrics(), s.funnelCurveMetrics(), runs);
  }

  private static Run train(Target target, ReverseKlOptions o, DemoSettings s) {
    String label = label(o);
    long start = System.nanoTime();
    Progress progress = TerminalProgress.onTerminal("funnel, " + label, o.iterations(), s.quiet());
    long evalEvery = Math.max(1, o.iterations() / DemoSettings.FUNNEL_EVALUATIONS);
    // The surrogate returned is the one `marginal target` saves: the parameter average when the options average.
    SurrogateTraining.Result result = SurrogateTraining.train(target, o,
        SurrogateTraining.Control.none().withEvaluation(evalEvery, s.funnelCurveMetrics()).withProgress(progress));
    // Evaluated afresh: with the full settings, and also after a divergence, when the run stops without a final
    // evaluation (the model is then the last finite surrogate).
    boolean reuse = result.status() == ReverseKlRun.Status.COMPLETED
        && s.funnelCurveMetrics().equals(s.funnelMetrics());
    SurrogateMetrics last = reuse ? result.finalMetrics()
        : SurrogateMetrics.evaluate(result.model().model(), target, result.steps(), s.funnelMetrics(),
            RngKey.of(o.seed()).foldIn(SAMPLE_STREAM).foldIn(1));
    float[] samples = result.model().sample(RngKey.of(o.seed()).foldIn(SAMPLE_STREAM), SHOWN_SAMPLES).values();
    return new Run(label, o, result, last, samples, (System.nanoTime() - start) / 1e9);
  }

  static String label(ReverseKlOptions o) {
    return o.objective() == Objective.SUMO ? "SUMO (m=" + o.minTerms() + ")" : "IWAE (K=" + o.numSamples() + ")";
  }

  /** Headers of {@link #shownRows}. */
  static List<String> shownHeader(Outcome o) {
    return List.of("trained with", "KL(q‖p), IWAE-" + o.metrics().iwaeK() + " est.", "KL(q‖p), SUMO est.",
        "E_q[−log p(x)]", "W1 of x0", "W1 of x1", "P(x1 < −2)", "IWAE weights: mean ESS, max Pareto k̂");
  }

  /** The final metrics as text, one row per surrogate and one for the target itself. */
  static List<List<String>> shownRows(Outcome o) {
    List<List<String>> rows = new ArrayList<>();
    for (Run r : o.runs()) {
      SurrogateMetrics m = r.last();
      String status = r.result().status() == ReverseKlRun.Status.COMPLETED ? "" : " [" + r.result().status() + "]";
      rows.add(List.of(r.label() + status, pm(m.klIwae(), m.klIwaeSe()), pm(m.klSumo(), m.klSumoSe()),
          pm(m.crossEntropy(), m.crossEntropySe()), f3(w1(m, 0)), f3(w1(m, 1)), f4(m.hardMass()),
          weights(m)));
    }
    SurrogateMetrics any = o.runs().get(0).last();
    rows.add(List.of("target (exact)", "0", "0", f3(any.targetEntropy()) + " (entropy)", "0", "0",
        f4(any.targetHardMass()), "—"));
    return rows;
  }

  /** Mean ESS of the IWAE weights behind the KL estimate and their largest Pareto k̂, flagged above 0.7. */
  static String weights(SurrogateMetrics m) {
    var d = m.iwaeDiagnostics();
    return String.format(java.util.Locale.ROOT, "%.0f of %d, %.2f%s", d.meanEss(), d.numSamples(), d.maxK(),
        d.anyUnreliable() ? " (k̂ > 0.7: IWAE unreliable)" : "");
  }

  /** The final metrics as numbers. */
  static DemoTable summaryTable(Outcome o) {
    DemoTable t = DemoTable.empty("funnel", "run", "objective", "status", "steps", "seconds", "kl_iwae",
        "kl_iwae_se", "kl_sumo", "kl_sumo_se", "cross_entropy", "cross_entropy_se", "target_entropy", "w1_x0",
        "w1_x1", "neck_mass", "target_neck_mass", "warnings");
    for (Run r : o.runs()) {
      SurrogateMetrics m = r.last();
      t = t.add(r.label(), r.options().objective().id(), r.result().status().name().toLowerCase(Locale.ROOT),
          r.result().steps(), r.seconds(), m.klIwae(), m.klIwaeSe(), m.klSumo(), m.klSumoSe(), m.crossEntropy(),
          m.crossEntropySe(), m.targetEntropy(), w1(m, 0), w1(m, 1), m.hardMass(), m.targetHardMass(),
          r.result().warnings().size());
    }
    return t;
  }

  /** Every evaluation of both runs: the curves of the KL plot. */
  static DemoTable curveTable(Outcome o) {
    DemoTable t = DemoTable.empty("funnel-evaluations", "run", "step", "kl_iwae", "kl_iwae_se", "kl_sumo",
        "kl_sumo_se", "cross_entropy", "cross_entropy_se", "w1_x0", "w1_x1", "neck_mass");
    for (Run r : o.runs()) {
      for (SurrogateMetrics m : r.result().evaluations()) {
        t = t.add(r.label(), m.step(), m.klIwae(), m.klIwaeSe(), m.klSumo(), m.klSumoSe(), m.crossEntropy(),
            m.crossEntropySe(), w1(m, 0), w1(m, 1), m.hardMass());
      }
    }
    return t;
  }

  /** Writes the pictures and tables into {@code dir} and adds the section to {@code page}. */
  static HtmlReport report(Outcome o, DemoSettings s, Path dir, HtmlReport page) throws IOException {
    Box box = box(o.target());
    PanelRow.of(targetPanel(o.target(), box), samplePanel(o.runs().get(0), box), samplePanel(o.runs().get(1), box))
        .withTitle("Seed funnel: target and reverse-KL surrogates").withPanelSize(440, 320)
        .writePng(dir.resolve("funnel.png"));
    PanelRow.of(klPlot(o, o.runs().get(0)), klPlot(o, o.runs().get(1))).withPanelSize(560, 400)
        .withTitle("KL(q‖p) estimates during training").writePng(dir.resolve("funnel-kl.png"));
    summaryTable(o).write(dir);
    curveTable(o).write(dir);
    SurrogateMetrics.Settings ms = o.metrics();
    ReverseKlOptions opt = o.runs().get(0).options();
    page = page.section("1. Sampling from a funnel by reverse KL: SUMO vs IWAE")
        .paragraph("Target: the seed funnel, x1 ~ N(0, 1.35²) and x0 | x1 ~ N(0, e^(2·x1)), normalized, with "
            + "entropy 3.138 nats and mass 0.0692 in its neck x1 < −2. Two surrogates q(x) = ∫ q(x|z) p(z) dz "
            + "(latent " + opt.latentDim() + ", hidden " + java.util.Arrays.toString(opt.hidden()) + " "
            + opt.activation().id() + ") start from the same initialisation and seed and take " + opt.iterations()
            + " Adam steps (rate " + String.format(Locale.ROOT, "%.1g", opt.decoderLr()) + ", β2 " + opt.adamBeta2()
            + ", batch " + opt.batchSize() + ") on the reverse KL E_q[log q(x) − log p(x)]"
            + (opt.averaged() ? "; each surrogate shown is the moving average of its parameters (decay "
                + opt.averaging() + ")" : "")
            + ". log q(x) has no closed form, so training estimates it: one surrogate with "
            + "SUMO (unbiased), the other with IWAE K = " + opt.numSamples() + ", a lower bound. Where the bound "
            + "is loose the KL looks smaller than it is, and the sampler is rewarded for going there.")
        .image("funnel.png", "funnel target density and samples of both surrogates",
            "Left: target log density. Middle and right: " + SHOWN_SAMPLES + " samples of each final surrogate.")
        .table(shownHeader(o), shownRows(o))
        .paragraph("Final evaluation on " + ms.klSamples() + " fresh surrogate samples: KL(q‖p) with log q(x) "
            + "estimated by IWAE K = " + ms.iwaeK() + " (biased low) and by SUMO m = " + ms.sumoMinTerms()
            + " (unbiased), ± one standard error; E_q[−log p(x)], which equals the target's entropy only when "
            + "q = p; 1-Wasserstein distances between each marginal of " + ms.w1Samples() + " surrogate and "
            + "exact samples; and the surrogate's mass in the neck. The true KL of a normalized target is ≥ 0, "
            + "so an estimate significantly below zero shows the estimator's bias.")
        .image("funnel-kl.png", "KL estimates over training",
            "KL(q‖p) at each evaluation during training, log q(x) estimated with IWAE-" + o.curveMetrics().iwaeK()
                + " and with SUMO; each run on its own scale.")
        .paragraph(outcomeText(o));
    List<String> warnings = o.warnings();
    if (!warnings.isEmpty()) {
      page = page.paragraph("Warnings:");
      for (String w : warnings) {
        page = page.paragraph(w);
      }
    }
    return page.paragraph("Data: funnel.csv / funnel.json (final metrics), funnel-evaluations.csv / .json "
        + "(every evaluation).");
  }

  /** The paragraph under the KL curves: where each surrogate ends, and how many evaluations went below zero. */
  static String outcomeText(Outcome o) {
    StringBuilder sb = new StringBuilder("In this run, by the unbiased SUMO estimate: ");
    for (int i = 0; i < o.runs().size(); i++) {
      Run r = o.runs().get(i);
      sb.append(i == 0 ? "" : "; ").append("the ").append(r.label()).append(" surrogate ends at KL ")
          .append(pm(r.last().klSumo(), r.last().klSumoSe())).append(" nats with ")
          .append(f4(r.last().hardMass())).append(" of its mass in the neck");
      if (r.result().status() != ReverseKlRun.Status.COMPLETED) {
        sb.append(" (").append(r.result().message()).append(')');
      }
    }
    sb.append(". ");
    int n = o.negativeEvaluations();
    sb.append(n == 0 ? "No KL estimate went significantly below zero during either run."
        : n + (n == 1 ? " evaluation" : " evaluations") + " gave a KL estimate significantly below zero.");
    return sb.toString();
  }

  private static Box box(Target target) {
    double[] b = target.box();
    return new Box(b[0], b[1], b[2], b[3]);
  }

  private static DensityPlot targetPanel(Target target, Box box) {
    float[] xy = DemoGrid.centres(box, TARGET_GRID);
    double[] logP = target.logDensity(Tensor.wrap(xy, TARGET_GRID * TARGET_GRID, 2)).toDoubleArray();
    return DensityPlot.ofGrid(DemoGrid.toGrid(logP, TARGET_GRID), box)
        .withShading(DensityPlot.Shading.LOG_DENSITY).withTitle("target log density").withAxisLabels("x0", "x1");
  }

  private static ScatterPlot samplePanel(Run r, Box box) {
    return ScatterPlot.of(DemoGrid.column(r.samples(), 2, 0), DemoGrid.column(r.samples(), 2, 1)).withBox(box)
        .withEqualAspect(true).withTitle(r.label() + " surrogate").withAxisLabels("x0", "x1");
  }

  /** One run's KL estimates at each evaluation, on its own scale (a run that goes wrong can reach ±10⁶). */
  private static LinePlot klPlot(Outcome o, Run r) {
    List<SurrogateMetrics> evals = r.result().evaluations();
    double[] steps = new double[evals.size()];
    double[] iwae = new double[evals.size()];
    double[] sumo = new double[evals.size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = evals.get(i).step();
      iwae[i] = evals.get(i).klIwae();
      sumo[i] = evals.get(i).klSumo();
    }
    double lastStep = steps.length == 0 ? 1 : steps[steps.length - 1];
    return LinePlot.titled(r.label() + " surrogate").withAxisLabels("step", "KL (nats)")
        .withSeries("IWAE-" + o.curveMetrics().iwaeK() + " estimate", steps, iwae)
        .withSeries("SUMO estimate", steps, sumo)
        .withSeries("0 (true KL ≥ 0)", new double[] {0, lastStep}, new double[] {0, 0});
  }

  private static double w1(SurrogateMetrics m, int j) {
    return m.w1().length > j ? m.w1()[j] : Double.NaN;
  }

  /** {@code v ± se}, with fewer decimals as the numbers grow (a diverging run reaches ±10⁶). */
  static String pm(double v, double se) {
    double size = Math.max(Math.abs(v), Math.abs(se));
    String f = size < 100 ? "%.3f" : size < 10_000 ? "%.1f" : "%.0f";
    return String.format(Locale.ROOT, f + " ± " + f, v, se);
  }

  static String f3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String f4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
