package dev.marginal.autodiff;

import dev.marginal.tensor.Tensor;

/**
 * A trainable tensor that outlives tapes: its value is read when a tape watches it ({@link Tape#param}), and
 * gradients from every backward pass that reaches it are added into {@link #grad()} until {@link #zeroGrad()} (or
 * {@link #discardGrad()}, as optimizers do once they have used the gradient).
 * Parameters are the only mutable state of a model: a parameter owns its value's buffer, and optimizers update it
 * in place between steps, so values read through a tape are valid only until the next optimizer step.
 */
public final class Parameter {
  private final String name;
  private Tensor value;
  private float[] grad;
  /**
   * The gradient is zero but the buffer still holds the gradient an optimizer consumed ({@link #discardGrad}): it is
   * cleared when read, or overwritten by the next backward pass.
   */
  private boolean gradDiscarded;

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
    return Tensor.wrap(gradBuffer(), value.shape());
  }

  /** The accumulated gradient's backing array, for optimizers. */
  public float[] gradBuffer() {
    if (grad == null) {
      grad = new float[value.size()];
    } else if (gradDiscarded) {
      java.util.Arrays.fill(grad, 0f);
    }
    gradDiscarded = false;
    return grad;
  }

  /** Sets the accumulated gradient to zero. */
  public void zeroGrad() {
    if (grad != null) {
      java.util.Arrays.fill(grad, 0f);
    }
    gradDiscarded = false;
  }

  /**
   * Sets the accumulated gradient to zero without writing the buffer now, for an optimizer that has just consumed
   * the gradient: the next backward pass writes its gradient over the old values instead of adding to zeros (the
   * same bits), and a read through {@link #grad()} or {@link #gradBuffer()} before then clears the buffer first. An
   * array obtained from {@link #gradBuffer()} before this call keeps the old values; read the gradient again through
   * this parameter instead. In IWAE training this saves a pass that wrote every gradient to zero and one that read
   * those zeros back.
   */
  public void discardGrad() {
    if (grad != null) {
      gradDiscarded = true;
    }
  }

  /**
   * Makes the buffer ready for {@link #addGrad} calls, on the thread that owns this parameter, before any such call
   * (they may run on several threads, for disjoint ranges): creates it if there is none, and says whether the first
   * gradient added must be written over the buffer ({@link #discardGrad}) rather than added to it.
   */
  boolean beginAdd() {
    if (grad == null) {
      grad = new float[value.size()];
    }
    boolean overwrite = gradDiscarded;
    gradDiscarded = false;
    return overwrite;
  }

  /**
   * Adds elements {@code [from, to)} of {@code g} into the gradient after {@link #beginAdd}, or, with
   * {@code overwrite}, writes {@code g[i] + 0} over them: the bits of adding {@code g[i]} to a zero (a −0 becomes +0).
   */
  void addGrad(float[] g, int from, int to, boolean overwrite) {
    float[] acc = grad;
    if (overwrite) {
      for (int i = from; i < to; i++) {
        acc[i] = g[i] + 0f;
      }
    } else {
      for (int i = from; i < to; i++) {
        acc[i] += g[i];
      }
    }
  }

  @Override
  public String toString() {
    return "Parameter[" + name + " " + java.util.Arrays.toString(value.shape()) + "]";
  }
}
