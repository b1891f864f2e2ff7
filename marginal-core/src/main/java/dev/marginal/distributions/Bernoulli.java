package dev.marginal.distributions;

import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.BufferPool;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Independent Bernoulli variables over the last axis, parameterized by logits l = log(p / (1 − p)).
 *
 * <p>Log mass, summed over the last axis: {@code log p(x) = Σ_j [x_j·l_j − softplus(l_j)]}, which equals
 * {@code x log p + (1 − x) log(1 − p)} without ever forming p, so it stays finite for large |l|. The same
 * formula is the continuous Bernoulli's unnormalized log density for x ∈ [0, 1] (used with grey-level images).
 */
public final class Bernoulli {
  /** Probabilities given to {@link #ofProbs} are clamped to {@code [PROB_EPS, 1 − PROB_EPS]} so logits are finite. */
  public static final float PROB_EPS = 1e-6f;

  /** Elements per chunk of the row sums; whole rows, fixed by shape, so results never depend on threads. */
  private static final int ROW_CHUNK_ELEMENTS = 1 << 13;
  /** Columns per chunk of the bias gradient's sums, as for a dense layer's. */
  private static final int COLUMN_CHUNK = 64;

  private final Var logits;

  private Bernoulli(Var logits) {
    this.logits = logits;
  }

  /** @param logits l, shape {@code [..., D]} (at least one axis) */
  public static Bernoulli ofLogits(Var logits) {
    Objects.requireNonNull(logits, "logits");
    if (logits.value().rank() == 0) {
      throw new IllegalArgumentException("logits need at least one axis");
    }
    return new Bernoulli(logits);
  }

