package dev.marginal.io;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a model was made: the root seed, the data (source, rows, columns) or the target, every option that shapes the
 * result with its value (defaults included), the marginal and Java versions, the start date and the wall time. The
 * fits fill it (Gaussian mixture and PPCA in {@code dev.marginal.density}, {@code DeepLvmFit} and
 * {@code SurrogateTraining} in {@code dev.marginal.api}) and hand it back with the model; {@link #toMap()} is what a
 * model file stores, so a file saved from Java and one saved by the {@code marginal} command carry the same fields.
 * A front end adds only what it alone knows: the command line ({@link #withCommandLine}).
 *
 * @param seed the root seed every key of the run derives from
 * @param source the data source or the target's name
 * @param rows training rows (0 for a target)
 * @param columns the data's column names (empty for a target)
 * @param options the resolved options, as a JSON-ready map
 * @param marginalVersion {@link Version#get()}
 * @param javaVersion {@link Runtime#version()}
 * @param start when the run started
 * @param wallTimeSeconds seconds from start to the end of the run
 * @param commandLine the command line that started the run, or null when it was started from Java
 */
public record Provenance(long seed, String source, int rows, List<String> columns, Map<String, Object> options,
    String marginalVersion, String javaVersion, Instant start, double wallTimeSeconds, String commandLine) {
  public Provenance {
    Objects.requireNonNull(source, "source");
    columns = List.copyOf(columns);
    options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** A stopwatch for a run starting now. */
  public static Clock startClock() {
    return new Clock(Instant.now(), System.nanoTime());
  }

  /** The start of a run; {@link #stop} gives its provenance. */
  public record Clock(Instant start, long startNanos) {
    /** The provenance of a run on data ({@code rows > 0}) or a target, with the wall time until now. */
    public Provenance stop(long seed, String source, int rows, List<String> columns, Map<String, Object> options) {
      double wall = (System.nanoTime() - startNanos) / 1_000_000L / 1000.0;
      return new Provenance(seed, source, rows, columns, options, Version.get(), Runtime.version().toString(), start,
          wall, null);
    }
  }

  /** The same record, naming the command line that started the run. */
  public Provenance withCommandLine(String line) {
    return new Provenance(seed, source, rows, columns, options, marginalVersion, javaVersion, start, wallTimeSeconds,
        Objects.requireNonNull(line, "line"));
  }

  /**
   * As stored in model files: {@code seed}, {@code data} (or {@code target} when there are no rows), {@code rows},
   * {@code columns}, {@code options}, {@code marginal_version}, {@code java_version}, {@code date},
   * {@code wall_time_s}, and {@code command_line} when there is one.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("seed", seed);
    if (rows > 0 || !columns.isEmpty()) {
      p.put("data", source);
      p.put("rows", rows);
      p.put("columns", columns);
    } else {
      p.put("target", source);
    }
    p.put("options", options);
    if (commandLine != null) {
      p.put("command_line", commandLine);
    }
    p.put("marginal_version", marginalVersion);
    p.put("java_version", javaVersion);
    p.put("date", start.toString());
    p.put("wall_time_s", wallTimeSeconds);
    return p;
  }
}
