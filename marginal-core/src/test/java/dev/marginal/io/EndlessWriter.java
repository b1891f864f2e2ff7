package dev.marginal.io;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A process for {@code AtomicFilesTest}: writes {@code args[0]} without end with {@link AtomicFiles} (discarded on
 * exit when {@code args[1]} is "discard"), saying "writing" once some of it is out, until it is stopped.
 */
final class EndlessWriter {
  private EndlessWriter() {}

  public static void main(String[] args) throws Exception {
    AtomicFiles.IOConsumer<java.io.OutputStream> body = out -> {
      byte[] line = "0.5,0.25\n".getBytes(StandardCharsets.UTF_8);
      for (long i = 0; ; i++) {
        out.write(line);
        if (i == 100_000) {
          out.flush();
          System.out.println("writing");
          System.out.flush();
        }
        if (i > 100_000) {
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    };
    if (args[1].equals("discard")) {
      AtomicFiles.writeDiscardedOnExit(Path.of(args[0]), body);
    } else {
      AtomicFiles.write(Path.of(args[0]), body);
    }
  }
}
