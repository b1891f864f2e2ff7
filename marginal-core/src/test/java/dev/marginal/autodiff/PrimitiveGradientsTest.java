package dev.marginal.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every differentiable primitive on {@link Var}, checked against Richardson-extrapolated central differences in
 * random directions. Inputs avoid each primitive's kinks and poles by more than the finite-difference step, so a
 * failure means a wrong rule, not a non-smooth point.
 */
class PrimitiveGradientsTest {
  private static final RngKey CHECK_KEY = RngKey.of(20240601);

  /** One row of the table: a name for the report, the function and its inputs. */
  private static Arguments gradient(String name, Function<Var[], Var> f, Tensor... inputs) {
    return Arguments.of(name, f, inputs);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"binary", "unary", "linearAlgebra", "reductions", "shapes", "compositions"})
  void gradientMatchesFiniteDifferences(String name, Function<Var[], Var> f, Tensor[] inputs) {
    GradCheck.Result r = GradCheck.check(f, CHECK_KEY.foldIn(name.hashCode()), inputs);
    assertTrue(r.passed(), () -> name + ": " + r);
  }

  static Stream<Arguments> binary() {
    return Stream.of(
        gradient("add same shape", v -> v[0].add(v[1]), randn(1, 4, 3), randn(2, 4, 3)),
        gradient("add [4,3]+[3]", v -> v[0].add(v[1]), randn(3, 4, 3), randn(4, 3)),
        gradient("add [3]+[4,3]", v -> v[0].add(v[1]), randn(3, 3), randn(4, 4, 3)),
        gradient("add scalar", v -> v[0].add(v[1]), randn(5, 4, 3), randn(6)),
        gradient("sub same shape", v -> v[0].sub(v[1]), randn(7, 4, 3), randn(8, 4, 3)),
        gradient("sub [4,3]-[3]", v -> v[0].sub(v[1]), randn(9, 4, 3), randn(10, 3)),
        gradient("sub [4,1]-[1,3]", v -> v[0].sub(v[1]), randn(11, 4, 1), randn(12, 1, 3)),
        gradient("sub scalar-[4,3]", v -> v[0].sub(v[1]), randn(13), randn(14, 4, 3)),
        gradient("mul same shape", v -> v[0].mul(v[1]), randn(15, 4, 3), randn(16, 4, 3)),
        gradient("mul [4,1]*[1,3]", v -> v[0].mul(v[1]), randn(17, 4, 1), randn(18, 1, 3)),
        gradient("mul [4,3]*[3]", v -> v[0].mul(v[1]), randn(19, 4, 3), randn(20, 3)),
        gradient("mul scalar", v -> v[0].mul(v[1]), randn(21, 4, 3), randn(22)),
        gradient("mul self", v -> v[0].mul(v[0]), randn(23, 4, 3)),
        gradient("div same shape", v -> v[0].div(v[1]), randn(24, 4, 3), awayFromZero(25, 4, 3)),
        gradient("div [2,3,4]/[3,1]", v -> v[0].div(v[1]), randn(26, 2, 3, 4), awayFromZero(27, 3, 1)),
        gradient("div [3,1]/[2,3,4]", v -> v[0].div(v[1]), randn(28, 3, 1), awayFromZero(29, 2, 3, 4)),
        gradient("div scalar", v -> v[0].div(v[1]), randn(30, 4, 3), awayFromZero(31)),
        gradient("div self", v -> v[0].div(v[0]), awayFromZero(32, 4, 3)));
  }

  static Stream<Arguments> unary() {
    return Stream.of(
        gradient("add(float)", v -> v[0].add(2.5f), randn(40, 4, 3)),
        gradient("mul(float)", v -> v[0].mul(-1.5f), randn(41, 4, 3)),
        gradient("affine", v -> v[0].affine(0.7f, -3f), randn(42, 4, 3)),
        gradient("neg", v -> v[0].neg(), randn(43, 4, 3)),
        gradient("exp", v -> v[0].exp(), randn(44, 4, 3)),
        gradient("log", v -> v[0].log(), positive(45, 4, 3)),
        gradient("log1p", v -> v[0].log1p(), positive(46, 4, 3).add(-0.4f)),
        gradient("expm1", v -> v[0].expm1(), randn(47, 4, 3)),
        gradient("tanh", v -> v[0].tanh(), randn(48, 4, 3)),
        gradient("sigmoid", v -> v[0].sigmoid(), randn(49, 4, 3).mul(2f)),
        gradient("softplus", v -> v[0].softplus(), randn(50, 4, 3).mul(2f)),
        gradient("softplus large |x|", v -> v[0].softplus(),
            Tensor.of(new float[] {-15f, -8f, -3f, -0.5f, 0.5f, 3f, 8f, 15f}, 8)),
        gradient("relu", v -> v[0].relu(), awayFromZero(51, 4, 3)),
        gradient("square", v -> v[0].square(), randn(52, 4, 3)),
        gradient("sqrt", v -> v[0].sqrt(), positive(53, 4, 3)),
        gradient("abs", v -> v[0].abs(), awayFromZero(54, 4, 3)),
        gradient("clamp", v -> v[0].clamp(-1f, 1f),
            Tensor.of(new float[] {-2.5f, -1.3f, -0.8f, -0.2f, 0.1f, 0.7f, 0.9f, 1.2f, 3f}, 3, 3)));
  }

  static Stream<Arguments> linearAlgebra() {
    return Stream.of(
        gradient("matmul", v -> v[0].matmul(v[1]), randn(60, 4, 3), randn(61, 3, 5)),
        gradient("matmul Aᵀ·B", v -> v[0].matmul(v[1], true, false), randn(62, 3, 4), randn(63, 3, 5)),
        gradient("matmul A·Bᵀ", v -> v[0].matmul(v[1], false, true), randn(64, 4, 3), randn(65, 5, 3)),
        gradient("matmul Aᵀ·Bᵀ", v -> v[0].matmul(v[1], true, true), randn(66, 3, 4), randn(67, 5, 3)),
        gradient("matmul rank-3 left", v -> v[0].matmul(v[1]), randn(68, 2, 4, 3), randn(69, 3, 5)),
        gradient("matmul rank-3 left, Bᵀ", v -> v[0].matmul(v[1], false, true), randn(70, 2, 4, 3),
            randn(71, 5, 3)),
        gradient("matmul self", v -> v[0].matmul(v[0], false, true), randn(72, 4, 3)),
        gradient("linear", v -> v[0].linear(v[1], v[2]), randn(73, 4, 3), randn(74, 3, 5), randn(75, 5)),
        gradient("linearTanh", v -> v[0].linearTanh(v[1], v[2]), randn(76, 4, 3), randn(77, 3, 5).mul(0.5f),
            randn(78, 5)),
        gradient("linearTanh rank-3 left", v -> v[0].linearTanh(v[1], v[2]), randn(79, 2, 4, 3),
            randn(58, 3, 5).mul(0.5f), randn(59, 5)));
  }

  static Stream<Arguments> reductions() {
    Stream.Builder<Arguments> b = Stream.builder();
    b.add(gradient("sum()", v -> v[0].sum(), randn(80, 2, 3, 4)));
    b.add(gradient("mean()", v -> v[0].mean(), randn(81, 2, 3, 4)));
    for (int axis = -1; axis < 3; axis++) {
      int a = axis;
      for (boolean keep : new boolean[] {false, true}) {
        String k = "(" + a + ", " + keep + ")";
        b.add(gradient("sum" + k, v -> v[0].sum(a, keep), randn(82 + a, 2, 3, 4)));
        b.add(gradient("mean" + k, v -> v[0].mean(a, keep), randn(86 + a, 2, 3, 4)));
        b.add(gradient("max" + k, v -> v[0].max(a, keep), distinct(90 + a, 2, 3, 4)));
        b.add(gradient("logSumExp" + k, v -> v[0].logSumExp(a, keep), randn(94 + a, 2, 3, 4)));
        b.add(gradient("logMeanExp" + k, v -> v[0].logMeanExp(a, keep), randn(98 + a, 2, 3, 4)));
      }
      b.add(gradient("logCumSumExp(" + a + ")", v -> v[0].logCumSumExp(a), randn(102 + a, 2, 3, 4)));
    }
    return b.build();
  }

  static Stream<Arguments> shapes() {
    Tensor mask = Tensor.of(new float[] {1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0}, 4, 3);
    return Stream.of(
        gradient("reshape", v -> v[0].reshape(3, -1), randn(110, 2, 3, 2)),
        gradient("transpose", v -> v[0].transpose(), randn(111, 4, 3)),
        gradient("slice axis 0", v -> v[0].slice(0, 1, 3), randn(112, 4, 3)),
        gradient("slice axis 1", v -> v[0].slice(1, 1, 3), randn(113, 2, 4, 3)),
        gradient("slice axis -1", v -> v[0].slice(-1, 0, 2), randn(114, 2, 4, 3)),
        gradient("concat axis 0", v -> Var.concat(0, v[0], v[1], v[0]), randn(115, 2, 3), randn(116, 1, 3)),
        gradient("concat axis 1", v -> Var.concat(1, v[0], v[1]), randn(117, 2, 3), randn(118, 2, 4)),
        gradient("gather with repeats", v -> v[0].gather(new int[] {2, 0, 2, 2, 3}), randn(119, 4, 3)),
        gradient("broadcastTo", v -> v[0].broadcastTo(2, 4, 3), randn(120, 4, 1)),
        gradient("broadcastTo from scalar", v -> v[0].broadcastTo(3, 2), randn(121)),
        gradient("where", v -> Var.where(mask, v[0], v[1]), randn(122, 4, 3), randn(123, 4, 3)),
        gradient("where broadcast", v -> Var.where(mask, v[0], v[1]), randn(124, 3), randn(125, 4, 1)));
  }

  static Stream<Arguments> compositions() {
    return Stream.of(
        gradient("2-layer tanh MLP, logSumExp loss", v -> {
          Var h = v[0].matmul(v[1]).add(v[2]).tanh();
          Var logits = h.matmul(v[3]).add(v[4]);
          return logits.logSumExp(1, false).sub(logits.slice(1, 0, 1).reshape(-1)).mean();
        }, randn(130, 6, 4), randn(131, 4, 5).mul(0.5f), randn(132, 5), randn(133, 5, 3).mul(0.5f),
            randn(134, 3)),
        gradient("variable used in several branches", v -> v[0].exp().mul(v[0].sigmoid()).add(v[0].square())
            .sum(0, false), randn(135, 4, 3)),
        gradient("softplus of logCumSumExp of matmul", v -> v[0].matmul(v[1]).logCumSumExp(1).softplus(),
            randn(136, 3, 4), randn(137, 4, 5)));
  }

  // ---------------------------------------------------------------- inputs

  static Tensor randn(long seed, int... shape) {
    return Tensor.wrap(RngKey.of(seed).normals(Tensor.zeros(shape).size()), shape);
  }

  /** Values in [0.5, 2.5): safely inside the domain of log, sqrt and 1/x. */
  static Tensor positive(long seed, int... shape) {
    return Tensor.wrap(RngKey.of(seed).uniforms(Tensor.zeros(shape).size()), shape).mul(2f).add(0.5f);
  }

  /** Values with |x| ≥ 0.3 and random sign: far from the kinks of relu and abs and the pole of 1/x. */
  static Tensor awayFromZero(long seed, int... shape) {
    float[] z = RngKey.of(seed).normals(Tensor.zeros(shape).size());
    for (int i = 0; i < z.length; i++) {
      z[i] = Math.copySign(0.3f + Math.abs(z[i]), z[i]);
    }
    return Tensor.wrap(z, shape);
  }

  /** A shuffled ramp with spacing 0.25, so no maximum is within a step of a tie. */
  static Tensor distinct(long seed, int... shape) {
    int n = Tensor.zeros(shape).size();
    float[] z = new float[n];
    RngKey key = RngKey.of(seed);
    for (int i = 0; i < n; i++) {
      z[i] = 0.25f * i - n / 8f;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = key.foldIn(i).nextInt(i + 1);
      float t = z[i];
      z[i] = z[j];
      z[j] = t;
    }
    return Tensor.wrap(z, shape);
  }
}
