package dev.marginal.autodiff;

import dev.marginal.tensor.Tensor;

/**
 * The backward rule of one primitive: given the gradient of the loss with respect to the primitive's output,
 * add the gradients with respect to its inputs into them with {@link Var#accumulate(Tensor)}.
 */
@FunctionalInterface
public interface Backward {
  /** @param grad d loss / d output, with the output's shape (read-only) */
  void apply(Tensor grad);
}
