package dev.marginal.train;

import dev.marginal.autodiff.Tape;
import dev.marginal.config.ParameterException;
import dev.marginal.autodiff.Var;
import dev.marginal.data.Batches;
import dev.marginal.data.Dataset;
import dev.marginal.data.FiniteValues;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.models.DeepLvm;
import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.models.LocalPosteriors;
import dev.marginal.optim.LearningRate;
import dev.marginal.optim.RowAdam;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.BufferPool;
import dev.marginal.tensor.Tensor;
import java.io.IOException;
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
  private final LvmOptimizers optimizers;
  private final TrainingObjective objective;
  private final GradientStep gradientStep;
  /** The large arrays of one step, reused by the next: nothing a step creates outlives it. */
  private BufferPool buffers = new BufferPool();
  private final EarlyStopping earlyStopping;
  /** Per-datapoint posteriors of the training rows, or null for the amortized encoder. */
  private final LocalPosteriors local;
  private final RowAdam localOpt;
  private TrainingState state = TrainingState.start();
  /** The learning rate and warm-up of the current run; fixed from the data size when {@link #fit} starts. */
  private LvmSchedule schedule;

  /** A trainer with the amortized encoder q_φ(z|x). */
  public LvmTrainer(DeepLvm model, LvmTrainingOptions options) {
    this(model, null, options);
  }

  /**
   * A trainer for per-datapoint inference when {@code local} is given (one row per training row, in the order of
   * the training data), or for the amortized encoder when it is null.
   *
   * @throws dev.marginal.config.ParameterException for DReG or score-function gradients with local posteriors
   */
  public LvmTrainer(DeepLvm model, LocalPosteriors local, LvmTrainingOptions options) {
    GradientEstimator gradient = options.gradient();
    if (local != null && gradient != GradientEstimator.REPARAM) {
      throw ParameterException.about(List.of("perDatapoint", "gradient"), "perDatapoint inference trains the local "
          + "posteriors with reparameterized gradients only; gradient " + gradient.id() + " is for the amortized "
          + "encoder");
    }
    if (local != null && local.latentDim() != model.latentDim()) {
      throw new IllegalArgumentException("local posteriors are " + local.latentDim() + "-D, the model's latent is "
          + model.latentDim() + "-D");
    }
    this.model = model;
    this.local = local;
    this.options = options;
    this.root = RngKey.of(options.seed());
    this.schedule = LvmSchedule.constant(options.learningRate());
    this.optimizers = new LvmOptimizers(model, t -> schedule.learningRate(t), options.clipNorm());
    this.objective = new TrainingObjective(model, options);
    this.earlyStopping = new EarlyStopping(model.parameters());
    this.localOpt = local == null ? null
        : new RowAdam(local.parameters(), LearningRate.constant(options.learningRate()));
    this.gradientStep = local != null ? new LocalPosteriorStep(local, localOpt, objective, optimizers)
        : gradient == GradientEstimator.DREG ? new DregStep(model, options.numSamples(), optimizers)
        : gradient == GradientEstimator.SCORE ? new ScoreFunctionStep(model, options.numSamples(), optimizers)
        : new ReparameterizedStep(model, objective, optimizers);
  }

  /** The per-datapoint posteriors of the training rows, or null when the encoder is used. */
  public LocalPosteriors localPosteriors() {
    return local;
  }

  /** Sum and count of the current epoch's batch objectives, so far: checkpointed, so its mean resumes exactly. */
  private double epochSum;
  private int epochCount;

  /** The current epoch's running objective: {@code {sum, count}} of its batch objectives so far. */
  public double[] epochProgress() {
    return new double[] {epochSum, epochCount};
  }

  /** Restores the current epoch's running objective saved by {@link #epochProgress()}. */
  public void resumeEpochProgress(double sum, int count) {
    this.epochSum = sum;
    this.epochCount = count;
  }

  /** The parameter values of the best validation epoch so far, by name, for checkpoints (empty before one). */
  public Map<String, float[]> bestEpochState() {
    return earlyStopping.state();
  }

  /** Restores the best validation epoch's values from a checkpoint, so early stopping resumes exactly. */
  public void resumeBestEpochFrom(Map<String, float[]> saved) {
    earlyStopping.restore(saved);
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

  /** The learning rate and warm-up schedule of the current (or last) run. */
  public LvmSchedule schedule() {
    return schedule;
  }

  /** Continues from a checkpoint's counters and optimizer state (the model's parameters are restored by the caller). */
  public void resumeFrom(TrainingState saved, Map<String, float[]> decoderState, Map<String, float[]> encoderState) {
    this.state = saved;
    optimizers.restore(decoderState, encoderState);
  }

  public DeepLvm model() {
    return model;
  }

  public TrainingState state() {
    return state;
  }

  /** Optimizer state of the decoder (θ) for checkpoints. */
  public Map<String, float[]> decoderOptimizerState() {
    return optimizers.decoder.state();
  }

  /** Optimizer state of the encoder (φ) for checkpoints. */
  public Map<String, float[]> encoderOptimizerState() {
    return optimizers.encoder.state();
  }

  /** Receives checkpoints to write; called on the training thread. */
  public interface CheckpointSink {
    /** Writes nothing: a run without checkpoints, whose messages mention none. */
    CheckpointSink NONE = trainer -> { };

    void write(LvmTrainer trainer) throws IOException;
  }

  /**
   * Runs training until the epochs or step budget are spent, early stopping triggers, the loss diverges or
   * {@code stop} returns true.
   *
   * @param train training rows (already binarized when the binarization is fixed or a threshold)
   * @param validation held-out rows, at least one, or null
   * @throws dev.marginal.data.DataException naming the point and column of a NaN or infinity in either
   * @throws ParameterException naming {@code validation} for held-out rows that hold none
   * @throws IllegalArgumentException if the state resumed from a checkpoint is not where its steps lead: a position in
   *     the epoch past its batches, or a step other than the epochs' batches and the position make
   */
  public TrainingState fit(Dataset train, Dataset validation, Progress progress, BooleanSupplier stop,
      CheckpointSink checkpoints) throws IOException {
    checkTrainingRows(train);
    if (validation != null) {
      requireValidationRows(validation);
      FiniteValues.require(validation);
    }
    schedule = LvmSchedule.of(options, train.rows());
    long budget = schedule.totalSteps();
    int epochBatches = Batches.count(train.rows(), options.batchSize());
    checkCounters(epochBatches);
    checkNotShorterThanDone(budget, train.rows());
    long examples = 0;
    EpochClock clock = new EpochClock();
    long checkpointed = -1;
    // A run stopped after the last batch of an epoch (the run's last step, say) resumes into that epoch's close.
    while ((state.step() < budget || state.stepInEpoch() == epochBatches) && state.epoch() < epochLimit()
        && !state.finished()) {
      Batches batches = Batches.shuffled(train.rows(), options.batchSize(), root.foldIn(SHUFFLE_STREAM),
          state.epoch());
      for (int skip = 0; skip < state.stepInEpoch(); skip++) {
        batches.next();
      }
      if (state.stepInEpoch() == 0) {
        epochSum = 0;
        epochCount = 0;
      }
      clock.start();
      while (batches.hasNext() && state.step() < budget) {
        int[] rows = batches.next();
        double value = step(train, rows, root.foldIn(state.epoch()).foldIn(state.stepInEpoch()));
        if (!Double.isFinite(value)) {
          // Steps are numbered from 1, as progress reports them; no update was applied from this one.
          state = state.diverged("training diverged: the objective became " + value + " at step "
              + (state.step() + 1) + (checkpointed < 0 ? ""
              : LvmCheckpoint.LAST_GOOD + checkpointed + " holds the last good parameters"));
          progress.finish();
          return state;
        }
        epochSum += value;
        epochCount++;
        examples += rows.length;
        clock.add(rows.length);
        state = state.afterStep();
        progress.update(state.step(), examples, value);
        if (options.checkpointEvery() > 0 && state.step() % options.checkpointEvery() == 0) {
          checkpoints.write(this);
          checkpointed = checkpoints == CheckpointSink.NONE ? -1 : state.step();
        }
        if (stop.getAsBoolean()) {
          state = state.interrupted();
          checkpoints.write(this);
          progress.finish();
          return state;
        }
      }
      if (!batches.hasNext()) {
        double perSecond = clock.examplesPerSecond();
        if (validation != null && checkpoints != CheckpointSink.NONE && checkpointed != state.step()) {
          // Saved first: a validation can outlast the wait of a stop on Ctrl-C or kill, and the epoch's steps are
          // kept; a run resumed from here closes the epoch as this one does.
          checkpoints.write(this);
          checkpointed = state.step();
        }
        double valid = validation == null ? Double.NaN : evaluate(validation);
        double objective = epochCount == 0 ? Double.NaN : epochSum / epochCount;
        int closing = state.epoch();
        state = state.afterEpoch(objective, valid, options.patience());
        earlyStopping.afterEpoch(state);
        progress.epoch(new EpochMetrics(closing, state.step(), objective, valid,
            schedule.learningRate(Math.max(0, state.step() - 1)), perSecond));
      }
    }
    progress.finish();
    state = state.completed();
    checkpoints.write(this);
    return state;
  }

  /** Wall-clock time and examples of the current epoch's steps, for {@link EpochMetrics#examplesPerSecond()}. */
  private static final class EpochClock {
    private long startNanos;
    private long examples;

    void start() {
      startNanos = System.nanoTime();
      examples = 0;
    }

    void add(int n) {
      examples += n;
    }

    double examplesPerSecond() {
      return examples / Math.max((System.nanoTime() - startNanos) / 1e9, 1e-9);
    }
  }

  /**
   * Refuses held-out rows that hold none: their mean objective is 0/0, so every epoch's validation value would be
   * NaN, no epoch would be kept as the best and early stopping would never act, with nothing to say so.
   *
   * @throws ParameterException naming {@code validation}
   */
  public static void requireValidationRows(Dataset validation) {
    if (validation.rows() == 0) {
      throw ParameterException.of("validation", "holds no rows (" + validation.source() + "): there is no "
          + "validation objective to keep the best epoch by or to stop early on; give none for a run without "
          + "validation");
    }
  }

  private void checkTrainingRows(Dataset train) {
    int d = model.dataDim();
    if (train.cols() != d) {
      throw new IllegalArgumentException(train.source() + ": " + train.cols() + " columns, model expects " + d);
    }
    if (train.rows() == 0) {
      throw new IllegalArgumentException(train.source() + ": no rows to train on");
    }
    FiniteValues.require(train);
    if (local != null && local.rows() != train.rows()) {
      throw new IllegalArgumentException(train.source() + ": " + train.rows() + " rows, but there are local "
          + "posteriors for " + local.rows());
    }
  }

  /**
   * The counters a run resumes from must be where its steps lead: every epoch but the current one of
   * {@code epochBatches} steps, the current one at most that many in ({@link CheckpointCounters} checks the rest).
   */
  private void checkCounters(int epochBatches) {
    if (state.stepInEpoch() > epochBatches) {
      throw new IllegalArgumentException("the checkpoint is at batch " + state.stepInEpoch() + " of an epoch, but "
          + "an epoch has " + epochBatches + " batches here");
    }
    long expected = (long) state.epoch() * epochBatches + state.stepInEpoch();
    if (state.step() != expected) {
      throw new IllegalArgumentException(CheckpointCounters.DISAGREE + "training state 'step' is " + state.step()
          + ", but 'epoch' " + state.epoch() + " and 'stepInEpoch' " + state.stepInEpoch() + " make " + expected
          + " at " + epochBatches + " batches an epoch");
    }
  }

  /**
   * A resumed run may be lengthened or shortened, but not below the steps its checkpoint has done: it would stop at
   * once and report the checkpoint's steps under a length it never had.
   */
  private void checkNotShorterThanDone(long budget, int trainRows) {
    if (state.step() <= budget) {
      return;
    }
    String length = options.maxSteps() > 0 ? "maxSteps " + options.maxSteps() + " is"
        : "epochs " + options.epochs() + " is " + budget + " steps (" + Batches.count(trainRows, options.batchSize())
            + " per epoch),";
    throw ParameterException.about(List.of(options.maxSteps() > 0 ? "maxSteps" : "epochs"), length
        + " fewer than the " + state.step() + " steps already done");
  }

  private int epochLimit() {
    return options.maxSteps() > 0 ? Integer.MAX_VALUE : options.epochs();
  }

  /**
   * Drives this trainer step by step from outside {@link #fit} (a {@link LocalSgd} replica): the schedule to follow
   * and the counters to start from; the optimizers' state is restored with {@link #resumeFrom}.
   */
  void drive(LvmSchedule schedule) {
    this.schedule = schedule;
  }

  /** {@link #step} that also advances the step counter (the warm-up weight's clock), for {@link #drive}n runs. */
  double advance(Dataset data, int[] rows, RngKey key) {
    double value = step(data, rows, key);
    state = state.afterStep();
    return value;
  }

  /**
   * One optimisation step on the given rows; returns the batch-mean objective (nats per example). The step's large
   * arrays come from this trainer's {@link BufferPool} and are reused by the next step.
   */
  public double step(Dataset data, int[] rows, RngKey key) {
    return buffers.recycling(() -> stepWith(data, rows, key));
  }

  /** Replaces the pool the steps draw their arrays from (tests compare against a pool that keeps nothing). */
  void useBuffers(BufferPool pool) {
    buffers = pool;
  }

  private double stepWith(Dataset data, int[] rows, RngKey key) {
    float[] xb = gatherRows(data, rows);
    if (model.config().decoder() == DeepLvm.Decoder.BERNOULLI) {
      // Binarization is part of the Bernoulli likelihood's data model; a Gaussian decoder sees the data as given.
      xb = options.binarization().batch(xb, key.foldIn(0));
    }
    Tape tape = new Tape();
    Var x = tape.constant(Tensor.wrap(xb, rows.length, model.dataDim()));
    RngKey[] pointKeys = ImportanceSamples.pointKeys(key.foldIn(1), rows.length);
    return gradientStep.step(new TrainingBatch(tape, x, rows, pointKeys, schedule.warmupWeight(state.step())));
  }

  /** The mean of the training estimator over {@code data}, with a fixed key so epochs are comparable. */
  public double evaluate(Dataset data) {
    RngKey key = root.foldIn(VALIDATION_STREAM);
    double sum = 0;
    for (int start = 0; start < data.rows(); start += VALIDATION_BATCH) {
      int n = Math.min(VALIDATION_BATCH, data.rows() - start);
      Tensor xs = Tensor.wrap(gatherRows(data, range(start, n)), n, model.dataDim());
      Tape tape = new Tape();
      Var x = tape.constant(xs);
      DiagNormal q = local == null ? model.posterior(tape, x)
          : LocalPosteriorFit.defaults().withSteps(VALIDATION_FIT_STEPS).fit(model, xs, key.foldIn(start).foldIn(1))
              .posterior(tape);
      sum += objective.estimator().logMarginal(model, x, q, key.foldIn(start)).value().sumDouble();
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
      int[] rows = range(start, n);
      Tape tape = new Tape();
      Var x = tape.constant(Tensor.wrap(gatherRows(train, rows), n, model.dataDim()));
      sum += objective.estimator().logMarginal(model, x, local.posterior(tape, rows), key.foldIn(start)).value()
          .sumDouble();
    }
    return sum / train.rows();
  }

  private static int[] range(int start, int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = start + i;
    }
    return rows;
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
}
