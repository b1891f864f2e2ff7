package dev.marginal.cli;

import dev.marginal.data.Dataset;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How a model was made, saved in its file: the seed, the data (source, rows, columns), every option with its value
 * (defaults included), the command line, the marginal and Java versions, the date and the wall time.
 */
final class Provenance {
  private final CommandSpec spec;
  private final Instant start = Instant.now();
  private final long startNanos = System.nanoTime();

  /** Starts the clock for the command described by {@code spec}. */
  Provenance(CommandSpec spec) {
    this.spec = spec;
  }

  /** The record, with the wall time from construction until now. */
  Map<String, Object> record(long seed, Dataset data) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("seed", seed);
    p.put("data", data.source());
    p.put("rows", data.rows());
    p.put("columns", data.columns());
    return finish(p);
  }

  /** The record of a run without training data (a reverse-KL fit to a target). */
  Map<String, Object> record(long seed, String target) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("seed", seed);
    p.put("target", target);
    return finish(p);
  }

  private Map<String, Object> finish(Map<String, Object> p) {
    p.put("options", options());
    p.put("command_line", "marginal " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs()));
    p.put("marginal_version", Main.version());
    p.put("java_version", Runtime.version().toString());
    p.put("date", start.toString());
    p.put("wall_time_s", Duration.ofNanos(System.nanoTime() - startNanos).toMillis() / 1000.0);
    return p;
  }

  /** Every option that has a value, by its long name without dashes. */
  private Map<String, Object> options() {
    Map<String, Object> o = new LinkedHashMap<>();
    for (OptionSpec opt : spec.options()) {
      Object v = opt.getValue();
      if (opt.usageHelp() || opt.versionHelp() || v == null) {
        continue;
      }
      o.put(opt.longestName().replaceFirst("^-+", ""), Commands.plain(v));
    }
    return o;
  }
}
