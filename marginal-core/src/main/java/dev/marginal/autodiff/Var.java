package dev.marginal.autodiff;

import dev.marginal.tensor.BufferPool;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;

/**
 * A tensor value on a {@link Tape}, with the differentiable operations an LVM needs. Each method records one
 * primitive with its backward rule (the rules live in {@link Rules}). Binary operations broadcast.
 */
public final class Var {
  final Tape tape;
  private final Tensor value;
  final boolean requiresGrad;
  final int index;
  /**
   * Whether the current backward sweep wants this value's gradient: it requires gradients and, when the sweep is
   * restricted to some parameters, depends on one of them. Rules skip the gradients of inputs that are not live.
   */
  boolean live;
  float[] grad;
  Backward rule;
  /** The inputs of a recorded primitive (null for leaves). */
  Var[] inputs;
  Parameter parameter;

  Var(Tape tape, Tensor value, boolean requiresGrad, int index) {
    this.tape = tape;
    this.value = value;
    this.requiresGrad = requiresGrad;
    this.live = requiresGrad;
    this.index = index;
  }

  /** The forward value. */
  public Tensor value() {
    return value;
  }

  /** The tape this value lives on. */
  public Tape tape() {
    return tape;
  }

  public int[] shape() {
    return value.shape();
  }

  /** Whether gradients flow into this value. */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /**
   * Whether the backward sweep now running wants this value's gradient: it requires gradients and, when the sweep is
   * restricted to some parameters, depends on one of them. A backward rule may skip the work of an input's gradient
   * when this is false ({@link #accumulate} would drop it anyway).
   */
  public boolean wantsGradient() {
    return live;
  }

  /**
   * Adds {@code g} (the shape of this value) into this node's gradient. Called by backward rules; a no-op for
   * constants.
   */
  public void accumulate(Tensor g) {
    if (!live) {
      return;
    }
    float[] d = g.buffer();
    if (grad == null) {
      grad = d.clone();
      return;
    }
    for (int i = 0; i < grad.length; i++) {
      grad[i] += d[i];
    }
  }

  /**
   * Like {@link #accumulate} but adopts the buffer of {@code g}, which the caller just created and must not touch
   * again: saves a copy when this is the value's first gradient.
   */
  public void accumulateFresh(Tensor g) {
    if (!live) {
      return;
    }
    if (grad == null) {
      grad = g.buffer();
      return;
    }
    float[] d = g.buffer();
    for (int i = 0; i < grad.length; i++) {
      grad[i] += d[i];
    }
  }

  /** Adds a gradient of the broadcast output shape, summed down to this value's shape. */
  void accumulateBroadcast(Tensor g) {
    if (!live) {
      return;
    }
    if (g.sameShape(value)) {
      accumulate(g);
    } else {
      accumulateFresh(g.sumTo(value.shape()));
    }
  }

  /** A fresh gradient of the broadcast output shape, summed down to this value's shape. */
  private Tensor reduced(Tensor fresh) {
    return fresh.sameShape(value) ? fresh : fresh.sumTo(value.shape());
  }

  private Var on(Var other) {
    if (other.tape != tape) {
      throw new IllegalArgumentException("operands come from different tapes");
    }
    return other;
  }

  // ------------------------------------------------------------- binary, broadcasting

  public Var add(Var o) {
    return tape.record(value.add(on(o).value), g -> {
      accumulateBroadcast(g);
      o.accumulateBroadcast(g);
    }, this, o);
  }

  public Var sub(Var o) {
    return tape.record(value.sub(on(o).value), g -> {
      accumulateBroadcast(g);
      if (o.live) {
        o.accumulateFresh(o.reduced(g.neg()));
      }
    }, this, o);
  }

  public Var mul(Var o) {
    return tape.record(value.mul(on(o).value), g -> {
      if (live) {
        accumulateFresh(reduced(g.mul(o.value)));
      }
      if (o.live) {
        o.accumulateFresh(o.reduced(g.mul(value)));
      }
    }, this, o);
  }

  public Var div(Var o) {
    Tensor out = value.div(on(o).value);
    return tape.record(out, g -> {
      Tensor gb = g.div(o.value);
      if (live) {
        accumulateFresh(reduced(gb));
      }
      if (o.live) {
        o.accumulateFresh(o.reduced(gb.mul(out).neg()));
      }
    }, this, o);
  }

