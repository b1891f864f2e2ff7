package dev.marginal.cli;

import dev.marginal.density.LvmDensityModel;
import dev.marginal.density.Models;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Untrusted;
import dev.marginal.train.LvmCheckpoint;
import dev.marginal.train.RunFingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checks that keep a run's checkpoint ({@code OUT.ckpt}) for the run it belongs to: a fresh run does not write
 * over the checkpoint of an unfinished run, and {@code --resume} takes only a checkpoint of its own command.
 */
final class CheckpointGuard {
  private CheckpointGuard() {}

  /**
   * Refuses, before any work, a run that would replace {@code checkpoint} when it holds an unfinished run (one that
   * was interrupted, killed or stopped by divergence) and the run does not resume from it. The checkpoint of a run
   * that ended goes with its model file, which the new run replaces too.
   *
   * @param checkpoint the checkpoint the run will write
   * @param resume the checkpoint the run resumes from, or null
   */
  static void keepUnfinished(Path checkpoint, Path resume) {
    if (!Files.exists(checkpoint) || resume != null && OutputGuard.sameFile(checkpoint, resume)) {
      return;
    }
    String startAfresh = "remove it to start afresh";
    ModelFile file;
    boolean finished;
    try {
      file = ModelFile.read(checkpoint);
      finished = LvmCheckpoint.ofFinishedRun(file);
    } catch (IOException | RuntimeException e) {
      throw new UserInputException(checkpoint + ": this run would replace it, and it is not a checkpoint that can be"
          + " read (" + cause(checkpoint, e) + "); " + startAfresh, e);
    }
    if (!finished) {
      RunFingerprint.Kind kind = RunFingerprint.kindOf(file.provenance());
      throw new UserInputException(checkpoint + ": the checkpoint of an unfinished "
          + (kind == null ? "" : command(kind) + " ") + "run (at step " + LvmCheckpoint.step(file)
          + "), which this run would replace; resume it with --resume " + checkpoint + " or " + startAfresh);
    }
  }

  /**
   * Refuses a checkpoint to resume that another command wrote, or a model file of another kind than a checkpoint's,
   * in one line, before its settings are compared.
   *
   * @param resume the checkpoint's path, as given
   * @param file the checkpoint
   * @param kind the kind of run the command makes
   */
  static void requireKind(Path resume, ModelFile file, RunFingerprint.Kind kind) {
    if (!LvmDensityModel.KIND.equals(file.kind())) {
      String what = Models.kinds().contains(file.kind()) ? "a " + file.kind() + " model file"
          : "a model file of unknown kind " + Untrusted.quoted(file.kind());
      throw new UserInputException(resume + ": " + what + ", not a checkpoint of a " + command(kind) + " run");
    }
    RunFingerprint.Kind written = RunFingerprint.kindOf(file.provenance());
    if (written != null && written != kind) {
      throw new UserInputException(resume + ": a checkpoint of a " + command(written) + " run, not of "
          + command(kind));
    }
  }

  /** The command that makes runs of {@code kind}. */
  static String command(RunFingerprint.Kind kind) {
    return switch (kind) {
      case DENSITY -> "fit --model lvm";
      case REVERSE_KL -> "target";
      case DATA_PARALLEL -> "data-parallel (marginal-spark's fit --kind lvm, DataParallelFit)";
    };
  }

  /** The message of a read error, without the path it starts with. */
  private static String cause(Path path, Exception e) {
    String m = String.valueOf(e.getMessage());
    return m.startsWith(path + ": ") ? m.substring(path.toString().length() + 2) : m;
  }
}
