package dev.marginal.train;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.data.Batches;
import dev.marginal.data.Dataset;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.gradients.Dreg;
import dev.marginal.gradients.Vimco;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;
import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.models.LocalPosteriors;
import dev.marginal.optim.Adam;
import dev.marginal.optim.GradientClipping;
import dev.marginal.optim.LearningRate;
import dev.marginal.optim.RowAdam;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Trains a {@link DeepLvm} by maximum likelihood with minibatch Adam on an ELBO, IWAE or SUMO objective.
 *
 * <p>For ELBO and IWAE one optimizer follows the reparameterized gradient of the bound. For SUMO the decoder follows
 * SUMO's gradient and the encoder, which cannot change E[SUMO], minimizes E[SUMO²] (the estimator's variance) with
 * its own optimizer; both gradients come from one forward pass (Luo et al. 2020).
 *
 * <p>Per-datapoint inference (built with {@link LocalPosteriors}): q for a batch comes from the free parameters
 * (μ_i, log σ²_i) of its rows instead of the encoder, and those parameters take the encoder's role in every
 * objective (maximize the ELBO or IWAE bound; minimize E[SUMO²] under SUMO), updated by a row-sparse
 * {@link RowAdam} that touches only the batch rows. The encoder is neither used nor trained. Validation rows have
 * no local parameters, so each evaluation first fits them with the decoder fixed ({@link LocalPosteriorFit},
 * {@value #VALIDATION_FIT_STEPS} steps). Under early stopping only the decoder (and encoder) values of the best
 * epoch are restored; the local parameters keep their latest values.
 *
 * <p>Randomness: epoch e's row order comes from {@code root.foldIn(SHUFFLE).foldIn(e)}; step s of epoch e uses
 * {@code root.foldIn(e).foldIn(s)} for binarization and sampling. A run is therefore a pure function of the seed,
 * the data and the options, and a resumed run continues exactly where the interrupted one stopped.
 */
public final class LvmTrainer {
  static final long SHUFFLE_STREAM = 0x5348L;
  static final long VALIDATION_STREAM = 0x5641L;
  /** Rows per validation batch. */
  static final int VALIDATION_BATCH = 500;
  /** Steps of the local fit that gives validation rows their q under per-datapoint inference. */
  public static final int VALIDATION_FIT_STEPS = 50;

  private final DeepLvm model;
  private final LvmTrainingOptions options;
  private final RngKey root;
  private final Adam decoderOpt;
  private final Adam encoderOpt;
  private final List<Parameter> encoderParams;
  private final List<Parameter> decoderParams;
  private final LogMarginalEstimator estimator;
  private final GradientEstimator gradient;
  /** Per-datapoint posteriors of the training rows, or null for the amortized encoder. */
  private final LocalPosteriors local;
  private final RowAdam localOpt;
  private TrainingState state = TrainingState.start();
  /** Parameter values of the best validation epoch (kept in memory only). */
  private List<float[]> best;

  /** A trainer with the amortized encoder q_φ(z|x). */
  public LvmTrainer(DeepLvm model, LvmTrainingOptions options) {
    this(model, null, options);
  }

  /**
   * A trainer for per-datapoint inference when {@code local} is given (one row per training row, in the order of
   * the training data), or for the amortized encoder when it is null.
   *
   * @throws IllegalArgumentException for DReG or score-function gradients with local posteriors
   */
  public LvmTrainer(DeepLvm model, LocalPosteriors local, LvmTrainingOptions options) {
    this.model = model;
    this.local = local;
    this.options = options;
    this.root = RngKey.of(options.seed());
    this.encoderParams = model.encoderParameters();
    this.decoderParams = model.decoderParameters();
    LearningRate lr = this::learningRate;
    this.decoderOpt = new Adam(decoderParams, lr);
    this.encoderOpt = new Adam(encoderParams, lr);
    this.estimator = options.estimator();
    this.gradient = options.gradient();
    if (gradient != GradientEstimator.REPARAM && options.objective() != LvmTrainingOptions.Objective.IWAE) {
      throw new IllegalArgumentException("--gradient " + gradient.id() + " needs --objective iwae");
    }
    if (gradient == GradientEstimator.SCORE && options.numSamples() < 2) {
      throw new IllegalArgumentException("--gradient score needs --k >= 2 (VIMCO's leave-one-out baseline)");
    }
    if (local != null && gradient != GradientEstimator.REPARAM) {
      throw new IllegalArgumentException("--per-datapoint trains the local posteriors with reparameterized "
          + "gradients only; --gradient " + gradient.id() + " is for the amortized encoder");
    }
    if (local != null && local.latentDim() != model.latentDim()) {
      throw new IllegalArgumentException("local posteriors are " + local.latentDim() + "-D, the model's latent is "
          + model.latentDim() + "-D");
    }
    this.localOpt = local == null ? null
        : new RowAdam(local.parameters(), LearningRate.constant(options.learningRate()));
  }

  /** The per-datapoint posteriors of the training rows, or null when the encoder is used. */
  public LocalPosteriors localPosteriors() {
    return local;
  }

  /** Optimizer state of the local posteriors for checkpoints (empty when the encoder is used). */
  public Map<String, float[]> localOptimizerState() {
    return localOpt == null ? Map.of() : localOpt.state();
  }

  /** Restores the local posteriors' optimizer state (per-datapoint runs; their values are restored by the caller). */
  public void resumeLocalFrom(Map<String, float[]> localState) {
    if (localOpt == null) {
      throw new IllegalStateException("this trainer has no local posteriors");
    }
    localOpt.restore(localState);
  }

  /** Steps the learning-rate schedule spans; set from the data size when {@link #fit} starts. */
  long scheduleSteps;
  /** Steps of the warm-up; set from the data size when {@link #fit} starts. */
  long warmupSteps;

  /**
   * The weight β of {@code log p(z) − log q(z|x)} in the log weights at (zero-based) step t: rising linearly from 0
   * to 1 over the warm-up, then 1. It depends only on the options and the number of training rows, so a resumed run
   * follows the same path.
   */
  double warmupWeight(long t) {
    return t >= warmupSteps ? 1.0 : (double) t / warmupSteps;
  }

  /**
   * The step size at (zero-based) step t: constant, or a cosine from {@code lr} down to {@code lr·lrFloor} over the
   * run's step budget. The budget depends only on the options and the number of training rows, so a resumed run
   * follows the same schedule.
   */
  double learningRate(long t) {
    double rate = options.learningRate();
    if (options.lrFloor() >= 1 || scheduleSteps <= 0) {
      return rate;
    }
    double progress = Math.min(1.0, (double) t / scheduleSteps);
    double floor = options.lrFloor();
    return rate * (floor + (1 - floor) * 0.5 * (1 + StrictMath.cos(Math.PI * progress)));
  }

  /** Continues from a checkpoint's counters and optimizer state (the model's parameters are restored by the caller). */
  public void resumeFrom(TrainingState saved, Map<String, float[]> decoderState, Map<String, float[]> encoderState) {
    this.state = saved;
    decoderOpt.restore(decoderState);
    encoderOpt.restore(encoderState);
  }

  public DeepLvm model() {
    return model;
  }

  public TrainingState state() {
    return state;
  }

  /** Optimizer state of the decoder (θ) for checkpoints. */
  public Map<String, float[]> decoderOptimizerState() {
    return decoderOpt.state();
  }

  /** Optimizer state of the encoder (φ) for checkpoints. */
  public Map<String, float[]> encoderOptimizerState() {
    return encoderOpt.state();
  }

  /** Receives checkpoints to write; called on the training thread. */
  public interface CheckpointSink {
    void write(LvmTrainer trainer) throws IOException;
  }

  /**
   * Runs training until the epochs or step budget are spent, early stopping triggers, the loss diverges or
   * {@code stop} returns true.
   *
   * @param train training rows (already binarized when the binarization is fixed or a threshold)
   * @param validation held-out rows, or null
   */
  public TrainingState fit(Dataset train, Dataset validation, Progress progress, BooleanSupplier stop,
      CheckpointSink checkpoints) throws IOException {
    int d = model.dataDim();
    if (train.cols() != d) {
      throw new IllegalArgumentException(train.source() + ": " + train.cols() + " columns, model expects " + d);
    }
    if (train.rows() == 0) {
      throw new IllegalArgumentException(train.source() + ": no rows to train on");
    }
    if (local != null && local.rows() != train.rows()) {
      throw new IllegalArgumentException(train.source() + ": " + train.rows() + " rows, but there are local "
          + "posteriors for " + local.rows());
    }
    int perEpoch = Batches.count(train.rows(), options.batchSize());
    long budget = options.maxSteps() > 0 ? options.maxSteps() : (long) perEpoch * options.epochs();
    scheduleSteps = budget;
    warmupSteps = (long) perEpoch * options.warmupEpochs();
    long examples = 0;
    while (state.step() < budget && state.epoch() < epochLimit() && !state.finished()) {
      Batches batches = Batches.shuffled(train.rows(), options.batchSize(), root.foldIn(SHUFFLE_STREAM),
          state.epoch());
      for (int skip = 0; skip < state.stepInEpoch(); skip++) {
        batches.next();
      }
      double sum = 0;
      int count = 0;
      while (batches.hasNext() && state.step() < budget) {
        int[] rows = batches.next();
        double value = step(train, rows, root.foldIn(state.epoch()).foldIn(state.stepInEpoch()));
        if (!Double.isFinite(value)) {
          state = state.diverged("training diverged: the objective became " + value + " at step " + state.step()
              + "; the last checkpoint holds the last good parameters");
          progress.finish();
          return state;
        }
        sum += value;
        count++;
        examples += rows.length;
        state = state.afterStep();
        progress.update(state.step(), examples, value);
        if (options.checkpointEvery() > 0 && state.step() % options.checkpointEvery() == 0) {
          checkpoints.write(this);
        }
        if (stop.getAsBoolean()) {
          state = state.interrupted();
          checkpoints.write(this);
          progress.finish();
          return state;
        }
      }
      if (!batches.hasNext()) {
        double valid = validation == null ? Double.NaN : evaluate(validation);
        state = state.afterEpoch(count == 0 ? Double.NaN : sum / count, valid, options.patience());
        if (state.lastEpochWasBest()) {
          best = snapshot(model.parameters());
        }
        if (state.status() == TrainingState.Status.EARLY_STOPPED && best != null) {
          restore(model.parameters(), best);
        }
      }
    }
    progress.finish();
    state = state.completed();
    checkpoints.write(this);
    return state;
  }

  private int epochLimit() {
    return options.maxSteps() > 0 ? Integer.MAX_VALUE : options.epochs();
  }

  /** One optimisation step on the given rows; returns the batch-mean objective (nats per example). */
  public double step(Dataset data, int[] rows, RngKey key) {
    int d = model.dataDim();
    float[] xb = gatherRows(data, rows);
    if (model.config().decoder() == DeepLvm.Decoder.BERNOULLI) {
      // Binarization is part of the Bernoulli likelihood's data model; a Gaussian decoder sees the data as given.
      xb = options.binarization().batch(xb, key.foldIn(0));
    }
    Tape tape = new Tape();
    Var x = tape.constant(Tensor.wrap(xb, rows.length, d));
    RngKey[] pointKeys = ImportanceSamples.pointKeys(key.foldIn(1), rows.length);
    if (local != null) {
      return localStep(tape, x, rows, pointKeys);
    }
    DiagNormal q = model.posterior(tape, x);
    if (gradient == GradientEstimator.REPARAM) {
      Var values = objectiveValues(x, q, pointKeys);
      Var mean = values.mean();
      double objective = mean.value().item();
      if (!Double.isFinite(objective)) {
        return objective;
      }
      if (options.objective() == LvmTrainingOptions.Objective.SUMO) {
        tape.backward(mean.neg(), decoderParams);
        tape.backward(Sumo.encoderLoss(values), encoderParams);
      } else {
        tape.backward(mean.neg());
      }
      applyUpdates();
      return objective;
    }
    Var surrogate;
    Tensor values;
    if (gradient == GradientEstimator.DREG) {
      Dreg.Result r = Dreg.surrogate(model, x, q, options.numSamples(), pointKeys);
      surrogate = r.surrogate();
      values = r.iwae();
    } else {
      surrogate = scoreFunctionSurrogate(x, q, pointKeys);
      values = lastScoreValues;
    }
    double objective = values.sumDouble() / values.size();
    if (!Double.isFinite(objective) || !Float.isFinite(surrogate.value().item())) {
      return Double.NaN;
    }
    tape.backward(surrogate.neg());
    applyUpdates();
    return objective;
  }

  /** A per-datapoint step: q from the batch rows' local parameters, which play the encoder's part. */
  private double localStep(Tape tape, Var x, int[] rows, RngKey[] pointKeys) {
    LocalPosteriors.Batch batch = local.watch(tape, rows);
    Var values = objectiveValues(x, batch.q(), pointKeys);
    Var mean = values.mean();
    double objective = mean.value().item();
    if (!Double.isFinite(objective)) {
      return objective;
    }
    if (options.objective() == LvmTrainingOptions.Objective.SUMO) {
      tape.backward(mean.neg(), decoderParams);
      // The second sweep reaches only the local leaves: no parameter is listed.
      tape.backward(Sumo.encoderLoss(values), List.of());
    } else {
      tape.backward(mean.neg(), decoderParams);
    }
    float scale = 1f;
    if (options.clipNorm() > 0) {
      GradientClipping.clipByGlobalNormInPlace(decoderParams, options.clipNorm());
      double norm = local.gradNorm(batch);
      scale = norm > options.clipNorm() ? (float) (options.clipNorm() / norm) : 1f;
    }
    local.accumulateGrad(batch, scale);
    decoderOpt.step();
    localOpt.step(rows);
    return objective;
  }

  /**
   * The per-point objective: the training estimator, or during warm-up the ELBO or IWAE bound built from the
   * tempered log weights {@code log p(x|z) + β (log p(z) − log q(z|x))} with the same samples.
   */
  private Var objectiveValues(Var x, DiagNormal q, RngKey[] pointKeys) {
    double beta = warmupWeight(state.step());
    if (beta >= 1) {
      return estimator.logMarginal(model, x, q, pointKeys);
    }
    int b = x.value().dim(0);
    int k = options.numSamples();
    ImportanceSamples s = ImportanceSamples.draw(model, x, q, ImportanceSamples.constant(b, k), pointKeys);
    Var logW = s.logLikelihood().add(s.logPrior().sub(s.logQ()).mul((float) beta)).reshape(b, k);
    return options.objective() == LvmTrainingOptions.Objective.IWAE ? Iwae.fromLogWeights(logW)
        : logW.mean(1, false);
  }

  private Tensor lastScoreValues;

  /**
   * VIMCO's surrogate (Mnih &amp; Rezende 2016) for the IWAE_K objective with the latents held fixed: the encoder
   * learns only through log q, as it would for a latent that cannot be reparameterized.
   */
  private Var scoreFunctionSurrogate(Var x, DiagNormal q, RngKey[] pointKeys) {
    int b = x.value().dim(0);
    int k = options.numSamples();
    int[] counts = new int[b];
    java.util.Arrays.fill(counts, k);
    int[] rows = ImportanceSamples.repeatIndex(counts);
    DiagNormal qRows = q.gather(rows);
    Var z = qRows.transform(ImportanceSamples.noise(pointKeys, counts, q.dim())).stopGradient();
    Var logQ = qRows.logProb(z);
    Var logW = ImportanceSamples.evaluate(model, x.gather(rows), z, logQ).logWeights().reshape(b, k);
    lastScoreValues = logW.value().logSumExp(1, false).add((float) -StrictMath.log(k));
    return Vimco.surrogate(logW, logQ.reshape(b, k));
  }

  private void applyUpdates() {
    if (options.clipNorm() > 0) {
      GradientClipping.clipByGlobalNormInPlace(decoderParams, options.clipNorm());
      GradientClipping.clipByGlobalNormInPlace(encoderParams, options.clipNorm());
    }
    decoderOpt.step();
    encoderOpt.step();
  }

  /** The mean of the training estimator over {@code data}, with a fixed key so epochs are comparable. */
  public double evaluate(Dataset data) {
    RngKey key = root.foldIn(VALIDATION_STREAM);
    double sum = 0;
    for (int start = 0; start < data.rows(); start += VALIDATION_BATCH) {
      int n = Math.min(VALIDATION_BATCH, data.rows() - start);
      int[] rows = new int[n];
      for (int i = 0; i < n; i++) {
        rows[i] = start + i;
      }
      Tensor xs = Tensor.wrap(gatherRows(data, rows), n, model.dataDim());
      Tape tape = new Tape();
      Var x = tape.constant(xs);
      DiagNormal q = local == null ? model.posterior(tape, x)
          : LocalPosteriorFit.defaults().withSteps(VALIDATION_FIT_STEPS).fit(model, xs, key.foldIn(start).foldIn(1))
              .posterior(tape);
      Var v = estimator.logMarginal(model, x, q, key.foldIn(start));
      sum += v.value().sumDouble();
    }
    return sum / data.rows();
  }

  /**
   * The mean of the training estimator over the training rows with their own local posteriors (per-datapoint runs
   * only), with a fixed key.
   *
   * @param train the training rows the local posteriors belong to
   */
  public double trainingObjective(Dataset train) {
    if (local == null || local.rows() != train.rows()) {
      throw new IllegalStateException("the training objective with local posteriors needs a per-datapoint trainer "
          + "and its own training rows");
    }
    RngKey key = root.foldIn(VALIDATION_STREAM);
    double sum = 0;
    for (int start = 0; start < train.rows(); start += VALIDATION_BATCH) {
      int n = Math.min(VALIDATION_BATCH, train.rows() - start);
      int[] rows = new int[n];
      for (int i = 0; i < n; i++) {
        rows[i] = start + i;
      }
      Tape tape = new Tape();
      Var x = tape.constant(Tensor.wrap(gatherRows(train, rows), n, model.dataDim()));
      sum += estimator.logMarginal(model, x, local.posterior(tape, rows), key.foldIn(start)).value().sumDouble();
    }
    return sum / train.rows();
  }

  static float[] gatherRows(Dataset data, int[] rows) {
    int d = data.cols();
    float[] src = data.values();
    float[] out = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(src, rows[i] * d, out, i * d, d);
    }
    return out;
  }

  static void restore(List<Parameter> params, List<float[]> values) {
    for (int i = 0; i < params.size(); i++) {
      float[] v = values.get(i);
      System.arraycopy(v, 0, params.get(i).value().buffer(), 0, v.length);
    }
  }

  /** Snapshot of every parameter's value (for keeping the best epoch under early stopping). */
  static List<float[]> snapshot(List<Parameter> params) {
    List<float[]> s = new ArrayList<>();
    for (Parameter p : params) {
      s.add(p.value().buffer().clone());
    }
    return s;
  }
}
