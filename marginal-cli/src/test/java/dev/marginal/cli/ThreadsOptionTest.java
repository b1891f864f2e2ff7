package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marginal.tensor.Parallel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --threads} sets the kernels' thread count of the thread that runs the command, for that command only:
 * there is no process-wide setting, so a command run in-process leaves its caller's count as it was.
 */
class ThreadsOptionTest {
  @TempDir Path dir;

  @Test
  void aCommandsThreadCountEndsWithTheCommand() {
    assumeTrue(Parallel.defaultThreads() > 1, "needs more than one processor to tell the counts apart");
    CliRun r = CliRun.of("fit", "--data", "toy:moons?n=60", "--model", "lvm", "--hidden", "4", "--steps", "1",
        "--threads", "1", "--out", dir.resolve("t.marginal").toString(), "--quiet");
    assertEquals(0, r.code(), r.toString());
    assertEquals(Parallel.defaultThreads(), Parallel.threads(), "the caller's thread count after the command");
  }
}
