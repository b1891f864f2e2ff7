package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API matrix multiply against the plain-loop reference, over odd shapes, every transposition, offsets and
 * accumulation, with an error bound derived from floating-point summation rather than a fixed constant.
 */
class VectorGemmTest {
  /** Unit roundoff of float32. */
  private static final double EPS = Math.ulp(1f) / 2;
  /** Safety factor on the worst-case bound {@code |error| ≤ 2·k·ε·Σ|a||b|} (two summation orders compared). */
  private static final double BOUND_FACTOR = 2;
  private static final long SEED = 20261125L;
  private static final int MAX_SMALL_DIM = 67;

  private final Kernels vector = VectorKernels.create();
  private final Kernels scalar = Kernels.scalar();

  @Test
  void matchesScalarOnRandomOddShapes() {
    SplittableRandom rng = new SplittableRandom(SEED);
    for (int trial = 0; trial < 300; trial++) {
      int m = 1 + rng.nextInt(MAX_SMALL_DIM);
      int n = 1 + rng.nextInt(MAX_SMALL_DIM);
      int k = 1 + rng.nextInt(MAX_SMALL_DIM);
      checkAgainstScalar(rng, m, n, k, rng.nextBoolean(), rng.nextBoolean(), rng.nextBoolean());
    }
  }

  @Test
  void matchesScalarOnBlockedShapesWithEveryTransposition() {
    SplittableRandom rng = new SplittableRandom(SEED + 1);
    // Shapes that cross the panel, row-block and summation-block edges (MR, NR, MC, KC) and use column blocks;
    // the last two have so few columns that C is computed transposed.
    int[][] shapes = {{97, 33, 257}, {20, 200, 300}, {130, 70, 513}, {9, 65, 600}, {33, 70, 1700}, {200, 17, 40},
        {301, 4, 128}, {128, 8, 300}};
    for (int[] s : shapes) {
      for (int t = 0; t < 8; t++) {
        checkAgainstScalar(rng, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, (t & 4) != 0);
      }
    }
  }

