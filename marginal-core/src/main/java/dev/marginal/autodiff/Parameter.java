package dev.marginal.autodiff;

import dev.marginal.tensor.Tensor;

/**
 * A trainable tensor that outlives tapes: its value is read when a tape watches it ({@link Tape#param}), and
 * gradients from every backward pass that reaches it are added into {@link #grad()} until {@link #zeroGrad()}.
 * Parameters are the only mutable state of a model: a parameter owns its value's buffer, and optimizers update it
 * in place between steps, so values read through a tape are valid only until the next optimizer step.
 */
public final class Parameter {
  private final String name;
  private Tensor value;
  private float[] grad;

  /**
   * @param name a stable name, used in model files and reports
   * @param value the initial value
   */
  public Parameter(String name, Tensor value) {
    this.name = name;
    this.value = Tensor.of(value.buffer(), value.shape());
  }

  public String name() {
    return name;
  }

  public Tensor value() {
    return value;
  }

  public int[] shape() {
    return value.shape();
  }

  public int size() {
    return value.size();
  }

  /** Replaces the value; the shape must not change. */
  public void set(Tensor newValue) {
    if (!java.util.Arrays.equals(newValue.shape(), value.shape())) {
      throw new IllegalArgumentException("parameter " + name + ": shape " + java.util.Arrays.toString(newValue.shape())
          + " != " + java.util.Arrays.toString(value.shape()));
    }
    this.value = Tensor.of(newValue.buffer(), newValue.shape());
  }

  /** The accumulated gradient (zeros if nothing was accumulated), as a tensor sharing this parameter's buffer. */
  public Tensor grad() {
    if (grad == null) {
      grad = new float[value.size()];
    }
    return Tensor.wrap(grad, value.shape());
  }

  /** The accumulated gradient's backing array, for optimizers. */
  public float[] gradBuffer() {
    if (grad == null) {
      grad = new float[value.size()];
    }
    return grad;
  }

  /** Sets the accumulated gradient to zero. */
  public void zeroGrad() {
    if (grad != null) {
      java.util.Arrays.fill(grad, 0f);
    }
  }

  /**
   * Adds elements {@code [from, to)} of {@code g} into the gradient. Calls for disjoint ranges may run on several
   * threads at once only once the buffer exists ({@link #gradBuffer()}), since creating it is not synchronized.
   */
  void accumulateGrad(float[] g, int from, int to) {
    float[] acc = gradBuffer();
    for (int i = from; i < to; i++) {
      acc[i] += g[i];
    }
  }

  @Override
  public String toString() {
    return "Parameter[" + name + " " + java.util.Arrays.toString(value.shape()) + "]";
  }
}
