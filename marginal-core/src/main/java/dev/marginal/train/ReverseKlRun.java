package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A whole reverse-KL run: training steps with periodic evaluation, progress, checkpoints, a stop on divergence
 * (keeping the last good checkpoint) and a warning when a KL estimate on a normalized target goes significantly
 * negative, which can only happen through estimator bias. With averaging, evaluations see the averaged parameters.
 */
public final class ReverseKlRun {
  /** How the run ended. */
  public enum Status { COMPLETED, INTERRUPTED, DIVERGED }

  /** What a diverged run's message says, after its step, when the loss itself became non-finite. */
  public static final String LOSS_DIVERGED = ": the loss was ";
  /**
   * What a diverged run's message says, after its step, when updates carried the surrogate's draws beyond where
   * float32 arithmetic stays finite: like {@link #LOSS_DIVERGED}, the step size's doing.
   */
  public static final String PARAMETERS_DIVERGED = ": the surrogate's parameters diverged";

  /**
   * The outcome.
   *
   * @param losses the training loss at every step of the run (a resumed run's: see {@link #run}): the batch mean
   *     of log q̂ − log p̃, or in a forward-KL step ({@link ForwardKl}) of −log q̂ over the resampled batch
   * @param evaluations metrics at every evaluation, the last one at the final step
   * @param warnings human-readable warnings raised during the run
   */
  public record Result(Status status, String message, long steps, float[] losses, List<SurrogateMetrics> evaluations,
      List<String> warnings) {
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

    @Override
    public boolean equals(Object o) {
      return o instanceof Result r && r.status == status && r.message.equals(message) && r.steps == steps
          && java.util.Arrays.equals(r.losses, losses) && r.evaluations.equals(evaluations)
          && r.warnings.equals(warnings);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(status, message, steps, java.util.Arrays.hashCode(losses), evaluations,
          warnings);
    }

    @Override
    public String toString() {
      return "Result[status=" + status + ", message=" + message + ", steps=" + steps + ", " + losses.length
          + " losses, evaluations=" + evaluations + ", warnings=" + warnings + "]";
    }
  }

  /** Receives checkpoints (the trainer's current, finite state). */
  public interface CheckpointSink {
    /** Writes nothing: a run without checkpoints, whose messages mention none. */
    CheckpointSink NONE = trainer -> { };

    void write(ReverseKlTrainer trainer) throws IOException;
  }

  /**
   * How a run is watched and controlled, grouped by concern. {@link #defaults()}: evaluate once at the end with the
   * default metric settings, write no checkpoints, report no progress, run to the end; each part changes with a
   * {@code withX} method.
   *
   * @param evaluations when and how the surrogate is evaluated, and who hears of it
   * @param checkpoints when checkpoints are taken, and where they go
   * @param progress receives every step and the end of the run
   * @param stop polled after every step; true checkpoints and stops the run ({@link Status#INTERRUPTED})
   */
  public record Control(Evaluations evaluations, Checkpoints checkpoints, Progress progress, BooleanSupplier stop) {
    public Control {
      Objects.requireNonNull(evaluations, "evaluations");
      Objects.requireNonNull(checkpoints, "checkpoints");
      Objects.requireNonNull(progress, "progress");
      Objects.requireNonNull(stop, "stop");
    }

    /** Evaluated once at the end with {@link SurrogateMetrics.Settings#defaults()}, silent, no checkpoints. */
    public static Control defaults() {
      return new Control(new Evaluations(0, SurrogateMetrics.Settings.defaults(), m -> { }),
          new Checkpoints(0, CheckpointSink.NONE), Progress.silent(), () -> false);
    }

    /** Evaluates every {@code every} steps (0 = only at the end) with {@code settings}. */
    public Control withEvaluation(long every, SurrogateMetrics.Settings settings) {
      return new Control(new Evaluations(every, settings, evaluations.listener()), checkpoints, progress, stop);
    }

    /** Hands every evaluation to {@code listener} (for logs). */
    public Control withOnEvaluation(Consumer<SurrogateMetrics> listener) {
      return new Control(new Evaluations(evaluations.every(), evaluations.settings(), listener), checkpoints,
          progress, stop);
    }

    /** Checkpoints into {@code sink} every {@code every} steps (0 = only at the end and when stopped). */
    public Control withCheckpoints(long every, CheckpointSink sink) {
      return new Control(evaluations, new Checkpoints(every, sink), progress, stop);
    }

    public Control withProgress(Progress p) {
      return new Control(evaluations, checkpoints, p, stop);
    }

    public Control withStop(BooleanSupplier s) {
      return new Control(evaluations, checkpoints, progress, s);
    }
  }

  /**
   * Evaluations during the run; the last is always at the final step of a run that completes.
   *
   * @param every evaluate every this many steps, >= 0 (0 = only at the end)
   * @param settings how each evaluation is done
   * @param listener receives each evaluation's metrics
   */
  public record Evaluations(long every, SurrogateMetrics.Settings settings, Consumer<SurrogateMetrics> listener) {
    public Evaluations {
      ParameterException.atLeast("evalEvery", every, 0);
      Objects.requireNonNull(settings, "settings");
      Objects.requireNonNull(listener, "listener");
    }
  }

