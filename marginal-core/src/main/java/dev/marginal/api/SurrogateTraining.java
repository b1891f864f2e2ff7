package dev.marginal.api;

import dev.marginal.density.LvmDensityModel;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Provenance;
import dev.marginal.models.DeepLvm;
import dev.marginal.targets.Target;
import dev.marginal.targets.TargetContract;
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
import java.util.function.Supplier;

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
   * @param losses the training loss (batch mean of log q̂ − log p̃) at every step of the run; a resumed run's
   *     include those before the resume, which its checkpoint carries (a checkpoint written before checkpoints kept
   *     them carries none, and then only this call's steps are here)
   * @param evaluations metrics at every evaluation, the last at the final step; a resumed run's include those of
   *     its checkpoint, as {@link #losses}, restored with every value, their log Z estimates' log weights included
   *     (a checkpoint written before checkpoints kept those weights restores them empty,
   *     {@link dev.marginal.train.LogZEstimate#logWeights()}, with their number kept)
   * @param warnings warnings raised during the run (a KL estimate significantly below zero, say), those before a
   *     resume included, as {@link #losses}; then, when the last evaluation's importance weights are unreliable
   *     (Pareto k̂ above its threshold, for the IWAE rows of its KL estimate or for its log Z estimate), one for each
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
   * @param run evaluations (when, with which settings, who hears), checkpoint interval, progress and stop
   *     ({@link ReverseKlRun.Control}); its progress also receives a {@link dev.marginal.train.SurrogateReport} at
   *     every evaluation; with a {@code checkpoint} file its checkpoint sink writes that file
   * @param checkpoint checkpoint file, or null; its directory must exist (a missing one is not created: the first
   *     write fails with a {@link CheckpointWriteException})
   * @param resume a checkpoint to continue from, or null
   * @param provenanceExtras entries added to the provenance stored in checkpoints (beside {@link Provenance#toMap()}
   *     and the run's fingerprint)
   */
  public record Control(ReverseKlRun.Control run, Path checkpoint, ModelFile resume,
      Map<String, Object> provenanceExtras) {
    public Control {
      Objects.requireNonNull(run, "run");
      provenanceExtras = Map.copyOf(provenanceExtras);
    }

    /**
     * Silent, evaluated once at the end with the default metric settings ({@link SurrogateMetrics.Settings#defaults()},
     * seconds to minutes of work), no checkpoints.
     */
    public static Control none() {
      return new Control(ReverseKlRun.Control.defaults(), null, null, Map.of());
    }

    /** Who hears every step and every evaluation's report. */
    public Control withProgress(Progress p) {
      return withRun(run.withProgress(p));
    }

    /** Receives the metrics of every evaluation. */
    public Control withOnEvaluation(Consumer<SurrogateMetrics> c) {
      return withRun(run.withOnEvaluation(c));
    }

    /** Polled after every step: true checkpoints (where a file is set) and stops the run as INTERRUPTED. */
    public Control withStop(BooleanSupplier s) {
      return withRun(run.withStop(s));
    }

    /** Evaluates every {@code every} steps (0 = only at the end) with {@code settings}. */
    public Control withEvaluation(long every, SurrogateMetrics.Settings settings) {
      return withRun(run.withEvaluation(every, settings));
    }

    /** Checkpoints to {@code path} every {@code every} steps (0 = only at the end and when stopped). */
    public Control withCheckpoint(Path path, long every) {
      return new Control(run.withCheckpoints(every, run.checkpoints().sink()), path, resume, provenanceExtras);
    }

    /** Continues the run of {@code file}, a checkpoint, with the same settings (the length may change). */
    public Control withResume(ModelFile file) {
      return new Control(run, checkpoint, file, provenanceExtras);
    }

    /** Entries added to the provenance stored in checkpoints. */
    public Control withProvenanceExtras(Map<String, Object> extras) {
      return new Control(run, checkpoint, resume, extras);
    }

    /** Evaluations, checkpoint interval, progress and stop at once. */
    public Control withRun(ReverseKlRun.Control r) {
      return new Control(r, checkpoint, resume, provenanceExtras);
    }
  }

  /**
   * Trains with {@code options}, silently, evaluating once at the end with {@link SurrogateMetrics.Settings#defaults()}:
   * IWAE with K = 5000 on 1,000 surrogate samples and 20,000 samples for W1 and log Z, which can take longer than a
   * short training itself; for a quick run pass {@link Control#withEvaluation} with smaller settings (say
   * {@link SurrogateMetrics.Settings#quick()}).
   */
  public static Result train(Target target, ReverseKlOptions options) {
    return train(target, options, Control.none());
  }

  /**
   * Trains under {@code control}.
   *
   * @throws IllegalArgumentException if a checkpoint to resume does not fit the target or options, or has done more
   *     steps than {@code options.iterations()} (a {@link dev.marginal.config.ParameterException} about
   *     {@code iterations})
   * @throws CheckpointWriteException if a checkpoint cannot be written (it can still be written elsewhere)
   * @throws IllegalArgumentException naming the target, before any training, if it breaks its interface's contract
   *     ({@link TargetContract}): no name, a dimension below 1, a support, box, log Z, entropy, modes or hard region
   *     that does not fit it, a {@link Target#logDensity(dev.marginal.autodiff.Var)} that fails or does not return
   *     one value per point on two points inside its support, or an exact sampler that fails or draws the wrong
   *     shape or non-finite values
   */
  public static Result train(Target target, ReverseKlOptions options, Control control) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(control, "control");
    checkTarget(target);
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
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put(RunFingerprint.KEY, fingerprint);
    extras.putAll(control.provenanceExtras());
    Supplier<Map<String, Object>> record = () -> {
      Map<String, Object> p = clock.stop(options.seed(), target.name(), 0, List.of(), options.toMap()).toMap();
      p.putAll(extras);
      return p;
    };
    Path ckpt = control.checkpoint();
    ReverseKlRun.Result run;
    ReportingProgress reporting = new ReportingProgress(control.run().progress(),
        control.run().evaluations().listener(), trainer);
    try {
      ReverseKlRun.Control runControl = control.run().withProgress(reporting).withOnEvaluation(reporting);
      if (ckpt != null) {
        runControl = runControl.withCheckpoints(runControl.checkpoints().every(),
            t -> LvmCheckpoint.write(ckpt, model, t, record.get()));
      }
      run = ReverseKlRun.run(trainer, target, options, runControl);
    } catch (IOException e) {
      if (ckpt == null) {
        throw new java.io.UncheckedIOException("checkpoint sink failed: " + e.getMessage(), e);
      }
      ReverseKlTrainer t = trainer;
      LvmDensityModel m = model;
      throw new CheckpointWriteException(ckpt, e, p -> LvmCheckpoint.write(p, m, t, record.get()));
    } finally {
      reporting.close();
    }
    if (run.status() != ReverseKlRun.Status.DIVERGED) {
      trainer.finishWithAveragedParametersInPlace();
    }
    Provenance provenance = clock.stop(options.seed(), target.name(), 0, List.of(), options.toMap());
    return new Result(model, run.status(), run.message(), run.steps(), run.losses(), run.evaluations(),
        withDiagnostics(run.warnings(), run.evaluations()), provenance);
  }

  /**
   * The run's warnings and, when the last evaluation's IWAE weights have rows with Pareto k̂ above the threshold or
   * its log Z weights a k̂ above it, those too.
   */
  private static List<String> withDiagnostics(List<String> warnings, List<SurrogateMetrics> evaluations) {
    if (evaluations.isEmpty()) {
      return warnings;
    }
    List<String> all = new ArrayList<>(warnings);
    SurrogateMetrics m = evaluations.get(evaluations.size() - 1);
    if (m.iwaeDiagnostics().anyUnreliable()) {
      all.add("step " + m.step() + ": the IWAE-" + m.iwaeDiagnostics().numSamples() + " weights of the KL "
          + "estimate: " + m.iwaeDiagnostics().warning());
    }
    if (m.checks().logZ().unreliable()) {
      all.add("step " + m.step() + ": the log Z estimate: " + m.checks().logZ().warning());
    }
    return all;
  }

  /**
   * Refuses a target that cannot be trained on, naming it, instead of failing deep inside the first step or
   * reporting a broken declaration as a result ({@link TargetContract}).
   */
  static void checkTarget(Target target) {
    TargetContract.check(target);
  }

  private static List<String> columns(int d) {
    List<String> c = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      c.add("x" + j);
    }
    return c;
  }
}
