package dev.marginal.api;

import dev.marginal.io.Version;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a model was made: the root seed, the data (source, rows, columns) or the target, every option with its value
 * (defaults included), the marginal and Java versions, the start date and the wall time. Trainers fill it; model
 * files store {@link #toMap()}.
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
 */
public record Provenance(long seed, String source, int rows, List<String> columns, Map<String, Object> options,
    String marginalVersion, String javaVersion, Instant start, double wallTimeSeconds) {
  public Provenance {
    columns = List.copyOf(columns);
    options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** A stopwatch for a run starting now. */
  public static Clock startClock() {
    return new Clock(Instant.now(), System.nanoTime());
  }

  /** The start of a run; {@link #stop} gives its provenance. */
  public record Clock(Instant start, long startNanos) {
    /** The provenance of a run on data, with the wall time until now. */
    public Provenance stop(long seed, String source, int rows, List<String> columns, Map<String, Object> options) {
      double wall = (System.nanoTime() - startNanos) / 1_000_000L / 1000.0;
      return new Provenance(seed, source, rows, columns, options, Version.get(), Runtime.version().toString(), start,
          wall);
    }
  }

  /**
   * As stored in model files: {@code seed}, {@code data} (or {@code target} when there are no rows), {@code rows},
   * {@code columns}, {@code options}, {@code marginal_version}, {@code java_version}, {@code date},
   * {@code wall_time_s}.
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
    p.put("marginal_version", marginalVersion);
    p.put("java_version", javaVersion);
    p.put("date", start.toString());
    p.put("wall_time_s", wallTimeSeconds);
    return p;
  }
}
