package dev.marginal.optim;

import dev.marginal.autodiff.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their accumulated gradients. Optimizers are explicitly stateful (moment estimates, step
 * count); {@link #state()} and {@link #restore(Map)} carry that state through checkpoints so a resumed run
 * continues bit for bit.
 *
 * <p>Updates are written into each parameter's own buffer, so values read from a tape are valid only until the next
 * step: build a new tape per step.
 */
public interface Optimizer {
  /** The parameters this optimizer updates. */
  List<Parameter> parameters();

  /**
   * Applies one update from the parameters' gradients, then zeroes the gradients (perhaps by
   * {@link Parameter#discardGrad}: read through the parameter, they are zero).
   */
  void step();

  /** The number of steps taken. */
  long steps();

  /** Sets every gradient to zero. */
  default void zeroGrad() {
    for (Parameter p : parameters()) {
      p.zeroGrad();
    }
  }

  /** The internal state as named arrays (for checkpoints). */
  Map<String, float[]> state();

  /** Restores {@link #state()}. */
  void restore(Map<String, float[]> state);
}
