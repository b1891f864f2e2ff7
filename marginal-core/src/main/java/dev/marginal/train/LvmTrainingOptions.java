package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Binarization;
import dev.marginal.estimators.Elbo;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.Sumo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a deep LVM is trained by maximum likelihood, grouped by concern: what is maximized ({@link
 * LvmObjectiveOptions}), how the step size and KL weight move ({@link LvmScheduleOptions}), how long the run lasts
 * and what it does along the way ({@link LvmRunOptions}), and how Bernoulli-decoded data are binarized. Immutable;
 * change a copy with the {@code withX} methods (one per setting, so callers need not know the groups).
 *
 * @param loss objective, K, m and the encoder gradient
 * @param schedule learning rate, its floor and the KL warm-up
 * @param run batch size, length, clipping, seed, early stopping and checkpoints
 * @param binarization how Bernoulli-decoded data are binarized (ignored for Gaussian decoders)
 */
public record LvmTrainingOptions(LvmObjectiveOptions loss, LvmScheduleOptions schedule, LvmRunOptions run,
    Binarization binarization) implements java.io.Serializable {

  /** Default batch size (as in the IWAE paper). */
  public static final int DEFAULT_BATCH = LvmRunOptions.DEFAULT_BATCH;
  /** Default learning rate. */
  public static final double DEFAULT_LR = LvmScheduleOptions.DEFAULT_LR;
  /** Default number of importance samples. */
  public static final int DEFAULT_K = LvmObjectiveOptions.DEFAULT_K;
  /** Default epochs. */
  public static final int DEFAULT_EPOCHS = LvmRunOptions.DEFAULT_EPOCHS;

  /** The training objective. */
  public enum Objective {
    ELBO, IWAE, SUMO;

    public static Objective parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown objective '" + s + "' (expected elbo, iwae or sumo)");
      }
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The estimator of log p(x) this objective optimizes: ELBO_K, IWAE_K or SUMO with m minimum terms. */
    public LogMarginalEstimator estimator(int numSamples, int minTerms) {
      switch (this) {
        case ELBO:
          return Elbo.of(numSamples);
        case IWAE:
          return Iwae.of(numSamples);
        case SUMO:
          return Sumo.of(minTerms);
        default:
          throw new AssertionError(this);
      }
    }
  }

  public LvmTrainingOptions {
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(binarization, "binarization");
    if (schedule.warmupEpochs() > 0 && loss.objective() == Objective.SUMO) {
      throw ParameterException.about(List.of("warmupEpochs"),
          "warmupEpochs tempers the ELBO or IWAE bound; SUMO is trained untempered");
    }
    if (schedule.warmupEpochs() > 0 && loss.gradient() != GradientEstimator.REPARAM) {
      throw ParameterException.about(List.of("warmupEpochs", "gradient"), "warmupEpochs needs gradient reparam");
    }
  }

  /** Defaults: IWAE with K = 5, batch 20, Adam 1e-3 (constant), 10 epochs, dynamic binarization, seed 0. */
  public static LvmTrainingOptions defaults() {
    return new LvmTrainingOptions(LvmObjectiveOptions.defaults(), LvmScheduleOptions.constant(),
        LvmRunOptions.defaults(), Binarization.DEFAULT);
  }

  public LvmTrainingOptions withLoss(LvmObjectiveOptions l) {
    return new LvmTrainingOptions(l, schedule, run, binarization);
  }

  public LvmTrainingOptions withSchedule(LvmScheduleOptions s) {
    return new LvmTrainingOptions(loss, s, run, binarization);
  }

  public LvmTrainingOptions withRun(LvmRunOptions r) {
    return new LvmTrainingOptions(loss, schedule, r, binarization);
  }

  public LvmTrainingOptions withBinarization(Binarization b) {
    return new LvmTrainingOptions(loss, schedule, run, b);
  }

  public LvmTrainingOptions withObjective(Objective o) {
    return withLoss(loss.withObjective(o));
  }

  public LvmTrainingOptions withNumSamples(int k) {
    return withLoss(loss.withNumSamples(k));
  }

  public LvmTrainingOptions withMinTerms(int m) {
    return withLoss(loss.withMinTerms(m));
  }

  public LvmTrainingOptions withGradient(GradientEstimator g) {
    return withLoss(loss.withGradient(g));
  }

  public LvmTrainingOptions withLearningRate(double lr) {
    return withSchedule(schedule.withLearningRate(lr));
  }

  public LvmTrainingOptions withLrFloor(double f) {
    return withSchedule(schedule.withLrFloor(f));
  }

  public LvmTrainingOptions withWarmupEpochs(int e) {
    return withSchedule(schedule.withWarmupEpochs(e));
  }

  public LvmTrainingOptions withBatchSize(int b) {
    return withRun(run.withBatchSize(b));
  }

  public LvmTrainingOptions withEpochs(int e) {
    return withRun(run.withEpochs(e));
  }

  public LvmTrainingOptions withMaxSteps(long s) {
    return withRun(run.withMaxSteps(s));
  }

  public LvmTrainingOptions withClipNorm(double c) {
    return withRun(run.withClipNorm(c));
  }

  public LvmTrainingOptions withSeed(long s) {
    return withRun(run.withSeed(s));
  }

  public LvmTrainingOptions withPatience(int p) {
    return withRun(run.withPatience(p));
  }

  public LvmTrainingOptions withCheckpoint(Path path, long every) {
    return withRun(run.withCheckpoint(path, every));
  }

  public Objective objective() {
    return loss.objective();
  }

  public int numSamples() {
    return loss.numSamples();
  }

  public int minTerms() {
    return loss.minTerms();
  }

  public GradientEstimator gradient() {
    return loss.gradient();
  }

  public double learningRate() {
    return schedule.learningRate();
  }

  public double lrFloor() {
    return schedule.lrFloor();
  }

  public int warmupEpochs() {
    return schedule.warmupEpochs();
  }

  public int batchSize() {
    return run.batchSize();
  }

  public int epochs() {
    return run.epochs();
  }

  public long maxSteps() {
    return run.maxSteps();
  }

  public double clipNorm() {
    return run.clipNorm();
  }

  public long seed() {
    return run.seed();
  }

  public int patience() {
    return run.patience();
  }

  public long checkpointEvery() {
    return run.checkpointEvery();
  }

  public Path checkpoint() {
    return run.checkpoint();
  }

  /** The estimator whose value the decoder maximizes. */
  public LogMarginalEstimator estimator() {
    return loss.estimator();
  }

  /** A short label such as "iwae-5" or "sumo-m4". */
  public String objectiveLabel() {
    return loss.label();
  }

  /** The options as a JSON-ready map, for provenance. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("objective", objective().id());
    m.put("k", numSamples());
    m.put("minTerms", minTerms());
    m.put("batch", batchSize());
    m.put("epochs", epochs());
    m.put("maxSteps", maxSteps());
    m.put("lr", learningRate());
    m.put("clip", clipNorm());
    m.put("seed", seed());
    m.put("binarize", binarization.toString());
    m.put("patience", patience());
    m.put("checkpointEvery", checkpointEvery());
    m.put("gradient", gradient().id());
    m.put("lrFloor", lrFloor());
    m.put("warmupEpochs", warmupEpochs());
    return m;
  }
}