  /**
   * Checkpoints: always at the end and when stopped, and every {@code every} steps.
   *
   * @param every checkpoint every this many steps, >= 0 (0 = only at the end and when stopped)
   * @param sink where they go
   */
  public record Checkpoints(long every, CheckpointSink sink) {
    public Checkpoints {
      ParameterException.atLeast("checkpointEvery", every, 0);
      Objects.requireNonNull(sink, "sink");
    }
  }

  private ReverseKlRun() {}

  /**
   * Trains for {@code options.iterations()} steps in total (counting steps a resumed trainer already did), under
   * {@code control}. The result's losses, evaluations and warnings cover the whole run, those a trainer restored from
   * a checkpoint ({@link LvmCheckpoint#restore(dev.marginal.io.ModelFile, ReverseKlTrainer)}) included; a trainer
   * resumed by {@link ReverseKlTrainer#resumeFrom} or from a checkpoint written before checkpoints kept them starts
   * them empty. A run resumed at its last step does not evaluate that step again when its checkpoint holds that
   * evaluation. A checkpoint is also saved just before each evaluation (an evaluation can take longer than a stop on
   * Ctrl-C or kill may wait); a run resumed from one evaluates its step first.
   *
   * @throws dev.marginal.config.ParameterException if the trainer has already done more steps than
   *     {@code options.iterations()}: a resumed run may be lengthened or shortened, but not below the steps done
   */
  public static Result run(ReverseKlTrainer trainer, Target target, ReverseKlOptions options, Control control)
      throws IOException {
    if (trainer.steps() > options.iterations()) {
      throw ParameterException.about(List.of("iterations"), "iterations " + options.iterations() + " is fewer "
          + "than the " + trainer.steps() + " steps already done");
    }
    long evalEvery = control.evaluations().every();
    long checkpointEvery = control.checkpoints().every();
    SurrogateMetrics.Settings settings = control.evaluations().settings();
    Consumer<SurrogateMetrics> onEvaluation = control.evaluations().listener();
    CheckpointSink checkpoints = control.checkpoints().sink();
    Progress progress = control.progress();
    BooleanSupplier stop = control.stop();
    RngKey evalKey = RngKey.of(options.seed()).foldIn(0x4556414CL);
    long total = options.iterations();
    ReverseKlHistory past = trainer.history();
    // Grown as steps are done: memory follows the steps run, not the steps asked for.
    float[] losses = java.util.Arrays.copyOf(past.losses(),
        past.losses().length + (int) Math.min(total - trainer.steps(), 1 << 16));
    int recorded = past.losses().length;
    List<SurrogateMetrics> evals = new ArrayList<>(past.evaluations());
    List<String> warnings = new ArrayList<>(past.warnings());
    long start = trainer.steps();
    long checkpointed = -1;
    if (evaluationDue(start, evalEvery, total) && past.losses().length == start && !evaluated(evals, start)) {
      // Resumed from the checkpoint saved just before this step's evaluation (below): the evaluation comes first.
      evaluate(trainer, target, start, settings, evalKey, evals, warnings, onEvaluation);
    }
    while (trainer.steps() < total) {
      boolean forward = trainer.inForwardPhase();
      double loss = trainer.step();
      if (!Double.isFinite(loss)) {
        progress.finish();
        String why = divergence(trainer, forward, loss)
            + (checkpointed < 0 ? "" : LvmCheckpoint.LAST_GOOD + checkpointed + " holds the last good surrogate");
        return new Result(Status.DIVERGED, why, trainer.steps(), trim(losses, recorded), evals, warnings);
      }
      if (recorded == losses.length) {
        losses = java.util.Arrays.copyOf(losses,
            (int) Math.min(2L * losses.length + 1, ReverseKlOptions.MAX_ITERATIONS));
      }
      losses[recorded++] = (float) loss;
      long s = trainer.steps();
      progress.update(s, (s - start) * options.batchSize(), loss);
      if (evaluationDue(s, evalEvery, total)) {
        // Saved first: an evaluation can outlast the wait a stop on Ctrl-C or kill allows, and the steps are kept.
        checkpoint(trainer, checkpoints, trim(losses, recorded), evals, warnings);
        checkpointed = checkpoints == CheckpointSink.NONE ? -1 : s;
        evaluate(trainer, target, s, settings, evalKey, evals, warnings, onEvaluation);
      }
      if (checkpointEvery > 0 && s % checkpointEvery == 0) {
        checkpoint(trainer, checkpoints, trim(losses, recorded), evals, warnings);
        checkpointed = checkpoints == CheckpointSink.NONE ? -1 : s;
      }
      if (stop.getAsBoolean()) {
        progress.finish();
        checkpoint(trainer, checkpoints, trim(losses, recorded), evals, warnings);
        return new Result(Status.INTERRUPTED, "interrupted at step " + s, s, trim(losses, recorded), evals,
            warnings);
      }
    }
    progress.finish();
    if (!evaluated(evals, trainer.steps())) {
      // Saved first, as above; a checkpoint that lacks its last step's evaluation is of an unfinished run.
      checkpoint(trainer, checkpoints, trim(losses, recorded), evals, warnings);
      evaluate(trainer, target, trainer.steps(), settings, evalKey, evals, warnings, onEvaluation);
    }
    checkpoint(trainer, checkpoints, trim(losses, recorded), evals, warnings);
    return new Result(Status.COMPLETED, "", trainer.steps(), trim(losses, recorded), evals, warnings);
  }