  // ------------------------------------------------------------- scalar affine

  public Var add(float s) {
    return tape.record(value.add(s), this::accumulate, this);
  }

  public Var mul(float s) {
    return tape.record(value.mul(s), g -> accumulateFresh(g.mul(s)), this);
  }

  /** {@code a·x + b}. */
  public Var affine(float a, float b) {
    return tape.record(value.affine(a, b), g -> accumulateFresh(g.mul(a)), this);
  }

  public Var neg() {
    return mul(-1f);
  }

  // ------------------------------------------------------------- unary

  public Var exp() {
    Tensor out = value.exp();
    return tape.record(out, g -> accumulateFresh(g.mul(out)), this);
  }

  public Var log() {
    return tape.record(value.log(), g -> accumulateFresh(g.div(value)), this);
  }

  public Var log1p() {
    return tape.record(value.log1p(), g -> accumulateFresh(g.div(value.add(1f))), this);
  }

  public Var expm1() {
    Tensor out = value.expm1();
    return tape.record(out, g -> accumulateFresh(Rules.mulAffine(g, out, 1f, 1f)), this);
  }

  public Var tanh() {
    Tensor out = value.tanh();
    return tape.record(out, g -> accumulateFresh(Rules.tanhGrad(g, out)), this);
  }

  public Var sigmoid() {
    Tensor out = value.sigmoid();
    return tape.record(out, g -> accumulateFresh(Rules.sigmoidGrad(g, out)), this);
  }

  /** log(1 + eˣ); its derivative is σ(x). */
  public Var softplus() {
    return tape.record(value.softplus(), g -> accumulateFresh(g.mul(value.sigmoid())), this);
  }

  public Var relu() {
    return tape.record(value.relu(), g -> accumulateFresh(g.mul(value.step())), this);
  }

  public Var square() {
    return tape.record(value.square(), g -> accumulateFresh(Rules.mulAffine(g, value, 2f, 0f)), this);
  }

  public Var sqrt() {
    Tensor out = value.sqrt();
    return tape.record(out, g -> accumulateFresh(g.div(out.mul(2f))), this);
  }

  /** |x|; the derivative at 0 is taken as 0. */
  public Var abs() {
    return tape.record(value.abs(), g -> accumulateFresh(Rules.signGrad(g, value)), this);
  }

  /** Limits to {@code [lo, hi]}; the gradient is zero where the input lies outside. */
  public Var clamp(float lo, float hi) {
    return tape.record(value.clamp(lo, hi), g -> accumulateFresh(Rules.insideGrad(g, value, lo, hi)), this);
  }

  /** The same value with no gradient flowing back through it. */
  public Var stopGradient() {
    return tape.constant(value);
  }

  // ------------------------------------------------------------- linear algebra

  /** {@code this · o}. */
  public Var matmul(Var o) {
    return matmul(o, false, false);
  }

  /** {@code op(this) · op(o)}; see {@link Tensor#matmul(Tensor, boolean, boolean)}. */
  public Var matmul(Var o, boolean transA, boolean transB) {
    Tensor out = value.matmul(on(o).value, transA, transB);
    return tape.record(out, g -> Rules.matmulGrad(this, o, g, transA, transB), this, o);
  }

  /**
   * A dense layer {@code this·w + b} as one primitive: the bias is added to the product in place and the gradient
   * of the bias is the column sum of the incoming gradient.
   *
   * @param w weights {@code [in, out]}; this value is {@code [..., in]}
   * @param b bias {@code [out]}
   */
  public Var linear(Var w, Var b) {
    return dense(w, b, false);
  }

  /**
   * {@code tanh(this·w + b)} as one primitive: bias and tanh are applied to the product in place, and the backward
   * pass forms {@code g ⊙ (1 − y²)} once for both the weight and the bias gradient.
   *
   * @param w weights {@code [in, out]}; this value is {@code [..., in]}
   * @param b bias {@code [out]}
   */
  public Var linearTanh(Var w, Var b) {
    return dense(w, b, true);
  }

