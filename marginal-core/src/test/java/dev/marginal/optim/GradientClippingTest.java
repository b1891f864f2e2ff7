package dev.marginal.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.autodiff.Parameter;
import dev.marginal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {
  @Test
  void clippingScalesTheGlobalNormAndKeepsTheDirection() {
    Parameter a = new Parameter("a", Tensor.zeros(2));
    Parameter b = new Parameter("b", Tensor.zeros(1));
    a.grad().addInPlace(Tensor.of(new float[] {3f, 0f}, 2), 1f);
    b.grad().addInPlace(Tensor.of(new float[] {4f}, 1), 1f);
    double before = GradientClipping.clipByGlobalNormInPlace(List.of(a, b), 1.0);
    assertEquals(5.0, before, 1e-6);
    assertEquals(1.0, GradientClipping.globalNorm(List.of(a, b)), 1e-6);
    assertEquals(0.6f, a.grad().get(0), 1e-6f);
    assertEquals(0.8f, b.grad().get(0), 1e-6f);
    assertEquals(1.0, GradientClipping.clipByGlobalNormInPlace(List.of(a, b), 10.0), 1e-6);
    assertEquals(0.6f, a.grad().get(0), 1e-6f);
  }
}
