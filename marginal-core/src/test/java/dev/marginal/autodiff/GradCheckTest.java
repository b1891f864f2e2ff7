package dev.marginal.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradCheckTest {
  private static Tensor randn(RngKey key, int... shape) {
    return Tensor.wrap(key.normals(Tensor.zeros(shape).size()), shape);
  }

  @Test
  void acceptsACorrectRule() {
    GradCheck.Result r = GradCheck.check(v -> v[0].tanh().matmul(v[1]), RngKey.of(1),
        randn(RngKey.of(2), 4, 3), randn(RngKey.of(3), 3, 5));
    assertTrue(r.passed(), r::toString);
  }

  @Test
  void acceptsAnExactRuleWhenTheDirectionalDerivativeCancels() {
    // x + y along a direction where the derivative is ~0.02 while float32 rounding of the quotient is ~1e-4:
    // a purely relative tolerance rejected this correct rule.
    RngKey key = RngKey.of(20240601).foldIn("add same shape".hashCode());
    GradCheck.Result r = GradCheck.check(v -> v[0].add(v[1]), key,
        randn(RngKey.of(1), 4, 3), randn(RngKey.of(2), 4, 3));
    assertTrue(r.passed(), r::toString);
  }

  @Test
  void rejectsADeliberatelyWrongRule() {
    // x² with the derivative 3x instead of 2x.
    GradCheck.Result r = GradCheck.check(v -> {
      Var x = v[0];
      Tensor value = x.value().square();
      return x.tape().record(value, g -> x.accumulate(g.mul(x.value()).mul(3f)), x);
    }, RngKey.of(4), randn(RngKey.of(5), 6));
    assertFalse(r.passed(), r::toString);
  }

  @Test
  void rejectsARuleThatDropsABroadcastSum() {
    // a + b with b broadcast along rows, but b's gradient not summed over rows (only the first row kept).
    GradCheck.Result r = GradCheck.check(v -> {
      Var a = v[0];
      Var b = v[1];
      Tensor value = a.value().add(b.value());
      return a.tape().record(value, g -> {
        a.accumulate(g);
        b.accumulate(g.slice(0, 0, 1).reshape(3));
      }, a, b);
    }, RngKey.of(6), randn(RngKey.of(7), 4, 3), randn(RngKey.of(8), 3));
    assertFalse(r.passed(), r::toString);
  }
}