  private Var dense(Var w, Var b, boolean tanh) {
    Tensor out = value.matmul(on(w).value);
    Tensor bias = on(b).value;
    int width = out.dim(-1);
    if (bias.rank() != 1 || bias.dim(0) != width) {
      throw new IllegalArgumentException("bias shape " + java.util.Arrays.toString(bias.shape())
          + " does not match layer width " + width);
    }
    Rules.addRowsInPlace(out, bias, tanh);
    return tape.record(out, g -> {
      Tensor pre = tanh ? Rules.tanhGrad(g, out) : g;
      Rules.matmulGrad(this, w, pre, false, false);
      if (pre.rank() == 2 && width > 1) {
        if (b.requiresGrad) {
          b.accumulateFresh(Rules.columnSums(pre));
        }
      } else {
        b.accumulateBroadcast(pre);
      }
    }, this, w, b);
  }

  // ------------------------------------------------------------- reductions

  /** Sum of all elements, as a scalar. */
  public Var sum() {
    Tensor out = Tensor.scalar(value.sum());
    return tape.record(out, g -> accumulateFresh(Tensor.full(g.item(), value.shape())), this);
  }

  /** Mean of all elements, as a scalar. */
  public Var mean() {
    int n = value.size();
    Tensor out = Tensor.scalar((float) (value.sumDouble() / n));
    return tape.record(out, g -> accumulateFresh(Tensor.full(g.item() / n, value.shape())), this);
  }

  public Var sum(int axis, boolean keepDims) {
    Tensor out = value.sum(axis, keepDims);
    return tape.record(out, g -> accumulateFresh(Rules.expandReduced(g, value.shape(), axis)), this);
  }

  public Var mean(int axis, boolean keepDims) {
    float n = value.dim(axis);
    return sum(axis, keepDims).mul(1f / n);
  }

  /** Maximum over an axis; the gradient goes to the first maximal element. */
  public Var max(int axis, boolean keepDims) {
    Tensor out = value.max(axis, keepDims);
    return tape.record(out, g -> accumulateFresh(Rules.maxGrad(g, value, axis)), this);
  }

  /**
   * log Σ exp over an axis; −∞ (with gradient 0) when every input is −∞, +∞ (with the gradient on the infinite
   * inputs) when some input is +∞.
   */
  public Var logSumExp(int axis, boolean keepDims) {
    Tensor out = value.logSumExp(axis, keepDims);
    return tape.record(out, g -> accumulateFresh(Rules.logSumExpGrad(g, value, axis)), this);
  }

  /** log of the mean of exp over an axis: {@code logSumExp − log n}. */
  public Var logMeanExp(int axis, boolean keepDims) {
    return logSumExp(axis, keepDims).add((float) -StrictMath.log(value.dim(axis)));
  }

  /** Prefix log-sum-exp along an axis; prefixes of −∞ stay −∞ with gradient 0. */
  public Var logCumSumExp(int axis) {
    Tensor out = value.logCumSumExp(axis);
    return tape.record(out, g -> accumulateFresh(Rules.logCumSumExpGrad(g, value, axis)), this);
  }

  // ------------------------------------------------------------- shape and indexing

  public Var reshape(int... shape) {
    return tape.record(value.reshape(shape), g -> accumulate(g.reshape(value.shape())), this);
  }

  /** The transpose of a rank-2 value. */
  public Var transpose() {
    return tape.record(value.transpose(), g -> accumulateFresh(g.transpose()), this);
  }

  public Var slice(int axis, int from, int to) {
    return tape.record(value.slice(axis, from, to),
        g -> accumulateFresh(Rules.unslice(g, value.shape(), axis, from)), this);
  }

  /** Rows {@code index[i]} along axis 0 (repeats allowed); the gradient scatters back with addition. */
  public Var gather(int[] index) {
    int[] idx = index.clone();
    return tape.record(value.gather(idx), g -> accumulateFresh(Rules.scatterAdd(g, idx, value.shape())), this);
  }

