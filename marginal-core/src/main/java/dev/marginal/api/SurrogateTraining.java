package dev.marginal.api;

import dev.marginal.density.LvmDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.models.DeepLvm;
import dev.marginal.targets.Target;
import dev.marginal.train.CheckpointWriteException;
import dev.marginal.train.LvmCheckpoint;
import dev.marginal.train.Progress;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.ReverseKlRun;
import dev.marginal.train.ReverseKlTrainer;
import dev.marginal.train.RunFingerprint;
import dev.marginal.train.SurrogateMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Trains a reverse-KL surrogate q(x) for an unnormalized target in one call and returns the model to use: with
 * parameter averaging (the default) the averaged parameters, already in place, so it samples and scores as
 * evaluated. Metrics at every evaluation, the loss at every step and any warnings come back with it.
 *
 * <pre>{@code
 * SurrogateTraining.Result r = SurrogateTraining.train(Targets.of("funnel"), ReverseKlOptions.defaults());
 * Dataset draws = r.model().sample(RngKey.of(1), 1000);
 * }</pre>
 */
public final class SurrogateTraining {
  private SurrogateTraining() {}

  /**
   * A trained surrogate.
   *
   * @param model the surrogate (averaged parameters when the options average; the last good one if diverged)
   * @param status completed, interrupted or diverged
   * @param message why the run stopped early ("" when completed)
   * @param steps steps done in all (a resumed run counts the earlier ones)
   * @param losses the training loss (batch mean of log q̂ − log p̃) at every step of this call
   * @param evaluations metrics at every evaluation, the last at the final step
   * @param warnings warnings raised during the run (a KL estimate significantly below zero, say)
   * @param provenance seed, target, options, versions and wall time
   */
  public record Result(LvmDensityModel model, ReverseKlRun.Status status, String message, long steps,
      float[] losses, List<SurrogateMetrics> evaluations, List<String> warnings, Provenance provenance) {
    public Result {
      losses = losses.clone();
      evaluations = List.copyOf(evaluations);
      warnings = List.copyOf(warnings);
    }

    /** The loss at every step (a copy). */
    @Override
    public float[] losses() {
      return losses.clone();
    }

    /** The metrics of the last evaluation (at the final step of a completed run), or null if there was none. */
    public SurrogateMetrics finalMetrics() {
      return evaluations.isEmpty() ? null : evaluations.get(evaluations.size() - 1);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Result r && r.model == model && r.status == status && r.message.equals(message)
          && r.steps == steps && java.util.Arrays.equals(r.losses, losses) && r.evaluations.equals(evaluations)
          && r.warnings.equals(warnings) && r.provenance.equals(provenance);
    }

    @Override
    public int hashCode() {
      return Objects.hash(status, message, steps, java.util.Arrays.hashCode(losses), evaluations, warnings);
    }

    @Override
    public String toString() {
      return "Result[model=" + model + ", status=" + status + ", message=" + message + ", steps=" + steps + ", "
          + losses.length + " losses, evaluations=" + evaluations + ", warnings=" + warnings + ", provenance="
          + provenance + "]";
    }
  }