  @Test
  void isBitIdenticalForOneAndTwoThreads() {
    SplittableRandom rng = new SplittableRandom(SEED + 2);
    // {40, 200, 100} and {24, 90, 300} take the direct path in two column parts (a last part with a vector block and a
    // padded tail); {100, 50, 200} and {99, 40, 300} have too few columns for that and are split into two row parts.
    int[][] shapes = {{150, 90, 300}, {300, 40, 128}, {16, 300, 520}, {1200, 4, 900}, {40, 200, 100}, {24, 90, 300},
        {100, 50, 200}, {99, 40, 300}, {256, 200, 300}, {520, 90, 300}};
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        boolean transA = (t & 1) != 0;
        boolean transB = (t & 2) != 0;
        float[] a = random(rng, s[0] * s[2]);
        float[] b = random(rng, s[2] * s[1]);
        float[] one = new float[s[0] * s[1]];
        Parallel.withThreads(1, () -> vector.gemm(transA, transB, s[0], s[1], s[2], a, 0, b, 0, one, 0, false));
        float[] two = new float[s[0] * s[1]];
        Parallel.withThreads(2, () -> vector.gemm(transA, transB, s[0], s[1], s[2], a, 0, b, 0, two, 0, false));
        assertArrayEquals(one, two, "threads changed C for shape " + java.util.Arrays.toString(s) + " t=" + t);
      }
    }
  }

  /**
   * The unpacked one-thread path and the packed, chunked path both compute each element as one chain of fused
   * multiply-adds in order of the summation index, so products that move from one path to the other (by size)
   * keep every bit.
   */
  @Test
  void directAndPackedPathsAreTheOrderedFusedChain() {
    SplittableRandom rng = new SplittableRandom(SEED + 3);
    // The first nine use the direct path (funnel surrogate shapes and odd edges; {531, 128, 8}, {8, 128, 531},
    // {40, 200, 100} and {24, 90, 300} in two column parts, {531, 4, 128}, {100, 50, 200} and {99, 40, 300} in two row
    // parts; {100, 50, 200} and {37, 21, 70} end in a four-row tile), the last six the packed one on four threads
    // ({256, 200, 300} and {33, 70, 1701} with a last column panel of at most half a vector, run as row pairs;
    // {1200, 4, 900}, transposed, and {45, 75, 1601} with one of 16 and 11 columns); {33, 70, 1701} and
    // {45, 75, 1601} have summation blocks of odd length (three of 567; 800 and 801) and end in a row panel of fewer
    // than eight rows; {520, 90, 300} is split by rows alone, B packed whole. On two threads products of fewer than
    // VectorGemm.DIRECT_ROWS rows, {33, 70, 1701} among them, take the direct path whatever their size.
    int[][] shapes = {{531, 128, 8}, {531, 4, 128}, {8, 128, 531}, {37, 21, 70}, {64, 49, 300}, {40, 200, 100},
        {24, 90, 300}, {100, 50, 200}, {99, 40, 300}, {150, 90, 300}, {1200, 4, 900}, {256, 200, 300},
        {33, 70, 1701}, {45, 75, 1601}, {520, 90, 300}};
    for (int[] s : shapes) {
      for (int t = 0; t < 8; t++) {
        boolean transA = (t & 1) != 0;
        boolean transB = (t & 2) != 0;
        boolean accumulate = (t & 4) != 0;
        int m = s[0];
        int n = s[1];
        int k = s[2];
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        float[] c = random(rng, m * n);
        float[] expected = c.clone();
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            float acc = accumulate ? c[i * n + j] : 0f;
            for (int p = 0; p < k; p++) {
              acc = Math.fma(transA ? a[p * m + i] : a[i * k + p], transB ? b[j * k + p] : b[p * n + j], acc);
            }
            expected[i * n + j] = acc;
          }
        }
        for (int threads : new int[] {2, 4}) {
          float[] got = c.clone();
          Parallel.withThreads(threads, () -> vector.gemm(transA, transB, m, n, k, a, 0, b, 0, got, 0, accumulate));
          assertArrayEquals(expected, got, java.util.Arrays.toString(s) + " t=" + t + " threads=" + threads);
        }
      }
    }
  }

  @Test
  void sixRowTilesLeaveAMultipleOfFourRowsWhereAnyCountDoes() {
    assertEquals(2, GemmDirect.sixRowTiles(20));
    assertEquals(16, GemmDirect.sixRowTiles(100));
    assertEquals(20, GemmDirect.sixRowTiles(128));
    assertEquals(0, GemmDirect.sixRowTiles(4));
    assertEquals(1, GemmDirect.sixRowTiles(7));
    for (int m = 0; m <= 1000; m++) {
      int t = GemmDirect.sixRowTiles(m);
      assertTrue(t >= 0 && 6 * t <= m, "m=" + m);
      boolean some = false;
      for (int u = 0; 6 * u <= m; u++) {
        some |= (m - 6 * u) % 4 == 0;
      }
      if (some) {
        assertEquals(0, (m - 6 * t) % 4, "m=" + m);
        for (int u = t + 1; 6 * u <= m; u++) {
          assertTrue((m - 6 * u) % 4 != 0, "m=" + m + ": " + u + " tiles would also leave a multiple of four");
        }
      } else {
        assertEquals(m / 6, t, "m=" + m);
      }
    }
  }

  /**
   * The packed path's grid: products of more than {@code COLUMN_SPLIT_ROWS} rows with at least half as many rows as
   * columns are split by rows alone; those with far more columns, and short ones with enough column panels, by
   * columns alone.
   */
  @Test
  void tallProductsAreSplitByRowsAndWideOnesByColumns() {
    for (int[] s : new int[][] {{1024, 1024, 1024}, {5000, 200, 784}, {1000, 784, 200}, {2048, 512, 512},
        {784, 1024, 1000}, {520, 90, 300}}) {
      int[] grid = VectorGemm.chunkGrid(s[0], s[1], s[2]);
      assertTrue(grid[0] > 1, java.util.Arrays.toString(s) + " has " + grid[0] + " row chunks");
      assertEquals(1, grid[1], java.util.Arrays.toString(s) + " has " + grid[1] + " column chunks");
    }
    for (int[] s : new int[][] {{300, 4096, 256}, {256, 784, 200}, {128, 784, 200}}) {
      int[] grid = VectorGemm.chunkGrid(s[0], s[1], s[2]);
      assertEquals(1, grid[0], java.util.Arrays.toString(s) + " has " + grid[0] + " row chunks");
      assertTrue(grid[1] > 1, java.util.Arrays.toString(s) + " has " + grid[1] + " column chunks");
    }
  }

  @Test
  void theDirectSplitLeavesBothPartsWorkAndTheWorkerNoMoreThanHalf() {
    int nr = GemmMicroKernel.NR;
    int l = GemmMicroKernel.L;
    for (int n = 2 * nr; n <= 3000; n++) {
      int blocks = GemmDirect.firstPartBlocks(n);
      int vectors = (n + l - 1) / l;
      int workerVectors = blocks * nr / l;
      assertTrue(blocks >= 1 && blocks * nr < n, "n=" + n + ": " + blocks + " blocks");
      assertTrue(2 * workerVectors <= vectors + 1, "n=" + n + ": worker has " + workerVectors + " of " + vectors);
      assertTrue(2 * (workerVectors + nr / l) > vectors, "n=" + n + ": one more block would still be at most half");
    }
  }

  /**
   * The copy of a transposed operand, through 16 × 16 blocks of vector registers where it can, moves every value to
   * its place: any number of summation steps (whole blocks and a remainder), columns in multiples of eight, offsets
   * into both arrays, and nothing written outside the rows and columns asked for.
   */
  @Test
  void transposedCopyMovesEveryValueToItsPlace() {
    SplittableRandom rng = new SplittableRandom(SEED + 6);
    for (int kc : new int[] {1, 5, 16, 37, 200, 784}) {
      for (int cols : new int[] {8, 16, 24, 32, 200}) {
        int k = kc + 3;
        int src = 2 + k;
        int ldd = cols + 5;
        int d = 7;
        float[] b = random(rng, src + cols * k + 1);
        float[] dst = random(rng, d + kc * ldd + 1);
        float[] expected = dst.clone();
        for (int p = 0; p < kc; p++) {
          for (int g = 0; g < cols; g++) {
            expected[d + p * ldd + g] = b[src + g * k + p];
          }
        }
        GemmPacking.copyTransposed(kc, b, src, k, cols, dst, d, ldd);
        assertArrayEquals(expected, dst, "kc=" + kc + " cols=" + cols);
      }
    }
  }

  /**
   * Row panels of A stored {@code [m, k]}: every value at {@code dst[base + panel·stride + 8p + r]}, for summation
   * blocks that start anywhere and are shorter or longer than the sixteen steps the vector path moves at a time, and
   * for a last panel with fewer than eight rows (zero-padded); nothing else is written.
   */
  @Test
  void rowPanelsOfAHoldEveryValueInItsPlace() {
    SplittableRandom rng = new SplittableRandom(SEED + 7);
    for (int kc : new int[] {1, 15, 16, 17, 40, 200, 784}) {
      for (int m : new int[] {8, 16, 21}) {
        int k = kc + 5;
        int p0 = 3;
        int aOff = 2;
        int panels = (m + 7) / 8;
        int stride = kc * 8 + 3;
        int base = 4;
        float[] a = random(rng, aOff + m * k + 1);
        float[] dst = random(rng, base + panels * stride + 2);
        float[] expected = dst.clone();
        for (int ip = 0; ip < panels; ip++) {
          for (int p = 0; p < kc; p++) {
            for (int r = 0; r < 8; r++) {
              int i = ip * 8 + r;
              expected[base + ip * stride + 8 * p + r] = i < m ? a[aOff + i * k + p0 + p] : 0f;
            }
          }
        }
        GemmPacking.packA(false, m, k, a, aOff, null, 8, 0, 0, panels, p0, kc, dst, base, stride);
        assertArrayEquals(expected, dst, "kc=" + kc + " m=" + m);
      }
    }
  }

  /**
   * Products with rows of an operand scaled give the bits of the plain product of scaled copies, whichever path the
   * shape takes (small, direct, transposed, blocked with B packed whole or per chunk, A packed whole or per block)
   * and on one, two and four threads; the scales are applied to A, to B or to both.
   */
  @Test
  void rowScaledProductsHaveTheBitsOfProductsOfScaledCopies() {
    SplittableRandom rng = new SplittableRandom(SEED + 4);
    int[][] shapes = {{5, 6, 7}, {20, 200, 784}, {100, 200, 784}, {1200, 4, 900}, {200, 784, 100}, {1000, 200, 96},
        {300, 136, 100}, {256, 200, 300}, {1000, 50, 200}, {37, 70, 1700}};
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      for (int t = 0; t < 12; t++) {
        boolean scaleA = t % 3 != 1;
        boolean scaleB = t % 3 != 0;
        boolean transA = !scaleA && (t & 4) != 0;
        boolean transB = !scaleB && (t & 4) != 0;
        boolean accumulate = t >= 6;
        float[] a = random(rng, m * k + 3);
        float[] b = random(rng, k * n + 2);
        float[] aScale = scaleA ? random(rng, m) : null;
        float[] bScale = scaleB ? random(rng, k) : null;
        float[] as = a.clone();
        for (int i = 0; scaleA && i < m; i++) {
          for (int p = 0; p < k; p++) {
            as[3 + i * k + p] = aScale[i] * a[3 + i * k + p];
          }
        }
        float[] bs = b.clone();
        for (int p = 0; scaleB && p < k; p++) {
          for (int j = 0; j < n; j++) {
            bs[2 + p * n + j] = bScale[p] * b[2 + p * n + j];
          }
        }
        float[] c = random(rng, m * n);
        for (int threads : new int[] {1, 2, 4}) {
          float[] expected = c.clone();
          Parallel.withThreads(threads, () -> vector.gemm(transA, transB, m, n, k, as, 3, bs, 2, expected, 0,
              accumulate));
          for (Kernels kernels : new Kernels[] {vector, scalar}) {
            if (kernels == scalar && (threads > 1 || (long) m * n * k > 1_000_000)) {
              continue;
            }
            float[] want = expected;
            if (kernels == scalar) {
              want = c.clone();
              scalar.gemm(transA, transB, m, n, k, as, 3, bs, 2, want, 0, accumulate);
            }
            float[] got = c.clone();
            Parallel.withThreads(threads, () -> kernels.gemmRowScaled(transA, transB, m, n, k, a, 3, aScale, b, 2,
                bScale, got, 0, accumulate));
            assertArrayEquals(want, got, kernels.name() + " " + java.util.Arrays.toString(s) + " t=" + t
                + " threads=" + threads);
          }
        }
      }
    }
    float[] none = new float[4];
    assertThrows(IllegalArgumentException.class,
        () -> vector.gemmRowScaled(true, false, 2, 2, 2, none, 0, none, none, 0, null, none, 0, false));
    assertThrows(IllegalArgumentException.class,
        () -> vector.gemmRowScaled(false, false, 2, 2, 3, new float[6], 0, null, new float[6], 0, new float[2],
            none, 0, false));
  }

  /**
   * A prepared right operand gives the bits of the plain product, on every path (the packed one reading B packed
   * beforehand, the others B as it lies), for either transposition, with accumulation, on one and two threads, and
   * whether the product has the rows it was prepared for or not; the plain-loop default too.
   */
  @Test
  void preparedOperandsGiveTheBitsOfThePlainProduct() {
    SplittableRandom rng = new SplittableRandom(SEED + 9);
    int[][] shapes = {{250, 784, 200}, {130, 70, 513}, {300, 200, 50}, {20, 200, 300}, {5, 7, 3}, {301, 4, 128},
        {33, 70, 1700}};
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      for (int t = 0; t < 8; t++) {
        boolean transA = (t & 1) != 0;
        boolean transB = (t & 2) != 0;
        boolean accumulate = (t & 4) != 0;
        float[] a = random(rng, 3 + m * k);
        float[] b = random(rng, 2 + k * n);
        float[] c0 = random(rng, 1 + m * n);
        for (int threads = 1; threads <= 2; threads++) {
          for (int rows : new int[] {m, 1}) {
            for (Kernels kernels : new Kernels[] {vector, scalar}) {
              float[] expected = c0.clone();
              float[] actual = c0.clone();
              Parallel.withThreads(threads, () -> {
                kernels.gemm(transA, transB, m, n, k, a, 3, b, 2, expected, 1, accumulate);
                PreparedOperand prepared = kernels.prepare(transB, k, n, b, 2, rows);
                assertEquals(k, prepared.k());
                assertEquals(n, prepared.n());
                kernels.gemmPrepared(transA, m, a, 3, prepared, actual, 1, accumulate);
              });
              assertArrayEquals(expected, actual, 0f, kernels.name() + " " + java.util.Arrays.toString(s) + " t="
                  + t + " threads=" + threads + " prepared for " + rows + " rows");
            }
          }
        }
      }
    }
  }

  @Test
  void zeroSummationLengthClearsOrKeepsC() {
    float[] c = {1f, 2f, 3f, 4f};
    vector.gemm(false, false, 2, 2, 0, new float[0], 0, new float[0], 0, c, 0, true);
    assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, c);
    vector.gemm(false, false, 2, 2, 0, new float[0], 0, new float[0], 0, c, 0, false);
    assertArrayEquals(new float[4], c);
  }

  private void checkAgainstScalar(SplittableRandom rng, int m, int n, int k,
      boolean transA, boolean transB, boolean accumulate) {
    int aOff = rng.nextInt(5);
    int bOff = rng.nextInt(5);
    int cOff = rng.nextInt(5);
    float[] a = random(rng, aOff + m * k);
    float[] b = random(rng, bOff + k * n);
    float[] c0 = random(rng, cOff + m * n + 3);
    float[] expected = c0.clone();
    float[] actual = c0.clone();
    scalar.gemm(transA, transB, m, n, k, a, aOff, b, bOff, expected, cOff, accumulate);
    vector.gemm(transA, transB, m, n, k, a, aOff, b, bOff, actual, cOff, accumulate);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double absSum = accumulate ? Math.abs(c0[cOff + i * n + j]) : 0;
        for (int p = 0; p < k; p++) {
          float aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
          float bpj = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
          absSum += Math.abs((double) aip * bpj);
        }
        double bound = BOUND_FACTOR * (k + 1) * EPS * absSum;
        int o = cOff + i * n + j;
        double err = Math.abs((double) actual[o] - expected[o]);
        if (!(err <= bound)) {
          throw new AssertionError(String.format("m=%d n=%d k=%d tA=%b tB=%b acc=%b C[%d,%d]: |%g - %g| = %g > %g",
              m, n, k, transA, transB, accumulate, i, j, actual[o], expected[o], err, bound));
        }
      }
    }
    for (int o = 0; o < c0.length; o++) {
      if (o < cOff || o >= cOff + m * n) {
        assertTrue(actual[o] == c0[o], "wrote outside C at " + o);
      }
    }
  }

  private static float[] random(SplittableRandom rng, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return x;
  }
}
