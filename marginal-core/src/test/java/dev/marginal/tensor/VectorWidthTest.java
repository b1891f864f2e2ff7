package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels give the same bits whatever the vector width of the processor: {@link Probe} runs every
 * kernel on shapes that reach each matrix-multiply path (small, direct, blocked, transposed) and prints a checksum of
 * each result, here and in JVMs limited to 128- and 256-bit vectors ({@code -XX:MaxVectorSize}), as on a processor
 * without AVX-512 or without AVX2. Skipped where the JVM has no Vector API or no narrower width to try.
 */
class VectorWidthTest {

  /** Prints the active kernels' name, then one line per kernel call: what was computed and a checksum of its bits. */
  public static final class Probe {
    public static void main(String[] args) {
      for (String line : lines()) {
        System.out.println(line);
      }
    }

    static List<String> lines() {
      Kernels kernels = Kernels.get();
      List<String> out = new ArrayList<>();
      out.add(kernels.name());
      SplittableRandom rng = new SplittableRandom(20261206L);
      int[][] shapes = {
          {5, 7, 3}, {20, 2, 16}, {20, 16, 2}, {3, 1, 200}, {128, 17, 5}, {33, 35, 37}, {9, 3, 47},
          {64, 200, 40}, {20, 64, 200}, {300, 40, 64}, {200, 7, 300},
          // The packed path, with edge tiles of rows and columns: its tiles are eight rows high with sixteen lanes
          // and six with fewer.
          {200, 50, 300}, {130, 37, 500}};
      for (int[] s : shapes) {
        int m = s[0];
        int n = s[1];
        int k = s[2];
        for (int t = 0; t < 4; t++) {
          boolean transA = (t & 1) != 0;
          boolean transB = (t & 2) != 0;
          float[] a = normals(rng, m * k);
          float[] b = normals(rng, k * n);
          float[] c = new float[m * n];
          kernels.gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, false);
          out.add("gemm " + Arrays.toString(s) + " transA=" + transA + " transB=" + transB + " " + bits(c));
          if (!transA) {
            float[] scale = normals(rng, m);
            kernels.gemmRowScaled(false, transB, m, n, k, a, 0, scale, b, 0, null, c, 0, true);
            out.add("gemmRowScaled " + Arrays.toString(s) + " transB=" + transB + " " + bits(c));
          }
        }
      }
      for (int n : new int[] {1, 7, 16, 33, 1000, 4099}) {
        float[] x = normals(rng, n);
        for (int i = 0; i < n; i++) {
          x[i] *= 6;
        }
        float[] y = new float[n];
        kernels.tanh(x, 0, y, 0, n);
        out.add("tanh " + n + " " + bits(y));
        kernels.exp(x, 0, y, 0, n);
        out.add("exp " + n + " " + bits(y));
        kernels.sigmoid(x, 0, y, 0, n);
        out.add("sigmoid " + n + " " + bits(y));
        kernels.softplus(x, 0, y, 0, n);
        out.add("softplus " + n + " " + bits(y));
        float[] positive = new float[n];
        for (int i = 0; i < n; i++) {
          positive[i] = Math.abs(x[i]) + 1e-3f;
        }
        kernels.log(positive, 0, y, 0, n);
        out.add("log " + n + " " + bits(y));
        out.add("sumOfSquares " + n + " " + Double.doubleToRawLongBits(kernels.sumOfSquares(x, 0, n)));
        double[] u1 = new double[n];
        double[] u2 = new double[n];
        for (int i = 0; i < n; i++) {
          u1[i] = 1 - rng.nextDouble();
          u2[i] = rng.nextDouble();
        }
        double[] z = new double[2 * n];
        kernels.boxMuller(u1, u2, n, z);
        out.add("boxMuller " + n + " " + Arrays.hashCode(z));
        float[] w = normals(rng, n);
        float[] m = normals(rng, n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = Math.abs(x[i]);
        }
        kernels.adamUpdate(w, x, m, v, n / 3, n, 0.9f, 0.999f, 2e-3f, 0.3f, 1e-8f);
        out.add("adamUpdate " + n + " " + bits(w) + " " + bits(m) + " " + bits(v));
      }
      for (int[] s : new int[][] {{5, 3}, {40, 16}, {7, 33}, {300, 200}}) {
        int rows = s[0];
        int width = s[1];
        float[] x = normals(rng, rows * width);
        float[] sums = new float[width];
        kernels.columnSums(x, rows, width, 0, width, sums);
        out.add("columnSums " + Arrays.toString(s) + " " + bits(sums));
        kernels.columnSumsRowScaled(x, normals(rng, rows), rows, width, 0, width, sums);
        out.add("columnSumsRowScaled " + Arrays.toString(s) + " " + bits(sums));
        kernels.addToRows(x, width, rows - 1, width, normals(rng, width));
        out.add("addToRows " + Arrays.toString(s) + " " + bits(x));
      }
      for (int d : new int[] {2, 16, 20, 33, 784}) {
        int count = 9;
        float[] x = new float[count * d];
        float[] logits = normals(rng, count * d);
        int[] offsets = new int[count];
        for (int i = 0; i < x.length; i++) {
          x[i] = rng.nextBoolean() ? 1f : 0f;
          logits[i] *= 3;
        }
        for (int r = 0; r < count; r++) {
          offsets[r] = r * d;
        }
        float[] mass = new float[count];
        kernels.bernoulliLogMass(x, offsets, logits, 0, d, count, mass, 0);
        out.add("bernoulliLogMass " + d + " " + bits(mass));
        float[] residual = new float[count * d];
        kernels.bernoulliLogMassAndResidual(x, offsets, logits, 0, d, count, normals(rng, d), mass, 0, residual);
        out.add("bernoulliLogMassAndResidual " + d + " " + bits(mass) + " " + bits(residual));
      }
      return out;
    }

    private static float[] normals(SplittableRandom rng, int n) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        // Magnitudes over several binades, so that the order of the additions shows in the bits.
        x[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(2, rng.nextInt(12) - 6));
      }
      return x;
    }

    private static int bits(float[] x) {
      int[] raw = new int[x.length];
      for (int i = 0; i < x.length; i++) {
        raw[i] = Float.floatToRawIntBits(x[i]);
      }
      return Arrays.hashCode(raw);
    }
  }

  /** The probe's lines in a fresh JVM with vectors of at most {@code bytes} bytes. */
  private static List<String> probeWithVectorsOf(int bytes) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=10000", "-XX:MaxVectorSize=" + bytes,
        "-cp", System.getProperty("java.class.path"), Probe.class.getName())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "the probe with -XX:MaxVectorSize=" + bytes + " failed: " + stdout);
    return List.of(stdout.split("\n"));
  }

  @Test
  void everyKernelGivesTheSameBitsWithNarrowerVectors() throws Exception {
    List<String> here = Probe.lines();
    assumeTrue(here.get(0).startsWith("vector"), "this JVM runs the scalar kernels");
    int narrower = 0;
    for (int bytes : new int[] {16, 32}) {
      List<String> there = probeWithVectorsOf(bytes);
      if (there.get(0).equals(here.get(0))) {
        continue;
      }
      narrower++;
      assertEquals(here.size(), there.size(), there.get(0));
      for (int i = 1; i < here.size(); i++) {
        assertEquals(here.get(i), there.get(i), here.get(0) + " against " + there.get(0));
      }
    }
    assumeTrue(narrower > 0, "no narrower vector width to compare with on this processor");
  }
}
