package dev.marginal.cli;

import dev.marginal.io.AtomicFiles;
import dev.marginal.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw numbers behind one table or curve of the demo, written as {@code NAME.csv} and {@code NAME.json} (an
 * array of row objects) beside the page. Cells are strings or numbers; non-finite numbers are written as
 * {@code NaN} in CSV and {@code null} in JSON.
 *
 * @param name file name without extension
 * @param columns column names
 * @param rows cells, each row as long as {@code columns}
 */
record DemoTable(String name, List<String> columns, List<List<Object>> rows) {
  DemoTable {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>();
    for (List<Object> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(name + ": row of " + row.size() + " cells for " + columns.size()
            + " columns");
      }
      copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = List.copyOf(copy);
  }

  /** A table to fill with {@link #add}. */
  static DemoTable empty(String name, String... columns) {
    return new DemoTable(name, List.of(columns), List.of());
  }

  /** This table with one more row. */
  DemoTable add(Object... cells) {
    List<List<Object>> more = new ArrayList<>(rows);
    more.add(java.util.Arrays.asList(cells));
    return new DemoTable(name, columns, more);
  }

  /** The rows as objects keyed by column, for JSON. */
  List<Map<String, Object>> toMaps() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (List<Object> row : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int j = 0; j < columns.size(); j++) {
        m.put(columns.get(j), row.get(j));
      }
      out.add(m);
    }
    return out;
  }

  /** Writes {@code dir/NAME.csv} and {@code dir/NAME.json}, each atomically. */
  void write(Path dir) throws IOException {
    StringBuilder csv = new StringBuilder();
    csv.append(csvLine(new ArrayList<>(columns)));
    for (List<Object> row : rows) {
      csv.append(csvLine(row));
    }
    AtomicFiles.writeString(dir.resolve(name + ".csv"), csv.toString());
    AtomicFiles.writeString(dir.resolve(name + ".json"), Json.write(toMaps()) + "\n");
  }

  private static String csvLine(List<Object> cells) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < cells.size(); j++) {
      sb.append(j == 0 ? "" : ",").append(csvCell(cells.get(j)));
    }
    return sb.append('\n').toString();
  }

  /** A number as Java writes it (shortest round-trip form); text quoted when it holds a comma, quote or newline. */
  private static String csvCell(Object v) {
    String s = String.valueOf(v);
    if (v instanceof Number) {
      return s;
    }
    boolean plain = s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0;
    return plain ? s : '"' + s.replace("\"", "\"\"") + '"';
  }
}