  /**
   * How a run is watched and controlled; every part is optional.
   *
   * @param progress receives every step, a {@link dev.marginal.train.SurrogateReport} at every evaluation, and the
   *     end of the run
   * @param onEvaluation receives the metrics of every evaluation
   * @param stop polled after every step; true checkpoints and stops (INTERRUPTED)
   * @param evalEvery evaluate every this many steps (0 = only at the end)
   * @param metrics how evaluations are done
   * @param checkpoint checkpoint file, or null
   * @param checkpointEvery checkpoint every this many steps (0 = only at the end and when stopped)
   * @param resume a checkpoint to continue from, or null
   * @param provenanceExtras entries added to the provenance stored in checkpoints
   */
  public record Control(Progress progress, Consumer<SurrogateMetrics> onEvaluation, BooleanSupplier stop,
      long evalEvery, SurrogateMetrics.Settings metrics, Path checkpoint, long checkpointEvery, ModelFile resume,
      Map<String, Object> provenanceExtras) {
    public Control {
      dev.marginal.config.ParameterException.atLeast("evalEvery", evalEvery, 0);
      dev.marginal.config.ParameterException.atLeast("checkpointEvery", checkpointEvery, 0);
      provenanceExtras = Map.copyOf(provenanceExtras);
    }

    /** Silent, evaluated once at the end with the default metric settings, no checkpoints. */
    public static Control none() {
      return new Control(Progress.silent(), m -> { }, () -> false, 0, SurrogateMetrics.Settings.defaults(), null,
          0, null, Map.of());
    }

    public Control withProgress(Progress p) {
      return new Control(p, onEvaluation, stop, evalEvery, metrics, checkpoint, checkpointEvery, resume,
          provenanceExtras);
    }

    public Control withOnEvaluation(Consumer<SurrogateMetrics> c) {
      return new Control(progress, c, stop, evalEvery, metrics, checkpoint, checkpointEvery, resume,
          provenanceExtras);
    }

    public Control withStop(BooleanSupplier s) {
      return new Control(progress, onEvaluation, s, evalEvery, metrics, checkpoint, checkpointEvery, resume,
          provenanceExtras);
    }

    public Control withEvaluation(long every, SurrogateMetrics.Settings settings) {
      return new Control(progress, onEvaluation, stop, every, settings, checkpoint, checkpointEvery, resume,
          provenanceExtras);
    }

    public Control withCheckpoint(Path path, long every) {
      return new Control(progress, onEvaluation, stop, evalEvery, metrics, path, every, resume, provenanceExtras);
    }

    public Control withResume(ModelFile file) {
      return new Control(progress, onEvaluation, stop, evalEvery, metrics, checkpoint, checkpointEvery, file,
          provenanceExtras);
    }

    public Control withProvenanceExtras(Map<String, Object> extras) {
      return new Control(progress, onEvaluation, stop, evalEvery, metrics, checkpoint, checkpointEvery, resume,
          extras);
    }
  }

  /** Trains with {@code options}, silently, evaluating once at the end. */
  public static Result train(Target target, ReverseKlOptions options) {
    return train(target, options, Control.none());
  }

  /**
   * Trains under {@code control}.
   *
   * @throws IllegalArgumentException if a checkpoint to resume does not fit the target or options
   * @throws CheckpointWriteException if a checkpoint cannot be written (it can still be written elsewhere)
   */
  public static Result train(Target target, ReverseKlOptions options, Control control) {
    Provenance.Clock clock = Provenance.startClock();
    LvmDensityModel model;
    ReverseKlTrainer trainer;
    Map<String, Object> fingerprint = RunFingerprint.of(options, target.name());
    if (control.resume() != null) {
      RunFingerprint.check(control.resume().provenance(), fingerprint);
      model = LvmDensityModel.fromFile(control.resume());
      trainer = new ReverseKlTrainer(model.model(), target, options);
      LvmCheckpoint.restore(control.resume(), trainer);
    } else {
      DeepLvm surrogate = ReverseKlTrainer.newSurrogate(target, options);
      model = new LvmDensityModel(surrogate, columns(target.dim()), null).withSupport(target.support());
      trainer = new ReverseKlTrainer(surrogate, target, options);
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("seed", options.seed());
    record.put("target", target.name());
    record.put("training_options", options.toMap());
    record.put(RunFingerprint.KEY, fingerprint);
    record.putAll(control.provenanceExtras());
    Path ckpt = control.checkpoint();
    ReverseKlRun.Result run;
    ReportingProgress reporting = new ReportingProgress(control.progress(), control.onEvaluation(), trainer);
    try {
      run = ReverseKlRun.run(trainer, target, options, control.evalEvery(), control.checkpointEvery(),
          control.metrics(), reporting, control.stop(),
          t -> {
            if (ckpt != null) {
              LvmCheckpoint.write(ckpt, model, t, record);
            }
          }, reporting);
    } catch (IOException e) {
      ReverseKlTrainer t = trainer;
      LvmDensityModel m = model;
      throw new CheckpointWriteException(ckpt, e, p -> LvmCheckpoint.write(p, m, t, record));
    } finally {
      reporting.close();
    }
    if (run.status() != ReverseKlRun.Status.DIVERGED) {
      trainer.finishWithAveragedParametersInPlace();
    }
    Provenance provenance = clock.stop(options.seed(), target.name(), 0, List.of(), options.toMap());
    return new Result(model, run.status(), run.message(), run.steps(), run.losses(), run.evaluations(),
        run.warnings(), provenance);
  }

  private static List<String> columns(int d) {
    List<String> c = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      c.add("x" + j);
    }
    return c;
  }
}
