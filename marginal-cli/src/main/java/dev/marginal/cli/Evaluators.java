package dev.marginal.cli;

import dev.marginal.density.LvmDensityModel;
import dev.marginal.estimators.Ais;
import dev.marginal.estimators.BidirectionalMonteCarlo;
import dev.marginal.estimators.Sumo;
import dev.marginal.random.RngKey;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.PpcaDensityModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code marginal eval} reports for each model kind, and which estimator {@code marginal score} uses by
 * default. Models with an exact density report their exact mean log-likelihood; a new kind is one more entry in
 * {@link #EVALUATORS}.
 */
final class Evaluators {
  /** Evaluates a model on data. */
  @FunctionalInterface
  interface Evaluator {
    /** The report, in print order. */
    Map<String, Object> evaluate(DensityModel model, Dataset data, Settings settings);
  }

  /**
   * Settings of an evaluation.
   *
   * @param numSamples K for the test log-likelihood of models without an exact one
   * @param seed root seed of the estimators
   * @param bdmcPoints points simulated from a deep LVM for bidirectional Monte Carlo (0: none)
   * @param aisSteps the AIS intermediate distributions of bidirectional Monte Carlo and of {@code aisOnData}
   * @param aisOnData whether a deep LVM also reports forward AIS on the data, beside IWAE
   */
  record Settings(int numSamples, long seed, int bdmcPoints, int aisSteps, boolean aisOnData) {
    Settings(int numSamples, long seed) {
      this(numSamples, seed, 0, BidirectionalMonteCarlo.DEFAULT_STEPS, false);
    }
  }

  /** The K of the bounds a deep LVM reports (Burda et al. 2016, SCIENCE.md §6). */
  static final List<Integer> LVM_BOUND_K = List.of(1, 5, 50, 500, 5000);

  /** Kinds whose log density is exact. */
  private static final Set<String> EXACT = Set.of(GmmDensityModel.KIND, PpcaDensityModel.KIND);

  private static final Map<String, Evaluator> EVALUATORS = new LinkedHashMap<>();

  static {
    EVALUATORS.put(GmmDensityModel.KIND, Evaluators::exact);
    EVALUATORS.put(PpcaDensityModel.KIND, Evaluators::exact);
    EVALUATORS.put("lvm", Evaluators::lvm);
  }

  private Evaluators() {}

  /** The evaluator of {@code kind}. */
  static Evaluator forKind(String kind) {
    Evaluator e = EVALUATORS.get(kind);
    if (e == null) {
      throw new UserInputException("eval: no evaluation for " + kind + " models in this build");
    }
    return e;
  }

  /** EXACT for models with an exact density, IWAE otherwise. */
  static DensityModel.Estimator defaultEstimator(String kind) {
    return EXACT.contains(kind) ? DensityModel.Estimator.EXACT : DensityModel.Estimator.IWAE;
  }

  /** The exact mean log-likelihood (1/n) Σ log p(x_i), its negative, and its standard error over rows. */
  static Map<String, Object> exact(DensityModel model, Dataset data, Settings settings) {
    DensityModel.LogDensity lp = model.logDensity(data, DensityModel.ScoreOptions.exact(), null);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("kind", model.kind());
    r.put("rows", data.rows());
    r.put("mean_log_likelihood", lp.mean());
    r.put("nll", -lp.mean());
    r.put("std_err", ScoreCommand.standardErrorOfMean(lp.value()));
    return r;
  }

  /**
   * The deep LVM report: test NLL with K = {@code settings.numSamples()} (5000 by default), the ELBO and the IWAE
   * bounds for each K in {@link #LVM_BOUND_K}, and the active units (Var_x(E_q[z_d | x]) > 0.01). The estimators
   * plug in here.
   */
  static Map<String, Object> lvm(DensityModel model, Dataset data, Settings settings) {
    LvmDensityModel lvm = (LvmDensityModel) model;
    RngKey key = RngKey.of(settings.seed());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("kind", model.kind());
    r.put("rows", data.rows());
    List<DensityModel.ScoreOptions> options = new ArrayList<>();
    options.add(new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, settings.numSamples(), 1, 1));
    options.add(new DensityModel.ScoreOptions(DensityModel.Estimator.ELBO, 1, 1, 1));
    for (int k : LVM_BOUND_K) {
      if (k != settings.numSamples()) {
        options.add(new DensityModel.ScoreOptions(DensityModel.Estimator.IWAE, k, 1, 1));
      }
    }
    // One call, so that a per-datapoint model fits its posteriors once for all the estimators.
    List<DensityModel.LogDensity> scores = model.logDensities(data, options, key);
    DensityModel.LogDensity nll = scores.get(0);
    r.put("nll", -nll.mean());
    r.put("nll_estimator", nll.estimator());
    r.put("std_err", ScoreCommand.standardErrorOfMean(nll.value()));
    if (nll.diagnostics() != null) {
      r.putAll(nll.diagnosticsSummary().toMap("nll_"));
    }
    r.put("elbo", scores.get(1).mean());
    int next = 2;
    for (int k : LVM_BOUND_K) {
      r.put("iwae_" + k, k == settings.numSamples() ? nll.mean() : scores.get(next++).mean());
    }
    double[] activity = lvm.latentActivity(data);
    int active = 0;
    for (double a : activity) {
      if (a > ACTIVE_UNIT_THRESHOLD) {
        active++;
      }
    }
    r.put("active_units", active);
    r.put("latent_dim", activity.length);
    if (settings.aisOnData()) {
      DensityModel.LogDensity ais = lvm.aisLogDensity(data, Ais.of(settings.aisSteps()), key);
      r.put("ais_" + settings.aisSteps(), ais.mean());
      r.put("nll_ais", -ais.mean());
    }
    if (settings.bdmcPoints() > 0) {
      r.putAll(lvm.bidirectionalMonteCarlo(settings.bdmcPoints(), Ais.of(settings.aisSteps()),
          settings.numSamples(), Sumo.DEFAULT_MIN_TERMS, key.foldIn(BDMC_STREAM)).toMap());
    }
    return r;
  }

  /** The key stream of the bidirectional Monte Carlo simulation. */
  static final long BDMC_STREAM = 77;

  /** A latent unit is active when Var_x(E_q[z_d | x]) exceeds this (Burda et al. 2016). */
  static final double ACTIVE_UNIT_THRESHOLD = 0.01;

}
