package dev.marginal.cli;

import dev.marginal.io.ModelFile;
import dev.marginal.train.RunFingerprint;
import java.nio.file.Path;

/**
 * The checks that keep a run's checkpoint ({@code OUT.ckpt}) for the run it belongs to: {@code --resume} takes only a
 * checkpoint of its own command.
 */
final class CheckpointGuard {
  private CheckpointGuard() {}

  /**
   * Refuses a checkpoint to resume that another command wrote, in one line, before its settings are compared.
   *
   * @param resume the checkpoint's path, as given
   * @param file the checkpoint
   * @param kind the kind of run the command makes
   */
  static void requireKind(Path resume, ModelFile file, RunFingerprint.Kind kind) {
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
    };
  }
}
