package dev.marginal.optim;

import dev.marginal.autodiff.Parameter;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba 2015): {@code m ← β₁m + (1−β₁)g}, {@code v ← β₂v + (1−β₂)g²},
 * {@code θ ← θ − lr_t · m̂ / (√v̂ + ε)} with bias-corrected {@code m̂ = m/(1−β₁ᵗ)}, {@code v̂ = v/(1−β₂ᵗ)}.
 */
public final class Adam implements Optimizer {
  /** Default β₁. */
  public static final double DEFAULT_BETA1 = 0.9;
  /** Default β₂. */
  public static final double DEFAULT_BETA2 = 0.999;
  /** Default ε (the IWAE paper used 1e-4). */
  public static final double DEFAULT_EPSILON = 1e-8;
  /** Elements per unit of parallel work. */
  static final int CHUNK = 1 << 14;
  /** Parameters with fewer elements in all are updated on the calling thread alone: a hand-over costs more. */
  static final long PARALLEL_SIZE = 1 << 16;

  private final List<Parameter> params;
  private final LearningRate lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final float[][] m;
  private final float[][] v;
  /** Units of parallel work, see {@link #chunks}. */
  private final int[][] chunks;
  /** Elements of all parameters together. */
  private final long size;
  private long t;

  /** Adam with default β and ε. */
  public Adam(List<Parameter> params, LearningRate lr) {
    this(params, lr, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
  }

  public Adam(List<Parameter> params, LearningRate lr, double beta1, double beta2, double eps) {
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0)) {
      throw new IllegalArgumentException("Adam needs 0 <= beta < 1 and eps > 0");
    }
    this.params = List.copyOf(params);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.m = new float[params.size()][];
    this.v = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      m[i] = new float[params.get(i).size()];
      v[i] = new float[params.get(i).size()];
    }
    this.chunks = chunks(this.params);
    long total = 0;
    for (Parameter p : this.params) {
      total += p.size();
    }
    this.size = total;
  }

  @Override
  public List<Parameter> parameters() {
    return params;
  }

  @Override
  public void step() {
    Update u = begin();
    Parallel.forEach(chunks.length, size >= PARALLEL_SIZE, u::run);
    discardGrads();
  }

  /** The gradients are consumed: zero from now on, the buffers left for the next backward pass to write over. */
  private void discardGrads() {
    for (Parameter p : params) {
      p.discardGrad();
    }
  }

  /**
   * Steps several optimizers at once, as {@link #step} on each in turn would, in one parallel pass over all their
   * chunks: the kernel threads are handed work once instead of once per optimizer. Every element's update is the
   * same arithmetic as in {@link #step}, so the results are the same bits.
   */
  public static void stepTogether(Adam... optimizers) {
    Update[] updates = new Update[optimizers.length];
    int[] first = new int[optimizers.length + 1];
    long size = 0;
    for (int i = 0; i < optimizers.length; i++) {
      updates[i] = optimizers[i].begin();
      first[i + 1] = first[i] + optimizers[i].chunks.length;
      size += optimizers[i].size;
    }
    Parallel.forEach(first[optimizers.length], size >= PARALLEL_SIZE, c -> {
      int i = 0;
      while (c >= first[i + 1]) {
        i++;
      }
      updates[i].run(c - first[i]);
    });
    for (Adam o : optimizers) {
      o.discardGrads();
    }
  }

  /** Advances the step count and fixes this step's constants; the returned update then runs chunk by chunk. */
  private Update begin() {
    t++;
    double rate = lr.at(t - 1);
    double c1 = 1 - StrictMath.pow(beta1, t);
    double c2 = 1 - StrictMath.pow(beta2, t);
    float[][] grads = new float[params.size()][];
    for (int i = 0; i < grads.length; i++) {
      grads[i] = params.get(i).gradBuffer();
    }
    return new Update(grads, (float) (rate / c1), (float) beta1, (float) beta2, (float) Math.sqrt(c2), (float) eps);
  }

  /** One step's update with its constants fixed; {@link #run} updates one chunk. */
  private final class Update {
    final float[][] grads;
    final float stepSize;
    final float b1;
    final float b2;
    final float sqrtC2;
    final float e;

    Update(float[][] grads, float stepSize, float b1, float b2, float sqrtC2, float e) {
      this.grads = grads;
      this.stepSize = stepSize;
      this.b1 = b1;
      this.b2 = b2;
      this.sqrtC2 = sqrtC2;
      this.e = e;
    }

    /**
     * Updates chunk {@code c} ({@link Kernels#adamUpdate}). A gradient above about 1e20 would square to +∞: the
     * second moment saturates at the largest float instead, so that the state stays finite and its checkpoint can
     * be read back.
     */
    void run(int c) {
      int i = chunks[c][0];
      Kernels.get().adamUpdate(params.get(i).value().buffer(), grads[i], m[i], v[i], chunks[c][1], chunks[c][2], b1,
          b2, stepSize, sqrtC2, e);
    }
  }

  /**
   * The update's units of parallel work, {@code {parameter, from, to}}: each parameter cut into runs of at most
   * {@link #CHUNK} elements. Every element's update is independent of the others, so results never depend on the
   * thread count.
   */
  private static int[][] chunks(List<Parameter> params) {
    List<int[]> out = new java.util.ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      int n = params.get(i).size();
      for (int from = 0; from < n; from += CHUNK) {
        out.add(new int[] {i, from, Math.min(n, from + CHUNK)});
      }
    }
    return out.toArray(new int[0][]);
  }

  @Override
  public long steps() {
    return t;
  }

  @Override
  public Map<String, float[]> state() {
    Map<String, float[]> s = new LinkedHashMap<>();
    s.put("t", new float[] {Float.intBitsToFloat((int) (t >>> 32)), Float.intBitsToFloat((int) t)});
    for (int i = 0; i < params.size(); i++) {
      s.put("m/" + params.get(i).name(), m[i].clone());
      s.put("v/" + params.get(i).name(), v[i].clone());
    }
    return s;
  }

  @Override
  public void restore(Map<String, float[]> state) {
    float[] ts = state.get("t");
    if (ts == null || ts.length != 2) {
      throw new IllegalArgumentException("Adam state has no step count");
    }
    t = ((long) Float.floatToRawIntBits(ts[0]) << 32) | (Float.floatToRawIntBits(ts[1]) & 0xFFFFFFFFL);
    for (int i = 0; i < params.size(); i++) {
      String name = params.get(i).name();
      float[] mi = state.get("m/" + name);
      float[] vi = state.get("v/" + name);
      if (mi == null || vi == null || mi.length != m[i].length || vi.length != v[i].length) {
        throw new IllegalArgumentException("Adam state does not match parameter " + name);
      }
      System.arraycopy(mi, 0, m[i], 0, mi.length);
      System.arraycopy(vi, 0, v[i], 0, vi.length);
    }
  }
}
