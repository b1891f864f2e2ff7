package dev.marginal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the golden files under {@code src/test/resources/golden/}, written by {@code make_golden.py}: text files
 * with one array per line ({@code name: v1 v2 ...}) and CSV data sets.
 */
public final class Golden {
  private final Map<String, double[]> arrays;

  private Golden(Map<String, double[]> arrays) {
    this.arrays = arrays;
  }

  /** Loads {@code golden/<name>} from the test class path. */
  public static Golden load(String name) {
    Map<String, double[]> arrays = new HashMap<>();
    for (String line : lines(name)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      String[] parts = line.substring(colon + 1).trim().split(" ");
      double[] v = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        v[i] = Double.parseDouble(parts[i]);
      }
      arrays.put(line.substring(0, colon), v);
    }
    return new Golden(arrays);
  }

  /** Reads {@code golden/<name>} as rows of comma-separated doubles. */
  public static double[][] csv(String name) {
    List<double[]> rows = new ArrayList<>();
    for (String line : lines(name)) {
      if (!line.isBlank()) {
        String[] parts = line.split(",");
        double[] row = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          row[i] = Double.parseDouble(parts[i]);
        }
        rows.add(row);
      }
    }
    return rows.toArray(new double[0][]);
  }

  /** The flat array called {@code name}. */
  public double[] vector(String name) {
    double[] v = arrays.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no golden array " + name);
    }
    return v.clone();
  }

  /** The single value called {@code name}. */
  public double scalar(String name) {
    return vector(name)[0];
  }

  /** The array called {@code name} as {@code [rows][cols]}. */
  public double[][] matrix(String name, int cols) {
    double[] v = vector(name);
    double[][] m = new double[v.length / cols][cols];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(v, i * cols, m[i], 0, cols);
    }
    return m;
  }

  /** The array called {@code name} as {@code [blocks][rows][cols]}. */
  public double[][][] tensor3(String name, int rows, int cols) {
    double[][] flat = matrix(name, cols);
    double[][][] t = new double[flat.length / rows][rows][];
    for (int b = 0; b < t.length; b++) {
      for (int r = 0; r < rows; r++) {
        t[b][r] = flat[b * rows + r];
      }
    }
    return t;
  }

  private static List<String> lines(String name) {
    InputStream in = Golden.class.getResourceAsStream("/golden/" + name);
    if (in == null) {
      throw new IllegalArgumentException("missing golden resource " + name);
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