  /**
   * From probabilities, via {@code l = log p − log(1 − p)} after clamping p to {@code [PROB_EPS, 1 − PROB_EPS]}.
   *
   * @param probs p ∈ [0, 1], shape {@code [..., D]}
   */
  public static Bernoulli ofProbs(Var probs) {
    Objects.requireNonNull(probs, "probs");
    for (float p : probs.value().buffer()) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probabilities must lie in [0, 1], got " + p);
      }
    }
    Var p = probs.clamp(PROB_EPS, 1 - PROB_EPS);
    return ofLogits(p.log().sub(p.neg().log1p()));
  }

  /** The logits. */
  public Var logits() {
    return logits;
  }

  /** The mean p = σ(l). */
  public Var mean() {
    return logits.sigmoid();
  }

  /**
   * {@code Σ_j [x_j·l_j − softplus(l_j)]} over the last axis.
   *
   * @param x values in {0, 1} (or [0, 1]), broadcast-compatible with the logits
   * @return shape {@code [...]}
   */
  public Var logProb(Var x) {
    if (!java.util.Arrays.equals(x.value().shape(), logits.value().shape())) {
      return x.mul(logits).sub(logits.softplus()).sum(-1, false);
    }
    return fusedLogProb(x);
  }

  /** The same-shape case as one primitive, {@link #fused}. */
  private Var fusedLogProb(Var x) {
    int d = logits.value().dim(-1);
    int rows = logits.value().size() / d;
    int[] xOffsets = new int[rows];
    for (int r = 0; r < rows; r++) {
      xOffsets[r] = r * d;
    }
    return fused(x.value().buffer(), xOffsets, x);
  }

  /**
   * The log mass of rows of {@code x} chosen by index: row t of the result is {@code Σ_j [x_{rows[t], j}·l_{t,j} −
   * softplus(l_{t,j})]}, with x held constant. The rows of x are read in place, so a batch that repeats each data
   * point K times needs no {@code [N, D]} copy of them; values and logit gradients are bit for bit those of
   * {@code logProb(constant(x.gather(rows)))}.
   *
   * @param x observations {@code [B, D]}, D the logits' last axis
   * @param rows for each row of the logits, in row-major order over their leading axes, its row of x
   * @return the logits' shape without the last axis
   */
  public Var logProbOfRows(Tensor x, int[] rows) {
    Tensor l = logits.value();
    return fused(x.buffer(), rowOffsets(x, rows, l.dim(-1), l.shape()), null);
  }

  /** Where each chosen row of x starts, after checking x against logits of {@code shape} with last axis d. */
  private static int[] rowOffsets(Tensor x, int[] rows, int d, int[] shape) {
    long size = 1;
    for (int s : shape) {
      size *= s;
    }
    if (x.rank() != 2 || x.dim(1) != d || (long) rows.length * d != size) {
      throw new IllegalArgumentException("x must be [B, " + d + "] with one row index per row of logits "
          + Arrays.toString(shape) + ", got x " + Arrays.toString(x.shape()) + " and " + rows.length
          + " rows");
    }
    int[] xOffsets = new int[rows.length];
    for (int t = 0; t < rows.length; t++) {
      xOffsets[t] = Objects.checkIndex(rows[t], x.dim(0)) * d;
    }
    return xOffsets;
  }

  /**
   * {@link #logProbOfRows} of {@code ofLogits(h.linear(w, b))} as one primitive, for the output layer of a decoder.
   * Values and every gradient have the bits of the two primitives, but two passes over the {@code [N, D]} logits are
   * saved: the bias is added inside the log-mass pass, row by row while the row is in cache, and the logits'
   * gradient {@code diag(g)·(x − σ(l))} is never written out. The two products of the backward pass scale its rows
   * as they pack them ({@link Kernels#gemmRowScaled}), and the bias gradient scales them as it sums them
   * ({@link Kernels#columnSumsRowScaled}). Shapes other than those below, a single output, or inputs that need no
   * gradient take the two primitives.
   *
   * @param h inputs {@code [N, H]}
   * @param w weights {@code [H, D]}
   * @param b bias {@code [D]}
   * @param x observations {@code [B, D]}, read in place
   * @param rows for each of the N rows, its row of x
   * @return {@code [N]}
   */
  public static Var linearLogProbOfRows(Var h, Var w, Var b, Tensor x, int[] rows) {
    Tensor hv = h.value();
    Tensor wv = w.value();
    Tensor bv = b.value();
    boolean fusable = hv.rank() == 2 && wv.rank() == 2 && bv.rank() == 1 && wv.dim(0) == hv.dim(1)
        && bv.dim(0) == wv.dim(1) && wv.dim(1) > 1 && hv.dim(1) > 0
        && (h.requiresGrad() || w.requiresGrad() || b.requiresGrad());
    if (!fusable) {
      return ofLogits(h.linear(w, b)).logProbOfRows(x, rows);
    }
    int n = hv.dim(0);
    int hidden = hv.dim(1);
    int d = wv.dim(1);
    int[] xOffsets = rowOffsets(x, rows, d, new int[] {n, d});
    float[] xd = x.buffer();
    float[] ld = hv.matmul(wv).buffer();
    float[] bias = bv.buffer();
    float[] out = new float[n];
    float[] res = BufferPool.uninitialized(n * d);
    logMassOfRows(xd, xOffsets, ld, d, bias, out, res);
    return h.tape().record(Tensor.wrap(out, n), g -> {
      float[] gd = g.buffer();
      Kernels k = Kernels.get();
      if (h.wantsGradient()) {
        float[] dh = BufferPool.uninitialized(n * hidden);
        k.gemmRowScaled(false, true, n, hidden, d, res, 0, gd, wv.buffer(), 0, null, dh, 0, false);
        h.accumulateFresh(Tensor.wrap(dh, n, hidden));
      }
      if (w.wantsGradient()) {
        float[] dw = BufferPool.uninitialized(hidden * d);
        k.gemmRowScaled(true, false, hidden, d, n, hv.buffer(), 0, null, res, 0, gd, dw, 0, false);
        w.accumulateFresh(Tensor.wrap(dw, hidden, d));
      }
      if (b.wantsGradient()) {
        float[] db = new float[d];
        int chunks = (d + COLUMN_CHUNK - 1) / COLUMN_CHUNK;
        Parallel.forEach(chunks, n * d >= 2 * ROW_CHUNK_ELEMENTS, c -> {
          int j0 = c * COLUMN_CHUNK;
          k.columnSumsRowScaled(res, gd, n, d, j0, Math.min(d, j0 + COLUMN_CHUNK), db);
        });
        b.accumulateFresh(Tensor.wrap(db, d));
      }
    }, h, w, b);
  }

  /**
   * The log mass of every row of the logits {@code ld} (rows of length d) into {@code out}, in fixed chunks of whole
   * rows on the kernel threads; with {@code res} not null also the residuals, after adding {@code bias} (when not
   * null) to the logits ({@link Kernels#bernoulliLogMassAndResidual}).
   */
  private static void logMassOfRows(float[] xd, int[] xOffsets, float[] ld, int d, float[] bias, float[] out,
      float[] res) {
    Parallel.forRanges(out.length, Math.max(1, ROW_CHUNK_ELEMENTS / d), (r0, r1) -> {
      int[] offsets = java.util.Arrays.copyOfRange(xOffsets, r0, r1);
      if (res == null) {
        Kernels.get().bernoulliLogMass(xd, offsets, ld, r0 * d, d, r1 - r0, out, r0);
      } else {
        Kernels.get().bernoulliLogMassAndResidual(xd, offsets, ld, r0 * d, d, r1 - r0, bias, out, r0, res);
      }
    });
  }

  /**
   * One pass forward (softplus and the row sums in double in one kernel, {@link Kernels#bernoulliLogMass}) and one
   * pass backward, {@code ∂/∂l = g·(x − σ(l))} and, when {@code x} is a variable, {@code ∂/∂x = g·l}; row r of the
   * observations starts at {@code xd[xOffsets[r]]}. Decoders of image models spend much of their time here, so the
   * four separate primitives are fused. When the logits need a gradient, the forward pass also keeps the residuals
   * {@code x − σ(l)}, σ computed from the {@code e^{−|l|}} that softplus needs anyway
   * ({@link Kernels#bernoulliLogMassAndResidual}), so the backward pass computes no exponential.
   */
  private Var fused(float[] xd, int[] xOffsets, Var x) {
    Tensor l = logits.value();
    int[] shape = l.shape();
    int d = shape[shape.length - 1];
    int rows = l.size() / d;
    float[] ld = l.buffer();
    float[] out = new float[rows];
    int rowsPerChunk = Math.max(1, ROW_CHUNK_ELEMENTS / d);
    float[] res = logits.requiresGrad() ? BufferPool.uninitialized(ld.length) : null;
    logMassOfRows(xd, xOffsets, ld, d, null, out, res);
    int[] outShape = java.util.Arrays.copyOf(shape, shape.length - 1);
    Var[] inputs = x == null ? new Var[] {logits} : new Var[] {logits, x};
    return logits.tape().record(Tensor.wrap(out, outShape), g -> {
      float[] gd = g.buffer();
      if (res != null) {
        // A new array, not the residuals overwritten: a tape may be swept more than once (Tape#backward).
        float[] dl = BufferPool.uninitialized(ld.length);
        Parallel.forRanges(rows, rowsPerChunk, (r0, end) -> {
          for (int r = r0; r < end; r++) {
            float gr = gd[r];
            int base = r * d;
            for (int j = 0; j < d; j++) {
              dl[base + j] = gr * res[base + j];
            }
          }
        });
        logits.accumulateFresh(Tensor.wrap(dl, shape));
      }
      if (x != null && x.requiresGrad()) {
        float[] dx = new float[ld.length];
        for (int r = 0; r < rows; r++) {
          float gr = gd[r];
          int base = r * d;
          for (int j = 0; j < d; j++) {
            dx[base + j] = gr * ld[base + j];
          }
        }
        x.accumulateFresh(Tensor.wrap(dx, shape));
      }
    }, inputs);
  }

  /**
   * {@code Σ_j [x_j·l_j − softplus(l_j)]} of {@code count} rows without a tape, bit for bit what {@link #logProb}
   * gives for them: for evaluation passes that produce logits a block of rows at a time and never hold them all.
   *
   * @param x observations, row i starting at {@code xOffsets[i]}
   * @param logits {@code count} consecutive rows of length {@code d} from {@code lOff}
   * @param out written at {@code [outOff, outOff + count)}
   */
  public static void logProbOfRows(float[] x, int[] xOffsets, float[] logits, int lOff, int d, int count,
      float[] out, int outOff) {
    Kernels.get().bernoulliLogMass(x, xOffsets, logits, lOff, d, count, out, outOff);
  }

  /** A sample in {0, 1} with the logits' shape: {@code x = 1[u < σ(l)]}, u ~ U[0, 1) from {@code key}. */
  public Tensor sample(RngKey key) {
    float[] p = logits.value().sigmoid().buffer();
    float[] u = key.uniforms(p.length);
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = u[i] < p[i] ? 1f : 0f;
    }
    return Tensor.wrap(out, logits.shape());
  }

  @Override
  public String toString() {
    return "Bernoulli" + Arrays.toString(logits.shape());
  }
}
