package dev.marginal.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A process for {@code CsvWriterTest}: writes {@code args[0]} as a command writes its results, with rows enough
 * (hundreds of megabytes) that the write takes seconds, for the test to stop it in the middle.
 */
final class LargeCsvWriter {
  private LargeCsvWriter() {}

  public static void main(String[] args) {
    double[] values = new double[16_000_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = -1.0 / (i + 3);
    }
    CsvWriter.write(Path.of(args[0]), List.of("log_px", "std_err"), values);
  }
}
