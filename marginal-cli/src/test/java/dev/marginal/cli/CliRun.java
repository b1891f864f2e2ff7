package dev.marginal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One run of the tool through {@link Main#execute(PrintWriter, PrintWriter, String...)}, with what it printed. */
record CliRun(int code, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The lines of standard error. */
  List<String> errLines() {
    return err.isEmpty() ? List.of() : err.lines().toList();
  }

  @Override
  public String toString() {
    return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
  }

  /** The data rows of a CSV file written by the tool, as doubles (parsed exactly from their text). */
  static List<double[]> csvRows(Path csv) {
    try {
      List<String> lines = Files.readAllLines(csv);
      List<double[]> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        double[] r = new double[f.length];
        for (int j = 0; j < f.length; j++) {
          r[j] = Double.parseDouble(f[j]);
        }
        rows.add(r);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The header of a CSV file written by the tool. */
  static List<String> csvHeader(Path csv) {
    try {
      return List.of(Files.readAllLines(csv).get(0).split(","));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
