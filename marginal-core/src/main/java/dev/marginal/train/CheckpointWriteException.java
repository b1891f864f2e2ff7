package dev.marginal.train;

import dev.marginal.io.AtomicFiles;
import dev.marginal.io.IoErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A checkpoint could not be written. The run has stopped; {@link #writeTo} writes the same checkpoint (the state
 * at the failure) somewhere else, so a caller can rescue it.
 */
public final class CheckpointWriteException extends UncheckedIOException {
  private static final long serialVersionUID = 1L;

  private final Path path;
  private final transient AtomicFiles.IOConsumer<Path> rewrite;

  /**
   * @param path the checkpoint that failed
   * @param cause why
   * @param rewrite writes the same checkpoint to another path
   */
  public CheckpointWriteException(Path path, IOException cause, AtomicFiles.IOConsumer<Path> rewrite) {
    super(path + ": cannot write checkpoint: " + IoErrors.reason(cause), cause);
    this.path = path;
    this.rewrite = rewrite;
  }

  /** The checkpoint file that could not be written. */
  public Path path() {
    return path;
  }

  /** Writes the checkpoint that failed to {@code other} instead. */
  public void writeTo(Path other) throws IOException {
    rewrite.accept(other);
  }
}
