package dev.marginal.density;

import dev.marginal.config.ParameterException;
import dev.marginal.config.WorkProgress;
import dev.marginal.config.WorkTally;
import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.data.Binarization;
import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.data.Standardizer;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.Ais;
import dev.marginal.estimators.BidirectionalMonteCarlo;
import dev.marginal.estimators.Elbo;
import dev.marginal.estimators.Estimate;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.RobustInterval;
import dev.marginal.estimators.Sumo;
import dev.marginal.estimators.WeightDiagnostics;
import dev.marginal.io.JsonFields;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Untrusted;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Support;
import dev.marginal.targets.SupportBijection;
import dev.marginal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link DeepLvm} as a {@link DensityModel}: log p(x) estimated with ELBO, IWAE or SUMO through the amortized
 * encoder (no exact value exists), samples from the prior through the decoder, and posterior summaries.
 *
 * <p>Data given to a Bernoulli decoder, to score or to encode, must lie in [0, 1] (a {@link DataException} names the
 * file and line, or the row, and the column of the first value outside); when scoring, values strictly
 * between 0 and 1 are binarized once with the scoring key (the usual protocol for dynamically binarized training),
 * so scores are of binary vectors. When
 * the model was fitted on standardized data the log-Jacobian −Σ log sd is added, so densities are always of the
 * data as given.
 *
 * <p>A per-datapoint model ({@link #withPerDatapointInference}) was trained with free posteriors for its training
 * rows and has no usable encoder, so q for the rows being scored or encoded is fitted on the spot with the decoder
 * fixed ({@link LocalPosteriorFit}, vectorized over a chunk of rows), and the estimator then draws from that q. Its
 * model file says {@code "inference": "per-datapoint"} with the fit's settings; the training rows' posteriors are not
 * part of it (they describe only those rows), though checkpoints keep them for resuming.
 */
public final class LvmDensityModel implements LatentDecoder {
  /** The kind a deep LVM's model file (and a checkpoint of its training) records. */
  public static final String KIND = "lvm";
  /** Model rows (data points × samples) pushed through the decoder at once when scoring. */
  static final int ROWS_PER_PASS = 1 << 14;
  /** Bytes a scoring pass holds per repeat besides its values: an array's header and reference, two doubles. */
  static final long REPEAT_OVERHEAD_BYTES = 24 + 2 * Double.BYTES;
  /** The key stream of {@link #aisLogDensity}. */
  static final long AIS_STREAM = -3;
  /** The value of the model file's {@code "inference"} entry for per-datapoint models. */
  public static final String PER_DATAPOINT = "per-datapoint";
  /** Stream of the scoring key that drives the local fits (the estimator uses {@code key.foldIn(start)}). */
  static final long LOCAL_FIT_STREAM = 0x4C46L;
  /** Root seed of the local fits behind {@link #encode}, which takes no key. */
  static final long ENCODE_SEED = 0x454EL;

  private final DeepLvm model;
  /** The columns and the optional standardization, shared with the exact models. */
  private final FeatureSpace space;
  /** How q is fitted for per-datapoint models; null when the encoder gives q. */
  private final LocalPosteriorFit localFit;
  /** The support the LVM's output is pushed onto (a reverse-KL surrogate of a bounded target); null for ℝ^d. */
  private final Support support;

  /**
   * A model whose q comes from the amortized encoder.
   *
   * @param standardizer the transform applied to the data before fitting, or null
   */
  public LvmDensityModel(DeepLvm model, List<String> columns, Standardizer standardizer) {
    this(model, columns, standardizer, null);
  }

  private LvmDensityModel(DeepLvm model, List<String> columns, Standardizer standardizer, LocalPosteriorFit fit) {
    this(model, columns, standardizer, fit, null);
  }

  private LvmDensityModel(DeepLvm model, List<String> columns, Standardizer standardizer, LocalPosteriorFit fit,
      Support support) {
    if (columns.size() != model.dataDim()) {
      throw new IllegalArgumentException(columns.size() + " column names for a " + model.dataDim() + "-D model");
    }
    this.model = model;
    this.space = new FeatureSpace(columns, standardizer);
    this.localFit = fit;
    this.support = support == null || support.isReal() ? null : support;
  }

  /**
   * The same model with its output pushed onto {@code support} through {@link Support#bijection()} (a reverse-KL
   * surrogate of a bounded target): samples are T(y) for y from the LVM, and log q(x) = log q_Y(T⁻¹(x)) −
   * log |det J_T(T⁻¹(x))| in the support's interior; the methods that take data refuse rows on or outside it
   * ({@link DataException}): the density is 0 there, with nothing to estimate.
   *
   * @throws IllegalArgumentException if the dimensions differ, or the model is standardized
   */
  public LvmDensityModel withSupport(Support support) {
    if (support.dim() != dim()) {
      throw new IllegalArgumentException("a " + support.dim() + "-D support for a " + dim() + "-D model");
    }
    if (space.standardized() && !support.isReal()) {
      throw new IllegalArgumentException("a standardized model cannot also have a bounded support");
    }
    return new LvmDensityModel(model, space.columns(), space.standardizer(), localFit, support);
  }

  /** The support of the model's density (ℝ^d unless {@link #withSupport} set one). */
  public Support support() {
    return support == null ? Support.real(dim()) : support;
  }

  /** The same model marked per-datapoint: q for new rows is fitted with {@code fit} instead of encoded. */
  public LvmDensityModel withPerDatapointInference(LocalPosteriorFit fit) {
    return new LvmDensityModel(model, space.columns(), space.standardizer(),
        java.util.Objects.requireNonNull(fit, "fit"), support);
  }

  /** Whether q is fitted per data point (true) or given by the encoder (false). */
  public boolean perDatapoint() {
    return localFit != null;
  }

  /** The local fit of a per-datapoint model, or null. */
  public LocalPosteriorFit localFit() {
    return localFit;
  }

  /** The encoder and decoder networks and the prior (the live model: training it changes this density). */
  public DeepLvm model() {
    return model;
  }

  /** The column standardization the model was fitted under, or null for a fit to the data as given. */
  public Standardizer standardizer() {
    return space.standardizer();
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int dim() {
    return model.dataDim();
  }

  @Override
  public List<String> columns() {
    return space.columns();
  }

  /** The estimator named by the options. */
  static LogMarginalEstimator estimator(ScoreOptions options) {
    switch (options.estimator()) {
      case ELBO:
        return Elbo.of(options.numSamples());
      case IWAE:
        return Iwae.of(options.numSamples());
      case SUMO:
        return Sumo.of(options.minTerms());
      default:
        throw ParameterException.about(java.util.List.of("estimator"),
            "a deep LVM has no exact log p(x); use estimator iwae (or elbo, sumo)");
    }
  }

  /** IWAE with K = {@link ScoreOptions#DEFAULT_NUM_SAMPLES}: a deep LVM has no exact density. */
  @Override
  public ScoreOptions defaultScoreOptions() {
    return ScoreOptions.iwae(ScoreOptions.DEFAULT_NUM_SAMPLES);
  }

  @Override
  public LogDensity logDensity(Dataset data, ScoreOptions options, RngKey key) {
    return logDensities(data, List.of(Objects.requireNonNull(options, "options")), key).get(0);
  }

  /** For a per-datapoint model, q is fitted once (with {@code key}) and shared by every estimator. */
  @Override
  public List<LogDensity> logDensities(Dataset data, List<ScoreOptions> options, RngKey key) {
    return logDensities(data, options, key, WorkProgress.silent());
  }

  /**
   * Reports after each chunk of about {@link #ROWS_PER_PASS} model rows (and each chunk of a per-datapoint model's
   * local fits), in the units {@link DensityModel#logDensities(Dataset, List, RngKey, WorkProgress)} describes.
   */
  @Override
  public List<LogDensity> logDensities(Dataset data, List<ScoreOptions> options, RngKey key,
      WorkProgress progress) {
    requireArguments(data, options, key);
    Objects.requireNonNull(progress, "progress");
    space.check(data);
    List<LogMarginalEstimator> estimators = new ArrayList<>();
    for (ScoreOptions o : options) {
      estimators.add(checkRepeats(o, estimator(o), data.rows()));
    }
    WorkTally tally = new WorkTally(progress, scoreWork(data.rows(), options));
    float[] x = prepare(data, key.foldIn(-1));
    double[] rowLogJacobian = support == null ? null : pullBackInPlace(data, x);
    LocalPosteriorFit.Fitted fitted = localFit == null ? null
        : fitAll(x, data.rows(), key.foldIn(LOCAL_FIT_STREAM), tally, localFitUnits());
    long[] ids = new long[data.rows()];
    Arrays.setAll(ids, i -> i);
    List<LogDensity> out = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      out.add(FiniteResults.require(data,
          score(x, ids, estimators.get(i), options.get(i), fitted, key, rowLogJacobian, tally)));
    }
    return out;
  }

  /**
   * {@link #logDensities(Dataset, List, RngKey)} for rows that are part of a larger data set, row {@code r} of
   * {@code data} being row {@code rowIds[r]} of that set: every row's value is bit for bit what scoring the whole
   * set gives it, however the set is split into calls and in whatever order. Row g's randomness is that of row g of
   * a whole set: binarization from stream values g·D.. of {@code key.foldIn(-1)}, and for repeat r the point key
   * {@code key.foldIn(c·⌊g/c⌋).foldIn(r).foldIn(g mod c)}, c the estimator's chunk size.
   *
   * @param rowIds each row's index in the whole set, ≥ 0
   * @throws IllegalArgumentException for a per-datapoint model, whose local fits depend on which rows are fitted
   *     together
   */
  public List<LogDensity> logDensities(Dataset data, long[] rowIds, List<ScoreOptions> options, RngKey key) {
    requireArguments(data, options, key);
    Objects.requireNonNull(rowIds, "rowIds");
    space.check(data);
    if (rowIds.length != data.rows()) {
      throw new IllegalArgumentException(rowIds.length + " row ids for " + data.rows() + " rows");
    }
    if (localFit != null) {
      throw new IllegalArgumentException("a per-datapoint model is scored only on a whole data set at once (its"
          + " posteriors are fitted chunk by chunk)");
    }
    List<LogMarginalEstimator> estimators = new ArrayList<>();
    for (ScoreOptions o : options) {
      estimators.add(checkRepeats(o, estimator(o), data.rows()));
    }
    float[] x = standardized(data.values());
    if (model.config().decoder() == DeepLvm.Decoder.BERNOULLI) {
      checkUnitInterval(data, x);
      x = Binarization.binarizeRows(x, dim(), rowIds, key.foldIn(-1));
    }
    double[] rowLogJacobian = support == null ? null : pullBackInPlace(data, x);
    List<LogDensity> out = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      out.add(FiniteResults.require(data,
          score(x, rowIds, estimators.get(i), options.get(i), null, key, rowLogJacobian, WorkTally.silent())));
    }
    return out;
  }

  /**
   * The units of work of {@link #logDensities(Dataset, List, RngKey, WorkProgress)} on {@code rows} rows, its
   * {@code total}: per row, each estimator's samples (the expected number for SUMO, rounded up) times its repeats,
   * plus a per-datapoint model's local fit of q (its steps times its samples).
   */
  public long scoreWork(int rows, List<ScoreOptions> options) {
    long units = localFit == null ? 0 : localFitUnits();
    for (ScoreOptions o : options) {
      units += scoreUnits(estimator(o), o);
    }
    return units * rows;
  }

  /**
   * The cost of {@link #encode} (and {@link #latentActivity}) on {@code rows} rows in the units of
   * {@link #scoreWork}, for weighing it against scoring: a per-datapoint model's local fits, else one encoder pass
   * per row. ({@link #encode(Dataset, WorkProgress)} itself reports rows.)
   */
  public long encodeWork(int rows) {
    return (localFit == null ? 1 : localFitUnits()) * rows;
  }

  /** Rows of one scoring pass of {@code est}: about {@link #ROWS_PER_PASS} model rows, at least one data row. */
  private static int passRows(LogMarginalEstimator est) {
    return (int) Math.max(1, ROWS_PER_PASS / Math.ceil(est.expectedSamplesPerPoint()));
  }

  /**
   * Refuses, before anything is computed, repeats whose estimates cannot be held: a pass of b rows keeps every
   * repeat's b values (one array each, with its header and reference, and two doubles of a row's summaries) until
   * the pass is summarized, about R·(8b + {@value #REPEAT_OVERHEAD_BYTES}) bytes, which must not exceed the heap.
   *
   * @return {@code est}
   * @throws ParameterException naming {@code repeats}
   */
  private static LogMarginalEstimator checkRepeats(ScoreOptions o, LogMarginalEstimator est, int rows) {
    long b = Math.min(Math.max(1, rows), passRows(est));
    long bytes = o.repeats() * (REPEAT_OVERHEAD_BYTES + Double.BYTES * b);
    long heap = Runtime.getRuntime().maxMemory();
    if (bytes > heap) {
      throw ParameterException.of("repeats", "too large: " + o.repeats() + " would hold about " + (bytes >> 20)
          + " MiB of estimates at once (" + b + " rows' values per repeat), more than the " + (heap >> 20)
          + " MiB heap; use fewer, or give the JVM more memory (-Xmx)");
    }
    return est;
  }

  /** Units of work of a row scored by {@code est}: its samples per row (rounded up) times its repeats. */
  private static long scoreUnits(LogMarginalEstimator est, ScoreOptions options) {
    return (long) Math.ceil(est.expectedSamplesPerPoint()) * options.repeats();
  }

  /** Units of work of a row's local fit of q: its steps times its samples. */
  private long localFitUnits() {
    return (long) localFit.steps() * localFit.numSamples();
  }

  /**
   * One estimator over prepared rows, in chunks of about {@link #ROWS_PER_PASS} model rows, each reported to
   * {@code tally}; row g's point keys are {@code key.foldIn(c·⌊g/c⌋).foldIn(r).foldIn(g mod c)} for repeat r, c
   * the chunk size.
   */
  private LogDensity score(float[] x, long[] ids, LogMarginalEstimator est, ScoreOptions options,
      LocalPosteriorFit.Fitted fitted, RngKey key, double[] rowLogJacobian, WorkTally tally) {
    int d = dim();
    int n = ids.length;
    int chunk = passRows(est);
    double[] value = new double[n];
    double[] se = new double[n];
    // IWAE: repeat 0 is drawn with the diagnostics of the weights behind it (the same values, see Iwae); they stand
    // for every repeat, which are independent and alike.
    WeightDiagnostics[] diagnostics = est instanceof Iwae ? new WeightDiagnostics[n] : null;
    // SUMO's variance is infinite, so its repeats also give a median-of-means interval per row (see RobustInterval).
    RobustInterval[] intervals = est instanceof Sumo && options.repeats() >= RobustInterval.MIN_REPEATS
        ? new RobustInterval[n] : null;
    double jac = space.logJacobian();
    long rowUnits = scoreUnits(est, options);
    double sum = 0;
    for (int start = 0; start < n; start += chunk) {
      int b = Math.min(chunk, n - start);
      double[] rowJac = new double[b];
      for (int i = 0; i < b && rowLogJacobian != null; i++) {
        rowJac[i] = rowLogJacobian[start + i];
      }
      Tensor xb = Tensor.wrap(Arrays.copyOfRange(x, start * d, (start + b) * d), b, d);
      Tape tape = Tape.forEvaluation();
      DiagNormal q = fitted == null ? model.posterior(tape, tape.constant(xb))
          : new LocalPosteriorFit.Fitted(fitted.loc().slice(0, start, start + b),
              fitted.logVar().slice(0, start, start + b)).posterior(tape);
      int first = start;
      long c = chunk;
      LogMarginalEstimator.PointKeys pointKeys = (r, i) -> {
        long g = ids[first + i];
        return key.foldIn(g - g % c).foldIn(r).foldIn(g % c);
      };
      double[][] draws;
      if (diagnostics != null) {
        RngKey[] keys = new RngKey[b];
        for (int i = 0; i < b; i++) {
          keys[i] = pointKeys.key(0, i);
        }
        Iwae.Diagnosed dd = ((Iwae) est).estimateWithDiagnostics(model, xb, q, keys);
        System.arraycopy(dd.diagnostics(), 0, diagnostics, start, b);
        draws = new double[options.repeats()][];
        draws[0] = dd.values();
        if (options.repeats() > 1) {
          double[][] rest = est.draws(model, xb, q, (r, i) -> pointKeys.key(r + 1, i), options.repeats() - 1);
          System.arraycopy(rest, 0, draws, 1, rest.length);
        }
      } else {
        draws = est.draws(model, xb, q, pointKeys, options.repeats());
      }
      Estimate e = Estimate.fromDraws(draws);
      for (int i = 0; i < b; i++) {
        value[start + i] = e.mean()[i] + jac + rowJac[i];
        se[start + i] = options.repeats() > 1 ? e.stdErr()[i] : Double.NaN;
        if (intervals != null) {
          intervals[start + i] = RobustInterval.of(column(draws, i, jac));
        }
        sum += value[start + i];
      }
      tally.add(rowUnits * b, sum / (start + b));
    }
    String label = options.estimator() == Estimator.SUMO ? "sumo-m" + options.minTerms()
        : options.estimator().name().toLowerCase(java.util.Locale.ROOT) + "-" + options.numSamples();
    return new LogDensity(value, se, label, diagnostics, intervals);
  }

  /**
   * Replaces the rows of {@code x} ({@code [n, d]}, the rows of {@code data}) by y = T⁻¹(x) and returns per row the
   * term −log |det J_T(y)| to add to log q_Y(y). The one support check of every method that takes data
   * ({@link #logDensities}, {@link #aisLogDensity}, {@link #encode}, {@link #latentActivity}).
   *
   * @throws DataException naming the first row on or outside the support ({@link Dataset#where}): T maps ℝ^d onto
   *     the support's interior (a sigmoid onto a bounded interval, a softplus onto a half-line), so the model puts no
   *     mass on or beyond a finite bound; its density there is 0 (on the boundary as the limit: q_Y falls faster
   *     than the Jacobian),
   *     T⁻¹ is infinite or undefined, and there is neither a log q(x) to estimate nor a posterior q(z|x)
   */
  private double[] pullBackInPlace(Dataset data, float[] x) {
    int n = data.rows();
    int d = dim();
    SupportBijection t = support.bijection();
    float[] y = t.inverse(Tensor.wrap(x.clone(), n, d)).buffer();
    float[] row = new float[d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, i * d, row, 0, d);
      boolean inside = support.interiorContains(row);
      for (int j = 0; j < d && inside; j++) {
        inside = Float.isFinite(y[i * d + j]);
      }
      if (!inside) {
        throw new DataException(data.where(i) + ": " + Arrays.toString(row) + " lies on or "
            + "outside the model's support " + support + ": the model maps onto its open interior, so its density is 0 "
            + "there (log q = -inf) and has no estimate or encoding");
      }
    }
    System.arraycopy(y, 0, x, 0, y.length);
    float[] logDet = t.logAbsDetJacobian(Tape.forEvaluation().constant(Tensor.wrap(y, n, d))).value().buffer();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = -logDet[i];
    }
    return out;
  }

  /**
   * Forward AIS estimates of log p(x) per row ({@link Ais}: a stochastic lower bound that tightens as the number
   * of steps grows), from the model's q(z|x) to the posterior, on the rows exactly as {@link #logDensities} with the
   * same key sees them (standardized, binarized, per-datapoint posteriors fitted), plus the standardization's
   * log-Jacobian; in chunks of about {@link #ROWS_PER_PASS} chains.
   */
  public LogDensity aisLogDensity(Dataset data, Ais ais, RngKey key) {
    return aisLogDensity(data, ais, key, WorkProgress.silent());
  }

  /**
   * {@link #aisLogDensity(Dataset, Ais, RngKey)}, the same values bit for bit, reporting to {@code progress} on the
   * calling thread after each chunk of a per-datapoint model's local fits and each annealing step, in
   * {@link #aisWork} units in all. The estimate is the mean of the rows whose chunk is done, reported with each
   * chunk's last annealing step (NaN before).
   */
  public LogDensity aisLogDensity(Dataset data, Ais ais, RngKey key, WorkProgress progress) {
    Objects.requireNonNull(progress, "progress");
    space.check(data);
    float[] x = prepare(data, key.foldIn(-1));
    int n = data.rows();
    WorkTally tally = new WorkTally(progress, aisWork(n, ais));
    double[] rowLogJacobian = support == null ? null : pullBackInPlace(data, x);
    LocalPosteriorFit.Fitted fitted = localFit == null ? null
        : fitAll(x, n, key.foldIn(LOCAL_FIT_STREAM), tally, localFitUnits());
    int d = dim();
    int chunk = Math.max(1, ROWS_PER_PASS / ais.chains());
    double[] value = new double[n];
    double[] se = new double[n];
    double jac = space.logJacobian();
    double sum = 0;
    for (int start = 0; start < n; start += chunk) {
      int b = Math.min(chunk, n - start);
      Tensor xb = Tensor.wrap(Arrays.copyOfRange(x, start * d, (start + b) * d), b, d);
      Tape tape = Tape.forEvaluation();
      DiagNormal q = fitted == null ? model.posterior(tape, tape.constant(xb))
          : new LocalPosteriorFit.Fitted(fitted.loc().slice(0, start, start + b),
              fitted.logVar().slice(0, start, start + b)).posterior(tape);
      // Each annealing step but the chunk's last is reported as it ends; the last, with the chunk's values.
      long before = tally.done();
      long chunkWork = ais.work(b);
      double[] v = ais.forward(model, xb, q, key.foldIn(AIS_STREAM).foldIn(start), (done, total, e) -> {
        if (done < total) {
          tally.add(before + done - tally.done(), Double.NaN);
        }
      }).logMarginal();
      for (int i = 0; i < b; i++) {
        value[start + i] = FiniteResults.require(data, start + i, "log p(x)",
            v[i] + jac + (rowLogJacobian == null ? 0 : rowLogJacobian[start + i]));
        se[start + i] = Double.NaN;
        sum += value[start + i];
      }
      tally.add(before + chunkWork - tally.done(), sum / (start + b));
    }
    return new LogDensity(value, se, "ais-" + ais.steps());
  }

  /**
   * The units of work of {@link #aisLogDensity(Dataset, Ais, RngKey, WorkProgress)} on {@code rows} rows, as it
   * reports them: {@link Ais#work} per row, plus a per-datapoint model's local fits (their steps times their
   * samples per row).
   */
  public long aisWork(int rows, Ais ais) {
    return ais.work(rows) + (localFit == null ? 0 : rows * localFitUnits());
  }

  /**
   * Bidirectional Monte Carlo on {@code n} points simulated from this model ({@link BidirectionalMonteCarlo}): AIS
   * bounds from both sides with IWAE_K and SUMO beside them, the amortized encoder as proposal. The points are
   * simulated in the model's own (standardized) space and every mean is reported in the data's units, as
   * {@link #logDensities} and {@link #aisLogDensity} report theirs: plus the standardization's log-Jacobian
   * −Σ log sd, the same for every point ({@link BidirectionalMonteCarlo.Report#plus}). With a bounded support
   * ({@link #withSupport}) they stay in the unconstrained space its bijection maps from.
   *
   * @throws IllegalArgumentException for a per-datapoint model (no encoder for new points), n &lt; 1, or n points
   *     too many for one array of the widest layer's values
   */
  public BidirectionalMonteCarlo.Report bidirectionalMonteCarlo(int n, Ais ais, int iwaeK, int sumoMinTerms,
      RngKey key) {
    return bidirectionalMonteCarlo(n, ais, iwaeK, sumoMinTerms, key, WorkProgress.silent());
  }

  /**
   * {@link #bidirectionalMonteCarlo(int, Ais, int, int, RngKey)}, the same report bit for bit, reporting to
   * {@code progress} on the calling thread as {@link BidirectionalMonteCarlo#run} does, in
   * {@link BidirectionalMonteCarlo#work} units.
   */
  public BidirectionalMonteCarlo.Report bidirectionalMonteCarlo(int n, Ais ais, int iwaeK, int sumoMinTerms,
      RngKey key, WorkProgress progress) {
    Objects.requireNonNull(progress, "progress");
    if (localFit != null) {
      throw new IllegalArgumentException("bidirectional Monte Carlo needs an amortized encoder; this model is "
          + "per-datapoint");
    }
    if (n < 1) {
      throw new IllegalArgumentException("the number of simulated points must be >= 1, got " + n);
    }
    FeatureSpace.checkDraws(n, model.widestLayer(), "the decoder's widest layer");
    // DeepLvm.sample decodes exactly these latents (it draws them from key.foldIn(0)).
    Tensor z = model.samplePrior(key.foldIn(0), n);
    Tensor x = model.sample(key, n, false);
    Tape tape = Tape.forEvaluation();
    DiagNormal q = model.posterior(tape, tape.constant(x));
    return BidirectionalMonteCarlo.run(model, x, z, q, ais, iwaeK, sumoMinTerms, key.foldIn(1), progress)
        .plus(space.logJacobian());
  }

  /** Column i of per-repeat draws, shifted by {@code shift}. */
  private static double[] column(double[][] draws, int i, double shift) {
    double[] c = new double[draws.length];
    for (int r = 0; r < c.length; r++) {
      c[r] = draws[r][i] + shift;
    }
    return c;
  }

  /** Standardizes and, for Bernoulli decoders, binarizes the rows (once, with {@code key}). */
  float[] prepare(Dataset data, RngKey key) {
    float[] x = standardized(data.values());
    if (model.config().decoder() == DeepLvm.Decoder.BERNOULLI) {
      checkUnitInterval(data, x);
      x = Binarization.binarize(x, key);
    }
    return x;
  }

  /**
   * @throws DataException naming where the row is ({@link Dataset#where}: file:line for a CSV file's rows) and the
   *     column of the first value outside [0, 1]
   */
  private static void checkUnitInterval(Dataset data, float[] x) {
    int d = data.cols();
    for (int k = 0; k < x.length; k++) {
      if (!(x[k] >= 0f && x[k] <= 1f)) {
        throw new DataException(data.where(k / d) + ": a Bernoulli decoder needs values in [0, 1], found " + x[k]
            + " in column " + Untrusted.quoted(data.columns().get(k % d)));
      }
    }
  }

  private static void requireArguments(Dataset data, List<ScoreOptions> options, RngKey key) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(key, "key");
  }

  /** The rows standardized as in fitting, in a new array (the model works on float tensors). */
  private float[] standardized(float[] values) {
    Standardizer s = space.standardizer();
    return s == null ? values.clone() : s.apply(values);
  }

  @Override
  public Dataset sample(RngKey key, int n) {
    Objects.requireNonNull(key, "key");
    FeatureSpace.checkDraws(n, model.widestLayer(), "the decoder's widest layer");
    return FiniteResults.requireSamples(toData(model.sample(key, n, false), "sample of an " + KIND + " model"));
  }

  @Override
  public int latentDim() {
    return model.latentDim();
  }

  /**
   * The decoder's means (Bernoulli probabilities or Gaussian means) for the codes, in blocks of rows of at most
   * {@link DeepLvm#SAMPLE_BLOCK_VALUES} values of the widest layer, so memory beyond the result does not grow with
   * the rows times the layers' width; each row's mean is what it would be alone, bit for bit. A per-datapoint model
   * decodes with its decoder as any other.
   */
  @Override
  public Dataset decode(Dataset codes) {
    int q = model.latentDim();
    Dataset z = LatentCodes.of(codes, q);
    int n = z.rows();
    LatentCodes.checkSize(z, dim());
    int block = (int) Math.max(1, Math.min(n, DeepLvm.SAMPLE_BLOCK_VALUES / model.widestLayer()));
    Tensor codesTensor = Tensor.wrap(z.values(), n, q);
    Tensor y;
    if (block == n) {
      y = model.decodeMean(codesTensor);
    } else {
      float[] means = new float[n * dim()];
      for (int r0 = 0; r0 < n; r0 += block) {
        int r1 = Math.min(n, r0 + block);
        float[] part = model.decodeMean(codesTensor.slice(0, r0, r1)).buffer();
        System.arraycopy(part, 0, means, r0 * dim(), (r1 - r0) * dim());
      }
      y = Tensor.wrap(means, n, dim());
    }
    return LatentCodes.requireDecoded(z, toData(y, z.source() + " (decoded)"));
  }

  @Override
  public Dataset sampleMeans(RngKey key, int n) {
    Objects.requireNonNull(key, "key");
    FeatureSpace.checkDraws(n, model.widestLayer(), "the decoder's widest layer");
    return FiniteResults.requireSamples(toData(model.sample(key, n, true), "means of an " + KIND + " model"));
  }

  /** Decoder-space rows {@code [n, D]} in the data's space: through the support's transform, then unstandardized. */
  private Dataset toData(Tensor y, String source) {
    float[] x = support == null ? y.buffer() : support.bijection().forward(y).buffer();
    if (space.standardized()) {
      x = space.standardizer().invert(x);
    }
    return Dataset.of(source, space.columns(), x);
  }

  @Override
  public Dataset encode(Dataset data) {
    return encode(data, WorkProgress.silent());
  }

  /** A per-datapoint model reports after each chunk of local fits (rows encoded), an amortized one once. */
  @Override
  public Dataset encode(Dataset data, WorkProgress progress) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(progress, "progress");
    WorkTally tally = new WorkTally(progress, data.rows());
    space.check(data);
    float[] x = standardized(data.values());
    if (model.config().decoder() == DeepLvm.Decoder.BERNOULLI) {
      checkUnitInterval(data, x);
    }
    if (support != null) {
      pullBackInPlace(data, x);
    }
    int d = model.latentDim();
    Tape tape = Tape.forEvaluation();
    DiagNormal q = localFit == null ? model.posterior(tape, tape.constant(Tensor.wrap(x, data.rows(), dim())))
        : fitAll(x, data.rows(), RngKey.of(ENCODE_SEED), tally, 1).posterior(tape);
    if (localFit == null && data.rows() > 0) {
      tally.add(data.rows(), Double.NaN);
    }
    float[] mean = q.loc().value().buffer();
    float[] var = q.scale().value().square().buffer();
    float[] out = new float[data.rows() * 2 * d];
    for (int i = 0; i < data.rows(); i++) {
      System.arraycopy(mean, i * d, out, i * 2 * d, d);
      System.arraycopy(var, i * d, out, i * 2 * d + d, d);
    }
    List<String> names = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      names.add("z" + j);
    }
    for (int j = 0; j < d; j++) {
      names.add("var_z" + j);
    }
    return Dataset.of(data.source() + " (encoded)", names, FiniteResults.require(data, "the encoding", out, 2 * d));
  }

  /**
   * Local posteriors for all rows, fitted chunk by chunk (chunk {@code start} with {@code key.foldIn(start)}), so
   * they depend on the rows and the key alone. For encoding, data for a Bernoulli decoder are not binarized: the fit
   * maximizes the cross-entropy ELBO of the values as given, as the encoder would see them. Each chunk is reported
   * to {@code tally} as {@code rowUnits} per row.
   */
  private LocalPosteriorFit.Fitted fitAll(float[] x, int n, RngKey key, WorkTally tally, long rowUnits) {
    int d = dim();
    int latent = model.latentDim();
    int chunk = Math.max(1, ROWS_PER_PASS / localFit.numSamples());
    float[] loc = new float[n * latent];
    float[] logVar = new float[n * latent];
    for (int start = 0; start < n; start += chunk) {
      int b = Math.min(chunk, n - start);
      Tensor xb = Tensor.wrap(Arrays.copyOfRange(x, start * d, (start + b) * d), b, d);
      LocalPosteriorFit.Fitted f = localFit.fit(model, xb, key.foldIn(start));
      System.arraycopy(f.loc().buffer(), 0, loc, start * latent, b * latent);
      System.arraycopy(f.logVar().buffer(), 0, logVar, start * latent, b * latent);
      tally.add(rowUnits * b, Double.NaN);
    }
    return new LocalPosteriorFit.Fitted(Tensor.wrap(loc, n, latent), Tensor.wrap(logVar, n, latent));
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", "deep latent variable model");
    // A per-datapoint model's q is fitted per row: it has no encoder to describe (files of 0.2.0 held one, unused).
    m.put("architecture", localFit == null ? model.config().toString() : model.config().decoderToString());
    m.put("latent_dim", model.latentDim());
    long count = 0;
    for (Parameter p : localFit == null ? model.parameters() : model.decoderParameters()) {
      count += p.size();
    }
    m.put("parameters", count);
    m.put("columns", space.columns());
    m.put("standardized", space.standardized());
    double[] noiseSd = model.tiedNoiseSd();
    if (noiseSd != null) {
      // Per column, in the model's space: standardized units when the data were standardized.
      List<Double> sd = new ArrayList<>();
      for (double v : noiseSd) {
        sd.add(v);
      }
      m.put("noise_sd", sd);
    }
    if (support != null) {
      m.put("support", support.toString());
    }
    m.put("inference", localFit == null ? "amortized" : PER_DATAPOINT);
    if (localFit != null) {
      m.put("local_steps", localFit.steps());
      m.put("local_learning_rate", localFit.learningRate());
      m.put("local_samples", localFit.numSamples());
    }
    return m;
  }

  @Override
  public ModelFile toFile(Map<String, Object> provenance) {
    Map<String, Object> cfg = new LinkedHashMap<>(model.configMap());
    cfg.put("columns", space.columns());
    if (space.standardized()) {
      cfg.put("standardizeMean", space.standardizer().mean());
      cfg.put("standardizeSd", space.standardizer().sd());
    }
    if (localFit != null) {
      cfg.put("inference", PER_DATAPOINT);
      cfg.put("localFitSteps", localFit.steps());
      cfg.put("localFitLearningRate", localFit.learningRate());
      cfg.put("localFitSamples", localFit.numSamples());
    }
    if (support != null) {
      cfg.put("supportLower", bounds(support, true));
      cfg.put("supportUpper", bounds(support, false));
    }
    if (localFit == null) {
      return new ModelFile(kind(), cfg, provenance, model.tensors());
    }
    // q is fitted per data point: the encoder's tensors, which nothing reads, stay out of the file (format version 2,
    // which older readers refuse by its number instead of failing on the missing tensors).
    Map<String, Tensor> tensors = new LinkedHashMap<>(model.tensors());
    tensors.keySet().removeIf(name -> name.startsWith(DeepLvm.ENCODER_PREFIX));
    return new ModelFile(kind(), cfg, provenance, tensors).withVersion(ModelFile.VERSION_WITHOUT_ENCODER);
  }

  /**
   * Reads a model written by {@link #toFile}.
   *
   * @throws IllegalArgumentException naming the config field, if one has the wrong type or value, or the tensors do
   *     not match the config
   */
  public static LvmDensityModel fromFile(ModelFile file) {
    Map<String, Object> cfg = file.config();
    JsonFields fields = JsonFields.of("model config", cfg);
    String inference = fields.string("inference", "amortized");
    DeepLvm m = PER_DATAPOINT.equals(inference) ? DeepLvm.fromMapsWithoutEncoder(cfg, file.tensors())
        : DeepLvm.fromMaps(cfg, file.tensors());
    List<String> cols = fields.strings("columns", List.of());
    FeatureSpace.requireUnique(cols, "config 'columns'");
    Standardizer s = null;
    if (fields.has("standardizeMean")) {
      s = new Standardizer(
          FeatureSpace.requireFloatRange("model config 'standardizeMean'", fields.numbers("standardizeMean")),
          FeatureSpace.requireFloatRange("model config 'standardizeSd'", fields.numbers("standardizeSd")));
    }
    Support sup = cfg.containsKey("supportLower") ? Support.of(boundsOf(cfg, "supportLower"),
        boundsOf(cfg, "supportUpper")) : null;
    if (PER_DATAPOINT.equals(inference)) {
      LocalPosteriorFit defaults = LocalPosteriorFit.defaults();
      LocalPosteriorFit fit = new LocalPosteriorFit(
          fields.integer("localFitSteps", defaults.steps()),
          fields.number("localFitLearningRate", defaults.learningRate()),
          fields.integer("localFitSamples", defaults.numSamples()));
      return new LvmDensityModel(m, cols, s, fit, null).withSupport(sup == null ? Support.real(m.dataDim()) : sup);
    }
    if (!"amortized".equals(inference)) {
      throw new IllegalArgumentException("unknown inference " + Untrusted.quoted(inference)
          + " (expected amortized or " + PER_DATAPOINT + ")");
    }
    return new LvmDensityModel(m, cols, s).withSupport(sup == null ? Support.real(m.dataDim()) : sup);
  }

  /** Support bounds for the model file: numbers, and "-inf" / "inf" for unbounded ends (JSON has no infinity). */
  private static List<Object> bounds(Support s, boolean lower) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < s.dim(); i++) {
      double v = lower ? s.lower(i) : s.upper(i);
      out.add(v == Double.NEGATIVE_INFINITY ? "-inf" : v == Double.POSITIVE_INFINITY ? "inf" : (Object) v);
    }
    return out;
  }

  private static double[] boundsOf(Map<String, Object> cfg, String key) {
    if (!(cfg.get(key) instanceof List<?> l)) {
      throw new IllegalArgumentException("model config '" + key + "' must be a list of bounds, got "
          + JsonFields.shown(cfg.get(key)));
    }
    double[] d = new double[l.size()];
    for (int i = 0; i < d.length; i++) {
      Object v = l.get(i);
      if ("-inf".equals(v) || "inf".equals(v)) {
        d[i] = "inf".equals(v) ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      } else if (v instanceof Number n) {
        d[i] = n.doubleValue();
      } else {
        throw new IllegalArgumentException("model config '" + key + "' must hold numbers, \"-inf\" or \"inf\", got "
            + JsonFields.shown(v));
      }
    }
    return d;
  }

  /**
   * Per-dimension posterior-mean variance over data, Var_x(E_q[z_d | x]) (Burda et al. 2016's activity).
   *
   * @throws DataException if {@code data} has no rows (a variance over none is undefined), the wrong columns, or a
   *     NaN or infinity
   */
  public double[] latentActivity(Dataset data) {
    return latentActivity(data, WorkProgress.silent());
  }

  /**
   * {@link #latentActivity(Dataset)}, the same values bit for bit, reporting the rows encoded to {@code progress}
   * as {@link #encode(Dataset, WorkProgress)} does.
   */
  public double[] latentActivity(Dataset data, WorkProgress progress) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(progress, "progress");
    if (data.rows() == 0) {
      throw new DataException(data.source() + ": no rows to measure latent activity on");
    }
    Dataset enc = encode(data, progress);
    int d = model.latentDim();
    double[] mean = new double[d];
    double[] sq = new double[d];
    for (int i = 0; i < enc.rows(); i++) {
      for (int j = 0; j < d; j++) {
        double v = enc.get(i, j);
        mean[j] += v;
        sq[j] += v * v;
      }
    }
    double[] act = new double[d];
    for (int j = 0; j < d; j++) {
      double m = mean[j] / enc.rows();
      act[j] = sq[j] / enc.rows() - m * m;
    }
    return act;
  }
}
