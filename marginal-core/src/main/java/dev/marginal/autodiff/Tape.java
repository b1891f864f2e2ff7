package dev.marginal.autodiff;

import dev.marginal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records primitives for reverse-mode differentiation. Nodes are appended in creation order, which is already a
 * topological order, so {@link #backward} is a single reverse sweep: no recursion, no sort. A tape is meant for one
 * step: make a new one per step and drop it, and nothing leaks across steps.
 *
 * <p>Only values that depend on a variable or parameter are recorded; constants cost nothing at backward time.
 * A tape {@link #forEvaluation() for evaluation} watches parameters as constants, so a model evaluated on it records
 * nothing and keeps no intermediate value alive.
 */
public final class Tape {
  private final ArrayList<Var> nodes = new ArrayList<>();
  private final boolean watchesParameters;

  /** A tape that records every primitive depending on a variable or a watched parameter. */
  public Tape() {
    this(true);
  }

  private Tape(boolean watchesParameters) {
    this.watchesParameters = watchesParameters;
  }

  /**
   * A tape for values only: {@link #param} gives the parameter's value as a constant, so unless a {@link #variable}
   * is added nothing is recorded. Models may then take faster paths that keep no intermediates (see
   * {@link #watchesParameters()}).
   */
  public static Tape forEvaluation() {
    return new Tape(false);
  }

  /** Whether {@link #param} watches parameters for gradients (false on a tape {@link #forEvaluation()}). */
  public boolean watchesParameters() {
    return watchesParameters;
  }

  /** A value that gradients do not flow into. */
  public Var constant(Tensor value) {
    return new Var(this, value, false, -1);
  }

  /** A scalar constant. */
  public Var constant(float value) {
    return constant(Tensor.scalar(value));
  }

  /** A leaf whose gradient is wanted ({@link #grad(Var)} after backward). */
  public Var variable(Tensor value) {
    return add(new Var(this, value, true, nodes.size()));
  }

  /**
   * Watches a parameter: backward passes add this leaf's gradient into {@link Parameter#grad()}. On a tape
   * {@link #forEvaluation()} the parameter's value as a constant.
   */
  public Var param(Parameter p) {
    if (!watchesParameters) {
      return constant(p.value());
    }
    Var v = new Var(this, p.value(), true, nodes.size());
    v.parameter = p;
    return add(v);
  }

  /**
   * Records a custom primitive: {@code value} computed from {@code inputs}, with its backward rule. Use this to
   * add a primitive without changing the library; check its rule with {@link GradCheck}.
   */
  public Var record(Tensor value, Backward rule, Var... inputs) {
    boolean needs = false;
    for (Var in : inputs) {
      if (in.tape != this) {
        throw new IllegalArgumentException("inputs come from different tapes");
      }
      needs |= in.requiresGrad;
    }
    if (!needs) {
      return new Var(this, value, false, -1);
    }
    Var v = new Var(this, value, true, nodes.size());
    v.rule = rule;
    v.inputs = inputs;
    return add(v);
  }

  private Var add(Var v) {
    nodes.add(v);
    return v;
  }

  /** The number of recorded nodes. */
  public int size() {
    return nodes.size();
  }

  /** Back-propagates from a scalar (one-element) output. */
  public void backward(Var loss) {
    if (loss.value().size() != 1) {
      throw new IllegalArgumentException("backward needs a one-element loss, got shape "
          + Arrays.toString(loss.value().shape()) + " (use backward(out, seed))");
    }
    backward(loss, Tensor.full(1f, loss.value().shape()));
  }

  /**
   * Back-propagates {@code seed} = d loss / d out. Earlier gradients on this tape are cleared first, so a tape can
   * be swept several times for different outputs; parameters accumulate across sweeps.
   */
  public void backward(Var out, Tensor seed) {
    backward(out, seed, null);
  }

  /**
   * Back-propagates a scalar loss, adding gradients only into the parameters in {@code only}: how two optimizers
   * with different objectives share one forward pass (SUMO's decoder and encoder, say).
   */
  public void backward(Var loss, java.util.Collection<Parameter> only) {
    if (loss.value().size() != 1) {
      throw new IllegalArgumentException("backward needs a one-element loss, got shape "
          + Arrays.toString(loss.value().shape()));
    }
    backward(loss, Tensor.full(1f, loss.value().shape()), java.util.Objects.requireNonNull(only));
  }

  private void backward(Var out, Tensor seed, java.util.Collection<Parameter> only) {
    if (out.tape != this) {
      throw new IllegalArgumentException("output is not on this tape");
    }
    if (!seed.sameShape(out.value())) {
      throw new IllegalArgumentException("seed shape " + Arrays.toString(seed.shape()) + " != output shape "
          + Arrays.toString(out.value().shape()));
    }
    for (Var v : nodes) {
      v.grad = null;
      v.live = live(v, only);
    }
    if (!out.requiresGrad) {
      return;
    }
    out.accumulate(seed);
    List<Var> leaves = new ArrayList<>();
    for (int i = out.index; i >= 0; i--) {
      Var v = nodes.get(i);
      if (v.grad == null) {
        continue;
      }
      if (v.rule != null) {
        v.rule.apply(Tensor.wrapLike(v.grad, v.value()));
      } else if (v.parameter != null && (only == null || only.contains(v.parameter))) {
        leaves.add(v);
      }
    }
    addIntoParameters(leaves);
  }

  /** Elements of a parameter's gradient added per unit of parallel work. */
  static final int ADD_CHUNK = 1 << 14;
  /** Below this many elements in all, the gradients are added on the calling thread alone. */
  static final long PARALLEL_ADD = 1 << 16;

  /**
   * Adds each watched leaf's gradient into its parameter, in chunks of elements on the kernel threads: a deep LVM's
   * 424,000 parameters took about 0.1 ms of every training step on one thread. A parameter watched by several leaves
   * gets their gradients in the order of the sweep, element by element as before, so the sums are the same bits.
   */
  private static void addIntoParameters(List<Var> leaves) {
    java.util.Map<Parameter, List<float[]>> byParameter = new java.util.LinkedHashMap<>();
    long total = 0;
    for (Var v : leaves) {
      byParameter.computeIfAbsent(v.parameter, p -> new ArrayList<>()).add(v.grad);
      total += v.grad.length;
    }
    List<AddChunk> chunks = new ArrayList<>();
    for (java.util.Map.Entry<Parameter, List<float[]>> e : byParameter.entrySet()) {
      // Made ready here, on the calling thread: chunks that each found the buffer missing would each create one, and
      // all but one buffer's additions would be lost.
      boolean overwrite = e.getKey().beginAdd();
      int n = e.getKey().size();
      for (int from = 0; from < n; from += ADD_CHUNK) {
        chunks.add(new AddChunk(e.getKey(), e.getValue(), from, Math.min(n, from + ADD_CHUNK), overwrite));
      }
    }
    dev.marginal.tensor.Parallel.forEach(chunks.size(), total >= PARALLEL_ADD, c -> {
      AddChunk chunk = chunks.get(c);
      boolean overwrite = chunk.overwrite();
      for (float[] g : chunk.grads()) {
        chunk.parameter().addGrad(g, chunk.from(), chunk.to(), overwrite);
        overwrite = false;
      }
    });
  }

  /**
   * Elements {@code [from, to)} of one parameter, the gradients to add into them in order, and whether the first is
   * written over a discarded gradient ({@link Parameter#discardGrad}).
   */
  private record AddChunk(Parameter parameter, List<float[]> grads, int from, int to, boolean overwrite) {}

  /**
   * Whether a sweep restricted to {@code only} needs the gradient of {@code v}: the inputs come earlier on the tape,
   * so their flags are already set. Skipping the rest leaves every wanted gradient the same sum in the same order,
   * because everything downstream of a live value is live too.
   */
  private static boolean live(Var v, java.util.Collection<Parameter> only) {
    if (only == null) {
      return true;
    }
    if (v.parameter != null) {
      return only.contains(v.parameter);
    }
    if (v.inputs == null) {
      return true;
    }
    for (Var in : v.inputs) {
      if (in.live) {
        return true;
      }
    }
    return false;
  }

  /** d loss / d v from the last backward pass (zeros when v was not reached). */
  public Tensor grad(Var v) {
    if (v.grad == null) {
      return Tensor.zeros(v.value().shape());
    }
    return Tensor.wrapLike(v.grad.clone(), v.value());
  }
}
