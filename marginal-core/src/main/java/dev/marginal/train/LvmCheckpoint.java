package dev.marginal.train;

import dev.marginal.io.JsonFields;
import dev.marginal.io.ModelFile;
import dev.marginal.models.LocalPosteriors;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checkpoints of a deep-LVM training run: an ordinary model file (so a checkpoint can be scored or sampled like a
 * finished model) with the optimizers' moments as extra tensors ({@code opt.decoder/...}, {@code opt.encoder/...})
 * and the {@link TrainingState} and options under {@code provenance.training}. Written atomically, so an interrupted
 * write never destroys the previous checkpoint.
 *
 * <p>A per-datapoint run also stores its training rows' posteriors ({@value LocalPosteriors#LOC},
 * {@value LocalPosteriors#LOG_VAR}) and their row-sparse Adam state ({@code opt.local/...}), so that a resumed run
 * continues exactly; finished model files leave them out. Under early stopping the best validation epoch's
 * parameter values are kept too ({@code best/...}), so that a resumed run that stops early restores the same ones.
 *
 * <p>A reverse-KL run stores its history ({@link ReverseKlHistory}): the loss at every step ({@value #LOSSES}), its
 * evaluations and warnings under {@code provenance.training}, and each evaluation's log Z weights as a float64
 * tensor. Restoring either kind of run first cross-checks its counters ({@link CheckpointCounters}).
 */
public final class LvmCheckpoint {
  /**
   * How a diverged run's message names the checkpoint holding its last good state, when it wrote one: "…; the
   * checkpoint of step 40 holds the last good parameters". A front end that knows the checkpoint's path adds it.
   */
  public static final String LAST_GOOD = "; the checkpoint of step ";

  static final String DECODER_PREFIX = "opt.decoder/";
  static final String ENCODER_PREFIX = "opt.encoder/";
  static final String LOCAL_PREFIX = "opt.local/";
  static final String AVERAGE_PREFIX = "average/";
  static final String BEST_PREFIX = "best/";
  /** The reverse-KL run's loss at every step so far, {@code [step]}. */
  static final String LOSSES = "history/loss";
  /** Keys of the current epoch's running objective in {@code provenance.training}. */
  static final String EPOCH_SUM = "epochObjectiveSum";
  static final String EPOCH_COUNT = "epochObjectiveCount";
  /** What messages call {@code provenance.training}. */
  static final String TRAINING_STATE = "training state";

  private LvmCheckpoint() {}

  /**
   * Whether {@code file} is a checkpoint, and how far its run had come: {@code checkpoint} (true when the file holds
   * an optimizer's state, {@code opt.decoder/...}, which finished model files leave out), then for a checkpoint the
   * {@code step} and, of a deep-LVM fit, the {@code epoch} from {@code provenance.training} (each when recorded).
   *
   * @throws IllegalArgumentException naming the field, if the training state or one of these is of the wrong type
   */
  public static Map<String, Object> describe(ModelFile file) {
    Map<String, Object> m = new LinkedHashMap<>();
    boolean checkpoint = file.tensors().keySet().stream().anyMatch(k -> k.startsWith(DECODER_PREFIX));
    m.put("checkpoint", checkpoint);
    if (checkpoint && file.provenance().containsKey("training")) {
      JsonFields training = trainingFields(file);
      for (String key : new String[] {"step", "epoch"}) {
        if (training.has(key)) {
          m.put(key, training.count(key));
        }
      }
    }
    return m;
  }

  /** Writes the trainer's model, optimizer state and training state. */
  public static void write(Path path, LvmDensityModel model, LvmTrainer trainer, Map<String, Object> provenance)
      throws IOException {
    Map<String, Tensor> extra = new LinkedHashMap<>();
    LocalPosteriors local = trainer.localPosteriors();
    if (local != null) {
      extra.put(LocalPosteriors.LOC, local.loc().value());
      extra.put(LocalPosteriors.LOG_VAR, local.logVar().value());
      put(extra, LOCAL_PREFIX, trainer.localOptimizerState());
    }
    put(extra, BEST_PREFIX, trainer.bestEpochState());
    Map<String, Object> training = new LinkedHashMap<>(trainer.state().toMap());
    training.put(EPOCH_SUM, trainer.epochProgress()[0]);
    training.put(EPOCH_COUNT, (long) trainer.epochProgress()[1]);
    write(path, model, training, trainer.decoderOptimizerState(), trainer.encoderOptimizerState(),
        extra, provenance);
  }

  /**
   * Writes a reverse-KL trainer's surrogate, optimizer state, step count and the run's history so far: the loss at
   * every step ({@value #LOSSES}) and the evaluations, with their log Z weights, and warnings
   * ({@link ReverseKlHistory}).
   */
  public static void write(Path path, LvmDensityModel model, ReverseKlTrainer trainer, Map<String, Object> provenance)
      throws IOException {
    Map<String, Tensor> extra = new LinkedHashMap<>();
    put(extra, AVERAGE_PREFIX, trainer.averageState());
    ReverseKlHistory history = trainer.history();
    float[] losses = history.losses();
    if (losses.length > 0) {
      extra.put(LOSSES, Tensor.wrap(losses, losses.length));
    }
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("step", trainer.steps());
    training.putAll(history.toTraining());
    write(path, model, training, trainer.decoderOptimizerState(), trainer.encoderOptimizerState(), extra,
        history.logWeightTensors(), provenance);
  }

  private static void write(Path path, LvmDensityModel model, Map<String, Object> training,
      Map<String, float[]> decoderState, Map<String, float[]> encoderState, Map<String, Tensor> extra,
      Map<String, Object> provenance) throws IOException {
    write(path, model, training, decoderState, encoderState, extra, Map.of(), provenance);
  }

  private static void write(Path path, LvmDensityModel model, Map<String, Object> training,
      Map<String, float[]> decoderState, Map<String, float[]> encoderState, Map<String, Tensor> extra,
      Map<String, ModelFile.Float64> extraFloat64, Map<String, Object> provenance) throws IOException {
    Map<String, Object> p = new LinkedHashMap<>(provenance);
    p.put("training", new LinkedHashMap<>(training));
    ModelFile base = model.toFile(p);
    // Every tensor of the model, the unused encoder of a per-datapoint model included (its finished model file leaves
    // it out): a resumed run holds exactly what the interrupted one did.
    Map<String, Tensor> tensors = new LinkedHashMap<>(model.model().tensors());
    put(tensors, DECODER_PREFIX, decoderState);
    put(tensors, ENCODER_PREFIX, encoderState);
    tensors.putAll(extra);
    Map<String, ModelFile.Float64> float64 = new LinkedHashMap<>(base.float64Tensors());
    float64.putAll(extraFloat64);
    new ModelFile(base.kind(), base.config(), base.provenance(), tensors, float64).write(path);
  }

  /**
   * Restores a reverse-KL trainer built on the checkpoint's surrogate to the checkpoint's state, and the run's
   * history so far, which {@link ReverseKlRun} continues: empty from a checkpoint written before checkpoints kept it.
   *
   * @throws IllegalArgumentException if the file holds no training state, a history that does not fit its step, or
   *     counters that disagree: an optimizer's step count or the parameter average's update count other than the
   *     step, or a step past the iterations of the run that wrote it
   */
  public static void restore(ModelFile file, ReverseKlTrainer trainer) {
    Map<?, ?> training = training(file, "the model file holds no training state to resume from");
    long step = JsonFields.of(TRAINING_STATE, training).count("step");
    Tensor losses = file.tensors().get(LOSSES);
    // The tensor's size was checked against the file's bytes and the heap when it was read.
    ReverseKlHistory history = ReverseKlHistory.fromCheckpoint(training, losses == null ? null : losses.toArray(),
        file.float64Tensors(), step);
    Map<String, float[]> decoder = take(file, DECODER_PREFIX);
    Map<String, float[]> encoder = take(file, ENCODER_PREFIX);
    Map<String, float[]> average = takeOptional(file, AVERAGE_PREFIX);
    CheckpointCounters.requireReverseKl(file, step, decoder, encoder, average);
    trainer.resumeFrom(step, decoder, encoder, average);
    trainer.recordHistory(history);
  }

  /**
   * Whether the run that wrote {@code file} had ended: a density-estimation run that completed or stopped early, a
   * reverse-KL run that had done all its iterations and its last evaluation. The checkpoint of an interrupted run, or
   * one written every so many steps (or before an evaluation) by a run that was then killed or diverged, is of an
   * unfinished run, which only a resume continues.
   *
   * @throws IllegalArgumentException if the file holds no training state
   */
  public static boolean ofFinishedRun(ModelFile file) {
    JsonFields training = trainingFields(file);
    long step = training.count("step");
    if (training.has("status")) {
      String status = training.string("status");
      return status.equals(TrainingState.Status.COMPLETED.name())
          || status.equals(TrainingState.Status.EARLY_STOPPED.name());
    }
    // A reverse-KL checkpoint keeps only its step; its options, the iterations of the run that wrote it.
    if (!file.provenance().containsKey("options")) {
      return false;
    }
    JsonFields options = JsonFields.of("options", JsonFields.of("provenance", file.provenance()).object("options"));
    return options.has("iterations") && step >= options.count("iterations") && !beforeItsEvaluation(training, step);
  }

  /**
   * Whether a reverse-KL checkpoint holds a history without the evaluation of its own step: saved just before the
   * run's last evaluation ({@link ReverseKlRun}), whose model was then not written. A checkpoint without a history
   * (0.2.0 and earlier) is not.
   */
  private static boolean beforeItsEvaluation(JsonFields training, long step) {
    if (!training.has(ReverseKlHistory.EVALUATIONS)) {
      return false;
    }
    List<Map<?, ?>> evaluations = training.objects(ReverseKlHistory.EVALUATIONS);
    return evaluations.isEmpty()
        || !(evaluations.get(evaluations.size() - 1).get("step") instanceof Number last)
        || last.longValue() != step;
  }

  /**
   * The optimisation steps the run that wrote {@code file} had done.
   *
   * @throws IllegalArgumentException if the file holds no training state, or its step is not a count
   */
  public static long step(ModelFile file) {
    return trainingFields(file).count("step");
  }

  /** The file's training state, typed ({@code training state 'step' must be a whole number >= 0, got '40'}). */
  private static JsonFields trainingFields(ModelFile file) {
    return JsonFields.of(TRAINING_STATE, training(file, "the model file holds no training state"));
  }

  /** {@code provenance.training}, which must be an object; {@code absent} is the message when there is none. */
  private static Map<?, ?> training(ModelFile file, String absent) {
    if (!file.provenance().containsKey("training")) {
      throw new IllegalArgumentException(absent);
    }
    return JsonFields.of("provenance", file.provenance()).object("training");
  }

  private static void put(Map<String, Tensor> tensors, String prefix, Map<String, float[]> state) {
    for (Map.Entry<String, float[]> e : state.entrySet()) {
      tensors.put(prefix + e.getKey(), Tensor.wrap(e.getValue(), e.getValue().length));
    }
  }

  /**
   * Restores a trainer built on the checkpoint's model (see {@link LvmDensityModel#fromFile}) to the checkpoint's
   * optimizer and training state.
   *
   * @throws IllegalArgumentException if the file holds no training state, or counters that disagree: an optimizer's
   *     step count other than the step, a history of another number of epochs than the epoch, a row's step count
   *     outside the epochs begun, or an epoch or step past the length of the run that wrote it
   */
  @SuppressWarnings("unchecked")
  public static void restore(ModelFile file, LvmTrainer trainer) {
    Map<?, ?> training = training(file, "the model file holds no training state to resume from");
    TrainingState state = TrainingState.fromMap((Map<String, Object>) training).resumed();
    Map<String, float[]> decoder = take(file, DECODER_PREFIX);
    Map<String, float[]> encoder = take(file, ENCODER_PREFIX);
    CheckpointCounters.requireDensity(file, state, decoder, encoder,
        trainer.localPosteriors() == null ? null : rowCounts(takeOptional(file, LOCAL_PREFIX)));
    trainer.resumeFrom(state, decoder, encoder);
    trainer.resumeBestEpochFrom(takeOptional(file, BEST_PREFIX));
    JsonFields t = JsonFields.of(TRAINING_STATE, training);
    if (t.has(EPOCH_SUM) || t.has(EPOCH_COUNT)) {
      t.count(EPOCH_COUNT); // present, whole and >= 0: a sum without its count is refused, not resumed as 0 terms
      trainer.resumeEpochProgress(t.number(EPOCH_SUM), t.integer(EPOCH_COUNT, 0));
    }
    LocalPosteriors local = trainer.localPosteriors();
    if (local != null) {
      LocalPosteriors saved = localPosteriors(file);
      if (saved.rows() != local.rows() || saved.latentDim() != local.latentDim()) {
        throw new IllegalArgumentException("the checkpoint's local posteriors are [" + saved.rows() + ", "
            + saved.latentDim() + "], the trainer's [" + local.rows() + ", " + local.latentDim() + "]");
      }
      local.loc().set(saved.loc().value());
      local.logVar().set(saved.logVar().value());
      trainer.resumeLocalFrom(take(file, LOCAL_PREFIX));
    }
  }

  /**
   * The per-row step counts of a row-sparse Adam state ({@link dev.marginal.optim.RowAdam#state()}: each an int's
   * bits in a float), or an empty array when the state has none, which the optimizer then refuses.
   */
  private static int[] rowCounts(Map<String, float[]> localState) {
    float[] t = localState.getOrDefault("t", new float[0]);
    int[] counts = new int[t.length];
    for (int r = 0; r < t.length; r++) {
      counts[r] = Float.floatToRawIntBits(t[r]);
    }
    return counts;
  }

  /**
   * The training rows' posteriors saved in a per-datapoint checkpoint.
   *
   * @throws IllegalArgumentException if the file holds none
   */
  public static LocalPosteriors localPosteriors(ModelFile file) {
    Tensor loc = file.tensors().get(LocalPosteriors.LOC);
    Tensor logVar = file.tensors().get(LocalPosteriors.LOG_VAR);
    if (loc == null || logVar == null) {
      throw new IllegalArgumentException("the model file holds no per-datapoint posteriors to resume from (only "
          + "checkpoints keep them)");
    }
    return LocalPosteriors.of(loc, logVar);
  }

  private static Map<String, float[]> take(ModelFile file, String prefix) {
    Map<String, float[]> s = takeOptional(file, prefix);
    if (s.isEmpty()) {
      throw new IllegalArgumentException("the model file holds no optimizer state to resume from");
    }
    return s;
  }

  private static Map<String, float[]> takeOptional(ModelFile file, String prefix) {
    Map<String, float[]> s = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        s.put(e.getKey().substring(prefix.length()), e.getValue().toArray());
      }
    }
    return s;
  }
}
