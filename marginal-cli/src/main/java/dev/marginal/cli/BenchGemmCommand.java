package dev.marginal.cli;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code marginal bench gemm}: matrix-multiply speed on the shapes a deep latent variable model meets (a 784-pixel
 * batch through a 200-unit layer, its input gradient, a square reference), and the elementwise kernels per float.
 */
@Command(name = "gemm", mixinStandardHelpOptions = true,
    description = "Time matrix multiply (GFLOP/s) and tanh/exp/log/sigmoid/softplus (ns per element).")
final class BenchGemmCommand extends BenchWorkload {
  /** {m, n, k} of each timed multiply. */
  static final int[][] SHAPES = {{5000, 200, 784}, {1024, 1024, 1024}, {128, 784, 200}};
  /** Largest dimension {@code --shapes} accepts (a 8192² float matrix is 256 MiB). */
  static final int MAX_DIM = 8192;
  /** Length of the elementwise input. */
  static final int ELEMENTS = 1 << 20;
  /** Elementwise inputs are uniform on [-RANGE, RANGE] (absolute values for log). */
  static final float RANGE = 8f;
  private static final long SEED = 0x6E6D6D;

  @Option(names = "--shapes", split = ",", paramLabel = "MxNxK",
      description = "Multiply shapes to time instead of the defaults (5000x200x784, 1024x1024x1024,"
          + " 128x784x200), comma-separated, each once, e.g. 128x784x200; each dimension at most " + MAX_DIM + ".")
  List<String> shapes;

  @Option(names = "--gemm-only", description = "Skip the elementwise kernels.")
  boolean gemmOnly;

  /** An elementwise kernel, by name. */
  private interface Unary {
    void apply(Kernels k, float[] x, float[] y);
  }

  @Override
  void fill(BenchTable table) {
    Kernels kernels = Kernels.get();
    for (int[] s : shapes == null ? SHAPES : parseShapes(shapes)) {
      gemmRow(table, kernels, s[0], s[1], s[2]);
    }
    if (gemmOnly) {
      return;
    }
    elementwiseRow(table, "tanh", (k, x, y) -> k.tanh(x, 0, y, 0, x.length), false);
    elementwiseRow(table, "exp", (k, x, y) -> k.exp(x, 0, y, 0, x.length), false);
    elementwiseRow(table, "log", (k, x, y) -> k.log(x, 0, y, 0, x.length), true);
    elementwiseRow(table, "sigmoid", (k, x, y) -> k.sigmoid(x, 0, y, 0, x.length), false);
    elementwiseRow(table, "softplus", (k, x, y) -> k.softplus(x, 0, y, 0, x.length), false);
  }

  @Override
  List<String> sizeOptions() {
    return List.of("--shapes");
  }

  /** {@code MxNxK} strings as {m, n, k}; refuses an empty list and a shape given twice. */
  static int[][] parseShapes(List<String> specs) {
    if (specs.isEmpty()) {
      throw new UserInputException("--shapes: no shape given; expected MxNxK[,MxNxK...], e.g. 128x784x200");
    }
    int[][] out = new int[specs.size()][];
    for (int i = 0; i < out.length; i++) {
      // The limit -1 keeps empty trailing parts, so that '4x4x4x' is refused rather than read as 4x4x4.
      String[] parts = specs.get(i).trim().split("x", -1);
      try {
        if (parts.length != 3) {
          throw new NumberFormatException();
        }
        out[i] = new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
      } catch (NumberFormatException e) {
        throw new UserInputException("--shapes: expected MxNxK with positive integers, got '" + specs.get(i) + "'");
      }
      for (int v : out[i]) {
        if (v < 1 || v > MAX_DIM) {
          throw new UserInputException("--shapes: each dimension must be in [1, " + MAX_DIM + "], got '"
              + specs.get(i) + "'");
        }
      }
      for (int j = 0; j < i; j++) {
        if (Arrays.equals(out[j], out[i])) {
          throw new UserInputException("--shapes: " + out[i][0] + "x" + out[i][1] + "x" + out[i][2]
              + " is given twice");
        }
      }
    }
    return out;
  }

  private void gemmRow(BenchTable table, Kernels kernels, int m, int n, int k) {
    float[] a = uniform(RngKey.of(SEED).foldIn(1), m * k, 1f);
    float[] b = uniform(RngKey.of(SEED).foldIn(2), k * n, 1f);
    float[] c = new float[m * n];
    double[] nanos = BenchTiming.nanosPerCall(
        () -> kernels.gemm(false, false, m, n, k, a, 0, b, 0, c, 0, false), options.repeats);
    double flops = 2.0 * m * n * k;
    var row = table.row("gemm");
    row.put("shape", m + "x" + n + "x" + k);
    row.put("kernels", kernels.name());
    row.put("threads", Parallel.threads());
    row.put("best_gflops", flops / nanos[0]);
    row.put("median_gflops", flops / BenchTiming.median(nanos));
  }

  private void elementwiseRow(BenchTable table, String name, Unary fn, boolean positive) {
    float[] x = uniform(RngKey.of(SEED).foldIn(3), ELEMENTS, RANGE);
    if (positive) {
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.abs(x[i]);
      }
    }
    float[] y = new float[ELEMENTS];
    var row = table.row("elementwise");
    row.put("function", name);
    row.put("elements", ELEMENTS);
    for (Kernels k : new Kernels[] {Kernels.get(), Kernels.scalar()}) {
      double[] nanos = BenchTiming.nanosPerCall(() -> fn.apply(k, x, y), options.repeats);
      row.put(k == Kernels.scalar() ? "scalar_ns_per_elem" : "vector_ns_per_elem", nanos[0] / ELEMENTS);
    }
  }

  /** Values uniform on {@code [-scale, scale)}, derived from {@code key}. */
  private static float[] uniform(RngKey key, int size, float scale) {
    float[] x = new float[size];
    java.util.SplittableRandom rng = new java.util.SplittableRandom(key.state());
    for (int i = 0; i < size; i++) {
      x[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }
}