  /**
   * {@code gather(rows).add(logScale.exp().mul(noise))}, noise constant, as one primitive with the same values and
   * gradients bit for bit: the reparameterized sample {@code z = μ[rows] + σ ⊙ ε} of a batch that draws several
   * samples per point. It writes no gathered copy of μ and no intermediate product; its backward pass writes the
   * gradient of log σ, {@code (g ⊙ ε) ⊙ σ}, in one pass and scatters g into this value's rows.
   *
   * @param rows for each row of the result, its row of this {@code [B, d]} value
   * @param logScale log σ, {@code [N, d]} with {@code N = rows.length}
   * @param noise ε, {@code [N, d]}
   * @return {@code [N, d]}
   */
  public Var gatherAddExpMul(int[] rows, Var logScale, Tensor noise) {
    Tensor ls = on(logScale).value;
    if (value.rank() != 2 || ls.rank() != 2 || ls.dim(0) != rows.length || ls.dim(1) != value.dim(1)
        || !noise.sameShape(ls)) {
      throw new IllegalArgumentException("gatherAddExpMul needs a [B, d] value and [N, d] log scales and noise with"
          + " N = " + rows.length + " rows, got " + java.util.Arrays.toString(value.shape()) + ", "
          + java.util.Arrays.toString(ls.shape()) + " and " + java.util.Arrays.toString(noise.shape()));
    }
    int[] idx = rows.clone();
    int b = value.dim(0);
    for (int r : idx) {
      if (r < 0 || r >= b) {
        throw new IndexOutOfBoundsException("gather index " + r + " out of [0, " + b + ")");
      }
    }
    int n = idx.length;
    int d = ls.dim(1);
    float[] mu = value.buffer();
    float[] lsd = ls.buffer();
    float[] e = noise.buffer();
    float[] sigma = BufferPool.uninitialized(n * d);
    float[] z = BufferPool.uninitialized(n * d);
    int grain = Math.max(1, Rules.ROW_CHUNK_ELEMENTS / Math.max(1, d));
    Parallel.forRanges(n, grain, (r0, r1) -> {
      Kernels.get().exp(lsd, r0 * d, sigma, r0 * d, (r1 - r0) * d);
      for (int r = r0; r < r1; r++) {
        int src = idx[r] * d;
        int o = r * d;
        for (int j = 0; j < d; j++) {
          z[o + j] = mu[src + j] + sigma[o + j] * e[o + j];
        }
      }
    });
    return tape.record(Tensor.wrap(z, n, d), g -> {
      if (live) {
        accumulateFresh(Rules.scatterAdd(g, idx, value.shape()));
      }
      if (logScale.live) {
        float[] gd = g.buffer();
        float[] gl = BufferPool.uninitialized(n * d);
        Parallel.forRanges(n, grain, (r0, r1) -> {
          for (int i = r0 * d; i < r1 * d; i++) {
            gl[i] = gd[i] * e[i] * sigma[i];
          }
        });
        logScale.accumulateFresh(Tensor.wrap(gl, n, d));
      }
    }, this, logScale);
  }

  public Var broadcastTo(int... shape) {
    return tape.record(value.broadcastTo(shape), this::accumulateBroadcast, this);
  }

  /** Concatenation along an axis. */
  public static Var concat(int axis, Var... parts) {
    Tensor[] values = new Tensor[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = parts[i].value;
    }
    Tensor out = Tensor.concat(axis, values);
    return parts[0].tape.record(out, g -> {
      int at = 0;
      for (Var p : parts) {
        int len = p.value.dim(axis);
        if (p.live) {
          p.accumulateFresh(g.slice(axis, at, at + len));
        }
        at += len;
      }
    }, parts);
  }

  /** {@code mask ? a : b} elementwise; the mask is a constant tensor (non-zero = true). */
  public static Var where(Tensor mask, Var a, Var b) {
    Tensor out = Tensor.where(mask, a.value, b.value);
    return a.tape.record(out, g -> {
      Tensor zero = Tensor.zeros(1);
      if (a.live) {
        a.accumulateFresh(Tensor.where(mask, g, zero).sumTo(a.value.shape()));
      }
      if (b.live) {
        b.accumulateFresh(Tensor.where(mask, zero, g).sumTo(b.value.shape()));
      }
    }, a, b);
  }

  @Override
  public String toString() {
    return "Var" + (requiresGrad ? "*" : "") + value;
  }
}