  /** Whether step {@code s}, one before the run's last, is evaluated on the way ({@code every} 0: none is). */
  private static boolean evaluationDue(long s, long every, long total) {
    return every > 0 && s > 0 && s % every == 0 && s < total;
  }

  /** Whether {@code evals} end with the evaluation of step {@code s}. */
  private static boolean evaluated(List<SurrogateMetrics> evals, long s) {
    return !evals.isEmpty() && evals.get(evals.size() - 1).step() == s;
  }

  /**
   * Why the step after {@code trainer.steps()} gave the non-finite {@code loss}: the forward KL's proposals all
   * missing the target, a non-finite target log density at the surrogate's draws, or else the loss itself. A
   * non-finite log density at a point so far out that float32 squares overflow there
   * ({@link ReverseKlTrainer#FLOAT_SQUARE_LIMIT}) is put down to what put the point there: the proposal's scale in a
   * forward step, and in a reverse step after updates the parameters, which the step size carried away.
   */
  private static String divergence(ReverseKlTrainer trainer, boolean forward, double loss) {
    long step = trainer.steps() + 1;
    double logP = trainer.lastNonFiniteTargetLogDensity();
    double far = trainer.lastNonFinitePointMagnitude();
    String where = " (a coordinate of " + (float) far + ", beyond " + OVERFLOW + ", where float32 arithmetic overflows;"
        + " the target's log density there was " + logP + ")";
    if (logP != 0 && !(far < ReverseKlTrainer.FLOAT_SQUARE_LIMIT)) {
      if (forward) {
        return "training diverged at step " + step + ": the forward KL proposed a point too far out" + where
            + "; the proposal's scale is the likely cause: lower forwardScale";
      }
      if (trainer.steps() > 0) {
        return "training diverged at step " + step + PARAMETERS_DIVERGED + ": it drew a point too far out" + where
            + "; the step size is the likely cause";
      }
    }
    if (logP != 0) {
      return "training diverged at step " + step + ": the target's log density was " + logP + " at a point the "
          + (forward ? "forward KL proposed (it may be -Infinity where the density is zero, never NaN or Infinity)"
              : "surrogate drew (it must be finite wherever the surrogate may put mass)");
    }
    if (forward && trainer.lastForwardEss() == 0) {
      return "the forward KL's proposals missed the target at step " + step + " (no proposal had a finite, "
          + "positive density); set forwardScale to cover where its mass lies";
    }
    return "training diverged at step " + step + LOSS_DIVERGED + loss;
  }

  /** {@link ReverseKlTrainer#FLOAT_SQUARE_LIMIT} as the messages print it. */
  private static final String OVERFLOW = "1.8e19";

  private static void evaluate(ReverseKlTrainer trainer, Target target, long step,
      SurrogateMetrics.Settings settings, RngKey key, List<SurrogateMetrics> evals, List<String> warnings,
      Consumer<SurrogateMetrics> onEvaluation) {
    DeepLvm surrogate = trainer.surrogate();
    SurrogateMetrics m = trainer.withAveragedParameters(
        () -> SurrogateMetrics.evaluate(surrogate, target, step, settings, key));
    evals.add(m);
    onEvaluation.accept(m);
    if (m.klNegative(m.klIwae(), m.klIwaeSe())) {
      warnings.add(String.format(java.util.Locale.ROOT,
          "step %d: the IWAE-%d estimate of KL(q||p) is %.4f ± %.4f < 0 on a normalized target: the IWAE bound "
              + "under-estimates log q(x) for this surrogate, a bias that training on the IWAE objective rewards",
          step, settings.iwaeK(), m.klIwae(), m.klIwaeSe()));
    }
    if (m.klNegative(m.klSumo(), m.klSumoSe())) {
      warnings.add(String.format(java.util.Locale.ROOT,
          "step %d: the SUMO estimate of KL(q||p) is %.4f ± %.4f < 0 on a normalized target (SUMO is unbiased, so "
              + "this is noise or a heavy tail: evaluate with more samples)", step, m.klSumo(), m.klSumoSe()));
    }
  }

  /** Records the run so far in the trainer, so that the checkpoint carries it, and writes the checkpoint. */
  private static void checkpoint(ReverseKlTrainer trainer, CheckpointSink sink, float[] losses,
      List<SurrogateMetrics> evals, List<String> warnings) throws IOException {
    trainer.recordHistory(new ReverseKlHistory(losses, evals, warnings));
    sink.write(trainer);
  }

  private static float[] trim(float[] v, int n) {
    return java.util.Arrays.copyOf(v, n);
  }
}
