package dev.marginal.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Forward values of tensor operations against hand-computed values and double-precision reference loops. */
class TensorTest {

  static Tensor randn(long seed, int... shape) {
    return Tensor.wrap(RngKey.of(seed).normals(Shape.size(shape)), shape);
  }

  // ---------------------------------------------------------------- broadcasting

  @Test
  void broadcastingAddsARowToEveryRow() {
    Tensor a = Tensor.ofRows(new float[] {1, 2, 3}, new float[] {4, 5, 6});
    Tensor b = Tensor.of(new float[] {10, 20, 30}, 3);
    Tensor sum = a.add(b);
    assertArrayEquals(new int[] {2, 3}, sum.shape());
    assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, sum.toArray());
    assertEquals(sum, b.add(a));
  }

  @Test
  void broadcastingAColumnAgainstARowGivesTheOuterProduct() {
    Tensor col = Tensor.of(new float[] {1, 2, 3, 4}, 4, 1);
    Tensor row = Tensor.of(new float[] {1, 10, 100}, 1, 3);
    Tensor outer = col.mul(row);
    assertArrayEquals(new int[] {4, 3}, outer.shape());
    assertArrayEquals(new float[] {1, 10, 100, 2, 20, 200, 3, 30, 300, 4, 40, 400}, outer.toArray());
  }

  @Test
  void broadcastingMatchesAReferenceLoopForEveryOperator() {
    int[][][] pairs = {
        {{2, 3, 4}, {3, 1}}, {{3, 1}, {2, 3, 4}}, {{4, 3}, {3}}, {{4, 1}, {1, 3}}, {{}, {2, 3}},
        {{2, 3}, {}}, {{2, 1, 3}, {4, 1}}, {{1}, {5}}, {{4, 1}, {4, 1}}, {{2, 3}, {2, 3}}};
    for (int[][] p : pairs) {
      Tensor a = randn(1, p[0]);
      Tensor b = randn(2, p[1]).abs().add(0.5f);
      String at = Arrays.toString(p[0]) + " with " + Arrays.toString(p[1]);
      assertBroadcast(a.add(b), a, b, (x, y) -> (float) x + (float) y, at);
      assertBroadcast(a.sub(b), a, b, (x, y) -> (float) x - (float) y, at);
      assertBroadcast(a.mul(b), a, b, (x, y) -> (float) x * (float) y, at);
      assertBroadcast(a.div(b), a, b, (x, y) -> (float) x / (float) y, at);
      assertBroadcast(a.maximum(b), a, b, Math::max, at);
      assertBroadcast(Tensor.where(a, b, a), a, b, (x, y) -> x != 0 ? y : x, at);
    }
  }

  /** Compares {@code out} with {@code op} applied through explicit multi-index arithmetic. */
  private static void assertBroadcast(Tensor out, Tensor a, Tensor b, DoubleBinaryOperator op, String at) {
    int[] shape = Shape.broadcast(a.shape(), b.shape());
    assertArrayEquals(shape, out.shape(), at);
    int[] idx = new int[shape.length];
    for (int flat = 0; flat < out.size(); flat++) {
      int rem = flat;
      for (int d = shape.length - 1; d >= 0; d--) {
        idx[d] = rem % shape[d];
        rem /= shape[d];
      }
      float expected = (float) op.applyAsDouble(at(a, idx), at(b, idx));
      assertEquals(expected, out.buffer()[flat], 0f, at + " at " + Arrays.toString(idx));
    }
  }

  /** The element of {@code t} that a right-aligned broadcast index selects. */
  private static float at(Tensor t, int[] idx) {
    int[] s = t.shape();
    int flat = 0;
    for (int d = 0; d < s.length; d++) {
      int i = idx[idx.length - s.length + d];
      flat = flat * s[d] + (s[d] == 1 ? 0 : i);
    }
    return t.buffer()[flat];
  }

  @Test
  void broadcastToAndSumToAreAdjoint() {
    Tensor x = randn(3, 4, 1);
    Tensor big = x.broadcastTo(2, 4, 3);
    assertArrayEquals(new int[] {2, 4, 3}, big.shape());
    assertEquals(x.get(2, 0), big.get(1, 2, 2));
    assertArrayEquals(x.mul(6f).toArray(), big.sumTo(4, 1).toArray(), 1e-6f);
    assertArrayEquals(new int[] {}, big.sumTo().shape());
    assertEquals(x.sumDouble() * 6, big.sumTo().item(), 1e-5);
  }

  // ---------------------------------------------------------------- error messages

  @Test
  void shapeMismatchesNameBothShapes() {
    assertNamesShapes(() -> Tensor.zeros(4, 3).add(Tensor.zeros(4)), "[4, 3]", "[4]");
    assertNamesShapes(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)), "[2, 3]", "[4, 5]");
    assertNamesShapes(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2, 5), false, true), "[2, 3]", "[2, 5]");
    assertNamesShapes(() -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)), "[2, 3]", "[2, 4]");
    assertNamesShapes(() -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(3)), "[2, 3]", "[3]");
    assertNamesShapes(() -> Tensor.zeros(2, 3).reshape(4, -1), "[2, 3]", "[4, -1]");
    assertNamesShapes(() -> Tensor.zeros(2, 3).reshape(5), "[2, 3]", "[5]");
    assertNamesShapes(() -> Tensor.zeros(2, 3).broadcastTo(3, 3), "[2, 3]", "[3, 3]");
    assertNamesShapes(() -> Tensor.zeros(2, 3).sumTo(4), "[2, 3]", "[4]");
    assertNamesShapes(() -> Tensor.zeros(2, 3).addInPlace(Tensor.zeros(3, 2), 1f), "[2, 3]", "[3, 2]");
    assertNamesShapes(() -> Tensor.where(Tensor.zeros(2), Tensor.zeros(3), Tensor.zeros(3)), "[2]", "[3]");
    assertNamesShapes(() -> Tensor.of(new float[5], 2, 3), "[2, 3]");
  }

  private static void assertNamesShapes(Executable e, String... shapes) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    for (String s : shapes) {
      assertTrue(ex.getMessage().contains(s), () -> "message '" + ex.getMessage() + "' does not name " + s);
    }
  }

  // ---------------------------------------------------------------- shape and indexing

  @Test
  void reshapeInfersTheMinusOneDimension() {
    Tensor x = randn(4, 2, 3, 4);
    assertArrayEquals(new int[] {6, 4}, x.reshape(-1, 4).shape());
    assertArrayEquals(new int[] {2, 12}, x.reshape(2, -1).shape());
    assertArrayEquals(new int[] {24}, x.reshape(-1).shape());
    assertArrayEquals(x.toArray(), x.reshape(4, -1, 2).toArray());
    assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
  }

  @Test
  void wrapLikeAdoptsTheValuesWithTheShapeOfItsModel() {
    Tensor like = Tensor.zeros(2, 3);
    float[] values = {1, 2, 3, 4, 5, 6};
    Tensor t = Tensor.wrapLike(values, like);
    assertArrayEquals(new int[] {2, 3}, t.shape());
    assertTrue(t.sameShape(like));
    assertTrue(t.buffer() == values);
    assertEquals(6f, t.get(1, 2));
    assertTrue(!t.sameShape(Tensor.zeros(3, 2)));
    assertNamesShapes(() -> Tensor.wrapLike(new float[5], like), "[2, 3]");
  }

  @Test
  void transposeSwapsIndices() {
    Tensor x = randn(5, 3, 4);
    Tensor t = x.transpose();
    assertArrayEquals(new int[] {4, 3}, t.shape());
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        assertEquals(x.get(i, j), t.get(j, i));
      }
    }
    assertEquals(x, t.transpose());
  }

  @Test
  void slicesConcatenateBackToTheOriginalOnEveryAxis() {
    Tensor x = randn(6, 3, 4, 5);
    for (int axis = 0; axis < 3; axis++) {
      int n = x.dim(axis);
      Tensor rebuilt = Tensor.concat(axis, x.slice(axis, 0, 1), x.slice(axis, 1, n - 1), x.slice(axis, n - 1, n));
      assertEquals(x, rebuilt, "axis " + axis);
    }
    assertEquals(x.slice(2, 1, 3), x.slice(-1, 1, 3));
    assertArrayEquals(new int[] {3, 0, 5}, x.slice(1, 2, 2).shape());
  }

  @Test
  void sliceSelectsTheRightElements() {
    Tensor x = Tensor.ofRows(new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8});
    assertArrayEquals(new float[] {2, 3, 6, 7}, x.slice(1, 1, 3).toArray());
    assertArrayEquals(new float[] {5, 6, 7, 8}, x.slice(0, 1, 2).toArray());
    assertThrows(IllegalArgumentException.class, () -> x.slice(1, 2, 5));
  }

  @Test
  void gatherWithRepeatsCopiesRowsAndRoundTripsAPermutation() {
    Tensor x = Tensor.ofRows(new float[] {1, 2}, new float[] {3, 4}, new float[] {5, 6});
    assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6, 5, 6}, x.gather(new int[] {2, 0, 2, 2}).toArray());
    assertArrayEquals(new int[] {4, 2}, x.gather(new int[] {2, 0, 2, 2}).shape());
    Tensor y = randn(7, 5, 2, 3);
    int[] perm = {3, 0, 4, 1, 2};
    int[] inverse = new int[5];
    for (int i = 0; i < 5; i++) {
      inverse[perm[i]] = i;
    }
    assertEquals(y, y.gather(perm).gather(inverse));
    assertThrows(IndexOutOfBoundsException.class, () -> x.gather(new int[] {3}));
  }

  @Test
  void clampLimitsAndKeepsNan() {
    Tensor x = Tensor.of(new float[] {-5f, -1f, 0.5f, 1f, 7f, Float.NaN}, 6);
    float[] c = x.clamp(-1f, 1f).toArray();
    assertArrayEquals(new float[] {-1f, -1f, 0.5f, 1f, 1f}, Arrays.copyOf(c, 5));
    assertTrue(Float.isNaN(c[5]));
  }

  // ---------------------------------------------------------------- reductions

  @Test
  void sumAccumulatesInDouble() {
    // In float the running sum stalls at 2^21 = 2097152 (0.1 is below half an ulp there).
    int n = 10_000_000;
    Tensor x = Tensor.full(0.1f, n);
    double exact = n * (double) 0.1f;
    assertEquals(exact, x.sum(), 1e-6 * exact);
    assertEquals(exact, x.sumDouble(), 1e-9 * exact);
    assertEquals(exact, x.sum(0, false).item(), 1e-6 * exact);
    assertEquals(0.1f, x.mean(0, false).item(), 1e-6 * 0.1f);
    Tensor columns = Tensor.full(0.1f, n / 2, 2);
    assertEquals(exact / 2, columns.sum(0, false).get(1), 1e-6 * exact);
  }

  @Test
  void axisReductionsMatchDoubleReferences() {
    Tensor x = randn(8, 3, 4, 5);
    for (int axis = -3; axis < 3; axis++) {
      int a = Shape.axis(axis, 3);
      Tensor sum = x.sum(axis, false);
      Tensor mean = x.mean(axis, true);
      Tensor max = x.max(axis, false);
      Tensor lse = x.logSumExp(axis, true);
      Tensor cum = x.logCumSumExp(axis);
      int[] kept = x.shape();
      kept[a] = 1;
      assertArrayEquals(Shape.reduce(x.shape(), a, false), sum.shape());
      assertArrayEquals(kept, mean.shape());
      assertArrayEquals(kept, lse.shape());
      assertArrayEquals(x.shape(), cum.shape());
      for (int[] line : lines(x.shape(), a)) {
        double[] v = line(x, line, a);
        int out = reducedIndex(x.shape(), line, a);
        double s = 0;
        double m = Double.NEGATIVE_INFINITY;
        for (double d : v) {
          s += d;
          m = Math.max(m, d);
        }
        assertEquals(s, sum.buffer()[out], 1e-6 * (1 + Math.abs(s)));
        assertEquals(s / v.length, mean.buffer()[out], 1e-6 * (1 + Math.abs(s)));
        assertEquals(m, max.buffer()[out], 0);
        assertEquals(LogSpace.logSumExp(v), lse.buffer()[out], 1e-6 * (1 + Math.abs(LogSpace.logSumExp(v))));
        double[] cumRef = LogSpace.logCumSumExp(v);
        double[] cumGot = line(cum, line, a);
        for (int l = 0; l < v.length; l++) {
          assertEquals(cumRef[l], cumGot[l], 1e-6 * (1 + Math.abs(cumRef[l])), "axis " + axis + " step " + l);
        }
      }
    }
  }

  @Test
  void logCumSumExpMatchesDoubleReferenceOverWideRanges() {
    float[] xs = {-1e4f, 3f, -50f, 88f, 88.5f, -1e30f, 0f, 1e4f, -2f, Float.NEGATIVE_INFINITY, 1e4f + 1};
    double[] ref = LogSpace.logCumSumExp(Tensor.of(xs, xs.length).toDoubleArray());
    float[] got = Tensor.of(xs, xs.length).logCumSumExp(0).toArray();
    for (int i = 0; i < xs.length; i++) {
      assertEquals((float) ref[i], got[i], Math.ulp((float) ref[i]), "step " + i);
    }
  }

  @Test
  void logSumExpIsMaxShifted() {
    Tensor x = Tensor.of(new float[] {1000f, 1000f, -1000f, 88f, 89f, 0f}, 2, 3);
    float[] lse = x.logSumExp(1, false).toArray();
    assertEquals(1000 + Math.log(2), lse[0], 1e-4);
    assertEquals(LogSpace.logSumExp(new double[] {88, 89, 0}), lse[1], 1e-5);
  }

  /** The starting multi-indices (with 0 on {@code axis}) of every line along {@code axis}. */
  private static int[][] lines(int[] shape, int axis) {
    int[] reduced = shape.clone();
    reduced[axis] = 1;
    int n = Shape.size(reduced);
    int[][] out = new int[n][];
    for (int flat = 0; flat < n; flat++) {
      int[] idx = new int[shape.length];
      int rem = flat;
      for (int d = shape.length - 1; d >= 0; d--) {
        idx[d] = rem % reduced[d];
        rem /= reduced[d];
      }
      out[flat] = idx;
    }
    return out;
  }

  private static double[] line(Tensor x, int[] start, int axis) {
    double[] v = new double[x.dim(axis)];
    int[] idx = start.clone();
    for (int l = 0; l < v.length; l++) {
      idx[axis] = l;
      v[l] = x.get(idx);
    }
    return v;
  }

  private static int reducedIndex(int[] shape, int[] start, int axis) {
    int flat = 0;
    for (int d = 0; d < shape.length; d++) {
      if (d != axis) {
        flat = flat * shape[d] + start[d];
      }
    }
    return flat;
  }

  // ---------------------------------------------------------------- linear algebra

  @Test
  void matmulMatchesANaiveLoopForEveryTranspose() {
    int[][] sizes = {{1, 1, 1}, {3, 4, 5}, {17, 9, 33}, {70, 70, 70}};
    for (int[] mnk : sizes) {
      int m = mnk[0];
      int n = mnk[1];
      int k = mnk[2];
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          Tensor a = ta ? randn(9, k, m) : randn(9, m, k);
          Tensor b = tb ? randn(10, n, k) : randn(10, k, n);
          String at = m + "x" + n + "x" + k + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "");
          assertClose(naive(a, b, ta, tb), a.matmul(b, ta, tb), k, at);
          float[] c = new float[m * n];
          Kernels.scalar().gemm(ta, tb, m, n, k, a.buffer(), 0, b.buffer(), 0, c, 0, false);
          assertClose(naive(a, b, ta, tb), Tensor.wrap(c, m, n), k, at + " (scalar kernels)");
        }
      }
    }
  }

  @Test
  void matmulKeepsTheLeadingDimensionsOfARankThreeLeftOperand() {
    Tensor a = randn(11, 2, 3, 4);
    Tensor b = randn(12, 4, 5);
    Tensor c = a.matmul(b);
    assertArrayEquals(new int[] {2, 3, 5}, c.shape());
    assertClose(naive(a.reshape(6, 4), b, false, false), c.reshape(6, 5), 4, "rank 3");
    Tensor bt = randn(13, 5, 4);
    assertClose(naive(a.reshape(6, 4), bt, false, true), a.matmul(bt, false, true).reshape(6, 5), 4, "rank 3 Bᵀ");
  }

  @Test
  void gemmAccumulatesWhenAsked() {
    Tensor a = randn(14, 3, 2);
    Tensor b = randn(15, 2, 4);
    float[] c = Tensor.full(1f, 3, 4).toArray();
    Kernels.get().gemm(false, false, 3, 4, 2, a.buffer(), 0, b.buffer(), 0, c, 0, true);
    assertClose(naive(a, b, false, false).add(1f), Tensor.wrap(c, 3, 4), 2, "accumulate");
  }

  /** {@code op(a)·op(b)} by the definition, in double. */
  private static Tensor naive(Tensor a, Tensor b, boolean ta, boolean tb) {
    int m = ta ? a.dim(1) : a.dim(0);
    int k = ta ? a.dim(0) : a.dim(1);
    int n = tb ? b.dim(0) : b.dim(1);
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += (double) (ta ? a.get(p, i) : a.get(i, p)) * (tb ? b.get(j, p) : b.get(p, j));
        }
        c[i * n + j] = s;
      }
    }
    return Tensor.of(c, m, n);
  }

  /** Float32 accumulation over k standard-normal products: error grows like √k ulps of the magnitude. */
  private static void assertClose(Tensor expected, Tensor got, int k, String at) {
    assertArrayEquals(expected.shape(), got.shape(), at);
    double tol = 1e-6 * (4 + k);
    for (int i = 0; i < got.size(); i++) {
      assertEquals(expected.buffer()[i], got.buffer()[i], tol, at + " element " + i);
    }
  }

  // ---------------------------------------------------------------- unary kernels

  @Test
  void activeKernelsAgreeWithScalarReference() {
    int n = 101;
    float[] x = randn(16, n).mul(3f).toArray();
    float[] pos = randn(17, n).abs().add(1e-3f).toArray();
    Kernels v = Kernels.get();
    Kernels s = Kernels.scalar();
    float[] got = new float[n];
    float[] ref = new float[n];
    v.exp(x, 0, got, 0, n);
    s.exp(x, 0, ref, 0, n);
    assertUlps(ref, got, 2, "exp on " + v.name());
    v.tanh(x, 0, got, 0, n);
    s.tanh(x, 0, ref, 0, n);
    assertUlps(ref, got, 2, "tanh on " + v.name());
    v.log(pos, 0, got, 0, n);
    s.log(pos, 0, ref, 0, n);
    assertUlps(ref, got, 2, "log on " + v.name());
  }

  private static void assertUlps(float[] expected, float[] got, int ulps, String at) {
    for (int i = 0; i < got.length; i++) {
      assertEquals(expected[i], got[i], ulps * Math.ulp(expected[i]), at + " element " + i);
    }
  }

  @Test
  void elementwiseMapsMatchDoubleFormulas() {
    float[] x = {-30f, -3f, -0.5f, -1e-8f, 0f, 1e-8f, 0.5f, 3f, 30f};
    Tensor t = Tensor.of(x, x.length);
    float[] sig = t.sigmoid().toArray();
    float[] sp = t.softplus().toArray();
    float[] l1p = t.abs().log1p().toArray();
    float[] em1 = t.expm1().toArray();
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      // Sigmoid and softplus run on the vector kernels, documented to within 2 float ulps.
      float wantSig = (float) (1 / (1 + Math.exp(-xi)));
      float wantSp = (float) LogSpace.softplus(xi);
      assertEquals(wantSig, sig[i], 2 * Math.ulp(wantSig), "sigmoid " + xi);
      assertEquals(wantSp, sp[i], 2 * Math.ulp(wantSp), "softplus " + xi);
      assertEquals((float) Math.log1p(Math.abs(xi)), l1p[i], "log1p " + xi);
      assertEquals((float) Math.expm1(xi), em1[i], "expm1 " + xi);
    }
    assertArrayEquals(new float[] {0f, 0f, 2f}, Tensor.of(new float[] {-1f, 0f, 2f}, 3).relu().toArray());
    assertArrayEquals(new float[] {0f, 0f, 1f}, Tensor.of(new float[] {-1f, 0f, 2f}, 3).step().toArray());
  }
}
