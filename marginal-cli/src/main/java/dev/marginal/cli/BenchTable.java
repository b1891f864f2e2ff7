package dev.marginal.cli;

import dev.marginal.io.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Named sections of result rows, printed either as aligned text tables or as one JSON object on one line mapping each
 * section name to an array of row objects. Values are strings or numbers; the tables print numbers with
 * {@value #DECIMALS} decimals, the JSON in full (a non-finite number as {@code null}).
 */
final class BenchTable {
  private static final int DECIMALS = 3;
  private final Map<String, List<Map<String, Object>>> sections = new LinkedHashMap<>();

  /** Starts a new row in {@code section}; fill it with {@link Map#put}, in column order. */
  Map<String, Object> row(String section) {
    Map<String, Object> row = new LinkedHashMap<>();
    sections.computeIfAbsent(section, s -> new ArrayList<>()).add(row);
    return row;
  }

  void print(PrintWriter out, boolean json) {
    if (json) {
      printJson(out);
    } else {
      sections.forEach((name, rows) -> printTable(out, name, rows));
    }
  }

  private static String format(Object v) {
    if (v instanceof Double || v instanceof Float) {
      return String.format(Locale.ROOT, "%." + DECIMALS + "f", ((Number) v).doubleValue());
    }
    return String.valueOf(v);
  }

  private static void printTable(PrintWriter out, String name, List<Map<String, Object>> rows) {
    List<String> cols = new ArrayList<>(rows.get(0).keySet());
    int[] width = new int[cols.size()];
    for (int c = 0; c < cols.size(); c++) {
      width[c] = cols.get(c).length();
      for (Map<String, Object> row : rows) {
        width[c] = Math.max(width[c], format(row.get(cols.get(c))).length());
      }
    }
    out.println(name);
    StringBuilder header = new StringBuilder();
    for (int c = 0; c < cols.size(); c++) {
      header.append(String.format("  %" + width[c] + "s", cols.get(c)));
    }
    out.println(header);
    for (Map<String, Object> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cols.size(); c++) {
        line.append(String.format("  %" + width[c] + "s", format(row.get(cols.get(c)))));
      }
      out.println(line);
    }
    out.println();
  }

  /** One line: {@link Json#writeCompact} of the sections, as every command's {@code --json} report. */
  private void printJson(PrintWriter out) {
    out.println(Json.writeCompact(sections));
  }
}
