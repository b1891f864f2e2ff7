package dev.marginal.api;

import dev.marginal.config.ParameterException;
import dev.marginal.config.WorkProgress;
import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.estimators.Ais;
import dev.marginal.estimators.BidirectionalMonteCarlo;
import dev.marginal.estimators.DiagnosticsSummary;
import dev.marginal.estimators.Sumo;
import dev.marginal.math.MeanEstimate;
import dev.marginal.random.RngKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The evaluation protocol of Burda et al. (2016, "Importance weighted autoencoders"), for any fitted model.
 * Models with an exact density report their exact mean log-likelihood. A deep LVM reports the test NLL as
 * −IWAE_K with K = {@code numSamples} (5000 by default), the ELBO, the IWAE bounds for K in {@link #BOUND_K}, and
 * its active units: latent dimensions d with Var_x(E_q[z_d | x]) > {@value #ACTIVE_UNIT_THRESHOLD}. Every mean
 * (log-likelihood, ELBO, each IWAE_K, AIS) comes with its standard error over rows ({@link MeanEstimate}; see
 * {@link Report}).
 *
 * <pre>{@code
 * Evaluation.Report r = Evaluation.evaluate(model, test, Evaluation.Settings.defaults());
 * double nll = r.nll().mean(), se = r.nll().stdErr();
 * MeanEstimate iwae50 = r.iwaeEstimates().get(50); // iwae50.mean() ± iwae50.stdErr()
 * }</pre>
 */
public final class Evaluation {
  /** The K of the bounds a deep LVM reports (Burda et al. 2016). */
  public static final List<Integer> BOUND_K = List.of(1, 5, 50, 500, 5000);
  /** A latent unit is active when Var_x(E_q[z_d | x]) exceeds this (Burda et al. 2016). */
  public static final double ACTIVE_UNIT_THRESHOLD = 0.01;
  /** K of the test log-likelihood by default. */
  public static final int DEFAULT_K = 5000;

  private Evaluation() {}

  /** The key stream of the bidirectional Monte Carlo simulation. */
  static final long BDMC_STREAM = 77;

  /**
   * Settings of an evaluation.
   *
   * @param numSamples K of the test log-likelihood of models without an exact one, >= 1
   * @param seed root seed of the estimators
   * @param bdmcPoints points simulated from a deep LVM for bidirectional Monte Carlo (0: none)
   * @param aisSteps the AIS intermediate distributions of bidirectional Monte Carlo and of {@code aisOnData}
   * @param aisOnData whether a deep LVM also reports forward AIS on the data, beside IWAE
   */
  public record Settings(int numSamples, long seed, int bdmcPoints, int aisSteps, boolean aisOnData) {
    public Settings {
      ParameterException.atLeast("numSamples", numSamples, 1);
      ParameterException.atLeast("bdmcPoints", bdmcPoints, 0);
      ParameterException.atLeast("aisSteps", aisSteps, 1);
    }

    /** The test NLL with K and no AIS. */
    public Settings(int numSamples, long seed) {
      this(numSamples, seed, 0, BidirectionalMonteCarlo.DEFAULT_STEPS, false);
    }

    /** K = 5000, seed 0, no AIS. */
    public static Settings defaults() {
      return new Settings(DEFAULT_K, 0);
    }

    /**
     * K of the test log-likelihood's IWAE estimate; the ladder of bounds in
     * {@link Evaluation.Report#iwaeEstimates()} is {@link Evaluation#BOUND_K} whatever K is.
     */
    public Settings withNumSamples(int k) {
      return new Settings(k, seed, bdmcPoints, aisSteps, aisOnData);
    }

    /** The seed every estimate's key derives from. */
    public Settings withSeed(long s) {
      return new Settings(numSamples, s, bdmcPoints, aisSteps, aisOnData);
    }

    /** Also forward AIS with {@code steps} distributions on the data, and BDMC on {@code points} simulated points. */
    public Settings withAis(boolean onData, int points, int steps) {
      return new Settings(numSamples, seed, points, steps, onData);
    }
  }

  /**
   * What an evaluation found.
   *
   * <p>Every standard error here is that of a mean over the evaluated rows ({@link MeanEstimate}): for per-row
   * values v_1..v_n, s / √n with s² = Σ (v_i − mean)² / (n − 1) the sample variance, NaN for a single row. It treats
   * the rows as independent draws, so it covers the spread of the per-row values (the rows themselves and each row's
   * Monte Carlo noise), not the bias of a bound: IWAE_K, the ELBO and AIS are lower bounds on log p(x) in
   * expectation, and how far below it they lie is in no standard error.
   *
   * @param kind the model kind ("gmm", "ppca", "lvm")
   * @param rows rows evaluated
   * @param logLikelihood the mean log p(x) over rows (exact, or IWAE_K for a deep LVM) and its standard error
   * @param estimator what produced it ("exact", "iwae-5000")
   * @param elboEstimate the mean ELBO over rows (one sample per row) and its standard error over rows, or null
   *     (exact models)
   * @param iwaeEstimates the mean IWAE_K bound over rows and its standard error over rows, for each K in
   *     {@link #BOUND_K} (empty for exact models)
   * @param activeUnits active latent units (−1 for exact models)
   * @param latentDim the latent dimension (0 for exact models)
   * @param nllDiagnostics importance-weight diagnostics (ESS, Pareto k̂) of the test log-likelihood's estimate, or
   *     null (exact models)
   * @param aisEstimate the mean forward-AIS log-likelihood on the data and its standard error over rows, or null
   *     unless asked for
   * @param aisSteps AIS's intermediate distributions
   * @param bdmc the bidirectional Monte Carlo bracket on simulated points, or null
   */
  public record Report(String kind, int rows, MeanEstimate logLikelihood, String estimator, MeanEstimate elboEstimate,
      Map<Integer, MeanEstimate> iwaeEstimates, int activeUnits, int latentDim, DiagnosticsSummary nllDiagnostics,
      MeanEstimate aisEstimate, int aisSteps, BidirectionalMonteCarlo.Report bdmc) {
    public Report {
      iwaeEstimates = Collections.unmodifiableMap(new LinkedHashMap<>(iwaeEstimates));
    }

    /** The mean ELBO over rows, NaN for exact models; its standard error is {@link #elboEstimate()}'s. */
    public double elbo() {
      return elboEstimate == null ? Double.NaN : elboEstimate.mean();
    }

    /**
     * The mean IWAE_K bound over rows for each K in {@link #BOUND_K} (empty for exact models); the standard errors
     * are {@link #iwaeEstimates()}'.
     */
    public Map<Integer, Double> iwae() {
      Map<Integer, Double> m = new LinkedHashMap<>();
      iwaeEstimates.forEach((k, v) -> m.put(k, v.mean()));
      return Collections.unmodifiableMap(m);
    }

    /** The mean forward-AIS log-likelihood on the data, NaN unless asked for; see {@link #aisEstimate()}. */
    public double ais() {
      return aisEstimate == null ? Double.NaN : aisEstimate.mean();
    }

    /** The negative log-likelihood −mean log p(x), nats, with the same standard error. */
    public MeanEstimate nll() {
      return logLikelihood.negate();
    }

    /** Whether the log-likelihood is exact (a GMM or PPCA) rather than a bound. */
    public boolean exact() {
      return latentDim == 0;
    }

    /**
     * As a JSON-ready map (docs/json.md): {@code kind}, {@code rows}, {@code nll} and its standard error over rows
     * {@code nll_se}; for exact models also {@code mean_log_likelihood} and {@code mean_log_likelihood_se} (the same
     * standard error); for deep LVMs {@code nll_estimator}, the weight diagnostics ({@code nll_ess_mean}, ...),
     * {@code elbo} and {@code elbo_se}, {@code iwae_K} and {@code iwae_K_se} for each K, {@code active_units},
     * {@code latent_dim}; with AIS on the data {@code ais_T}, {@code ais_T_se}, {@code nll_ais}, {@code nll_ais_se};
     * with bidirectional Monte Carlo its {@code bdmc_…} fields. Every {@code x_se} is x's standard error over rows.
     */
    public Map<String, Object> toMap() {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("kind", kind);
      r.put("rows", rows);
      if (exact()) {
        r.put("mean_log_likelihood", logLikelihood.mean());
        r.put("mean_log_likelihood_se", logLikelihood.stdErr());
        r.put("nll", nll().mean());
        r.put("nll_se", nll().stdErr());
        return r;
      }
      r.put("nll", nll().mean());
      r.put("nll_se", nll().stdErr());
      r.put("nll_estimator", estimator);
      if (nllDiagnostics != null) {
        r.putAll(nllDiagnostics.toMap("nll_"));
      }
      putWithSe(r, "elbo", elboEstimate);
      iwaeEstimates.forEach((k, v) -> putWithSe(r, "iwae_" + k, v));
      r.put("active_units", activeUnits);
      r.put("latent_dim", latentDim);
      if (aisEstimate != null) {
        putWithSe(r, "ais_" + aisSteps, aisEstimate);
        putWithSe(r, "nll_ais", aisEstimate.negate());
      }
      if (bdmc != null) {
        r.putAll(bdmc.toMap());
      }
      return r;
    }

    /** {@code name} and {@code name_se}: the mean and its standard error (docs/json.md's convention). */
    private static void putWithSe(Map<String, Object> r, String name, MeanEstimate e) {
      r.put(name, e.mean());
      r.put(name + "_se", e.stdErr());
    }
  }

  /**
   * Evaluates {@code model} on {@code data}.
   *
   * @throws DataException if {@code data} has no rows (a mean over none is undefined), the wrong columns, or a NaN
   *     or infinity
   */
  public static Report evaluate(DensityModel model, Dataset data, Settings settings) {
    return evaluate(model, data, settings, WorkProgress.silent());
  }

  /**
   * {@link #evaluate(DensityModel, Dataset, Settings)}, the same report bit for bit, reporting all of its work to
   * {@code progress} on the calling thread, as one computation in model evaluations: the scoring of the rows by
   * every estimator in the units of {@link DensityModel#logDensities(Dataset, List, RngKey, WorkProgress)} (for a
   * deep LVM with K = 5000 and nothing more asked, the test log-likelihood's IWAE_K comes first and takes about nine
   * tenths of it), then for a deep LVM the active-unit count ({@link LvmDensityModel#encodeWork}: a per-datapoint
   * model fits its posteriors a second time), forward AIS ({@link LvmDensityModel#aisWork}) and bidirectional
   * Monte Carlo ({@link BidirectionalMonteCarlo#work}) when asked for, each after each of its passes or annealing
   * steps; {@code done} reaches {@code total} when the report is ready. The estimate is the running mean log p(x)
   * of the estimator being run, NaN where there is none (the active-unit count, bidirectional Monte Carlo).
   *
   * @throws DataException as {@link #evaluate(DensityModel, Dataset, Settings)}
   */
  public static Report evaluate(DensityModel model, Dataset data, Settings settings, WorkProgress progress) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(progress, "progress");
    if (data.rows() == 0) {
      throw new DataException(data.source() + ": no rows to evaluate");
    }
    if (model instanceof LvmDensityModel lvm) {
      return lvm(lvm, data, settings, progress);
    }
    DensityModel.LogDensity lp = model.logDensity(data, DensityModel.ScoreOptions.exact(), RngKey.of(settings.seed()),
        progress);
    return new Report(model.kind(), data.rows(), MeanEstimate.of(lp.value()), lp.estimator(), null, Map.of(), -1, 0,
        null, null, 0, null);
  }

  private static Report lvm(LvmDensityModel model, Dataset data, Settings settings, WorkProgress progress) {
    List<DensityModel.ScoreOptions> options = new ArrayList<>();
    options.add(DensityModel.ScoreOptions.iwae(settings.numSamples()));
    options.add(DensityModel.ScoreOptions.elbo(1));
    for (int k : BOUND_K) {
      if (k != settings.numSamples()) {
        options.add(DensityModel.ScoreOptions.iwae(k));
      }
    }
    RngKey key = RngKey.of(settings.seed());
    Ais ais = Ais.of(settings.aisSteps());
    long scoring = model.scoreWork(data.rows(), options);
    long activityWork = model.encodeWork(data.rows());
    long aisWork = settings.aisOnData() ? model.aisWork(data.rows(), ais) : 0;
    long bdmcWork = settings.bdmcPoints() == 0 ? 0
        : BidirectionalMonteCarlo.work(settings.bdmcPoints(), ais, settings.numSamples(), Sumo.DEFAULT_MIN_TERMS);
    Phases phases = new Phases(progress, scoring + activityWork + aisWork + bdmcWork);
    // One call, so that a per-datapoint model fits its posteriors once for all the estimators.
    List<DensityModel.LogDensity> scores = model.logDensities(data, options, key, phases.next(scoring));
    DensityModel.LogDensity test = scores.get(0);
    Map<Integer, MeanEstimate> iwae = new LinkedHashMap<>();
    int next = 2;
    for (int k : BOUND_K) {
      iwae.put(k, (k == settings.numSamples() ? test : scores.get(next++)).meanEstimate());
    }
    double[] activity = model.latentActivity(data, phases.next(activityWork));
    int active = 0;
    for (double a : activity) {
      if (a > ACTIVE_UNIT_THRESHOLD) {
        active++;
      }
    }
    MeanEstimate aisEstimate = settings.aisOnData()
        ? model.aisLogDensity(data, ais, key, phases.next(aisWork)).meanEstimate() : null;
    BidirectionalMonteCarlo.Report bdmc = settings.bdmcPoints() == 0 ? null
        : model.bidirectionalMonteCarlo(settings.bdmcPoints(), ais, settings.numSamples(), Sumo.DEFAULT_MIN_TERMS,
            key.foldIn(BDMC_STREAM), phases.next(bdmcWork));
    return new Report(model.kind(), data.rows(), MeanEstimate.of(test.value()), test.estimator(),
        scores.get(1).meanEstimate(), iwae, active, activity.length, test.diagnosticsSummary(), aisEstimate,
        settings.aisSteps(), bdmc);
  }

  /**
   * The phases of one evaluation reported as one computation: phase i, of {@code weight_i} units, reports its own
   * (done, total) and is shown as {@code offset_i + done · weight_i / total} of the sum of the weights, never less
   * than what was shown before.
   */
  private static final class Phases {
    private final WorkProgress progress;
    private final long total;
    private long offset;
    private long shown;

    Phases(WorkProgress progress, long total) {
      this.progress = progress;
      this.total = total;
    }

    /** The listener of the next phase, of {@code weight} units; the phases are run in the order they are made. */
    WorkProgress next(long weight) {
      long start = offset;
      offset += weight;
      return (done, phaseTotal, estimate) -> {
        long part = done >= phaseTotal ? weight
            : phaseTotal == weight ? done : (long) ((double) done / phaseTotal * weight);
        shown = Math.max(Math.max(shown, start + part), 1);
        progress.update(shown, total, estimate);
      };
    }
  }
}
