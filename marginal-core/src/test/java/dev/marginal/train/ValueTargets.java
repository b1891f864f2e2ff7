package dev.marginal.train;

import dev.marginal.autodiff.Var;
import dev.marginal.targets.Target;
import dev.marginal.tensor.Tensor;
import java.util.function.UnaryOperator;

/** Test targets given by their log density's values alone, for code that never differentiates the target. */
final class ValueTargets {
  private ValueTargets() {}

  /** A target whose log density at {@code [n, dim]} points is {@code logDensity} of them, shape {@code [n]}. */
  static Target of(String name, int dim, UnaryOperator<Tensor> logDensity) {
    return new Target() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int dim() {
        return dim;
      }

      @Override
      public Var logDensity(Var x) {
        return x.tape().constant(logDensity(x.value()));
      }

      @Override
      public Tensor logDensity(Tensor x) {
        return logDensity.apply(x);
      }
    };
  }
}
