package dev.marginal.optim;

import dev.marginal.autodiff.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row-sparse ("lazy") Adam for parameters with one row per data point, such as per-datapoint variational
 * parameters of shape {@code [N, w]}: {@link #step(int[])} updates only the given rows, and rows outside the batch
 * keep their values and moments unchanged, as in TensorFlow's LazyAdam. A dense Adam step would touch all N rows
 * every step, which for N = 60,000 points is far more work than the batch's gradient.
 *
 * <p>Each row r keeps its own step count t_r, advanced only when r is updated, and its bias correction uses t_r:
 * {@code m ← β₁m + (1−β₁)g}, {@code v ← β₂v + (1−β₂)g²},
 * {@code θ ← θ − lr(t_r−1)/(1−β₁^{t_r}) · m / (√v/√(1−β₂^{t_r}) + ε)}. Each row thus follows dense {@link Adam}
 * on its own gradient sequence exactly; when every row is in every batch the two coincide bit for bit. (TensorFlow's
 * LazyAdam corrects with the global step instead, which over-corrects rows that are seldom visited.)
 *
 * <p>Gradients are read from each parameter's gradient buffer at the batch rows, and those rows are zeroed after
 * the update; other rows of the buffer are neither read nor cleared.
 */
public final class RowAdam {
  private final List<Parameter> params;
  private final int rows;
  private final LearningRate lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final float[][] m;
  private final float[][] v;
  private final int[] t;

  /** Row-sparse Adam with the default β and ε of {@link Adam}. */
  public RowAdam(List<Parameter> params, LearningRate lr) {
    this(params, lr, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
  }

  /**
   * @param params rank-2 parameters with the same number of rows N (their widths may differ)
   */
  public RowAdam(List<Parameter> params, LearningRate lr, double beta1, double beta2, double eps) {
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0)) {
      throw new IllegalArgumentException("Adam needs 0 <= beta < 1 and eps > 0");
    }
    if (params.isEmpty()) {
      throw new IllegalArgumentException("row-sparse Adam needs at least one parameter");
    }
    this.rows = params.get(0).shape()[0];
    for (Parameter p : params) {
      if (p.shape().length != 2 || p.shape()[0] != rows) {
        throw new IllegalArgumentException("row-sparse Adam needs [N, w] parameters with one N, got " + p);
      }
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
    this.t = new int[rows];
  }

  /** The parameters this optimizer updates. */
  public List<Parameter> parameters() {
    return params;
  }

  /** N, the number of rows. */
  public int rows() {
    return rows;
  }

  /** The number of updates row {@code r} has received. */
  public int steps(int r) {
    return t[r];
  }

  /**
   * Updates the given rows from their gradients, then zeroes those rows of the gradients.
   *
   * @param batchRows row indices in [0, N); a repeated index is updated once
   */
  public void step(int[] batchRows) {
    int[] distinct = Arrays.stream(batchRows).distinct().toArray();
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float e = (float) eps;
    for (int r : distinct) {
      if (r < 0 || r >= rows) {
        throw new IndexOutOfBoundsException("row " + r + " of " + rows);
      }
      int tr = ++t[r];
      // The same float expressions as Adam.step, with the row's own step count.
      float stepSize = (float) (lr.at(tr - 1) / (1 - StrictMath.pow(beta1, tr)));
      float sqrtC2 = (float) Math.sqrt(1 - StrictMath.pow(beta2, tr));
      for (int i = 0; i < params.size(); i++) {
        Parameter p = params.get(i);
        int width = p.shape()[1];
        float[] w = p.value().buffer();
        float[] g = p.gradBuffer();
        float[] mi = m[i];
        float[] vi = v[i];
        for (int j = r * width, end = j + width; j < end; j++) {
          float gj = g[j];
          mi[j] = b1 * mi[j] + (1 - b1) * gj;
          // A gradient above about 1e20 would square to +∞: the second moment saturates at the largest float
          // instead, so that the state stays finite and its checkpoint can be read back.
          vi[j] = Math.min(b2 * vi[j] + (1 - b2) * gj * gj, Float.MAX_VALUE);
          w[j] -= stepSize * mi[j] / ((float) Math.sqrt(vi[j]) / sqrtC2 + e);
          g[j] = 0f;
        }
      }
    }
  }

  /** The moments and per-row step counts as named arrays (for checkpoints). */
  public Map<String, float[]> state() {
    Map<String, float[]> s = new LinkedHashMap<>();
    float[] counts = new float[rows];
    for (int r = 0; r < rows; r++) {
      counts[r] = Float.intBitsToFloat(t[r]);
    }
    s.put("t", counts);
    for (int i = 0; i < params.size(); i++) {
      s.put("m/" + params.get(i).name(), m[i].clone());
      s.put("v/" + params.get(i).name(), v[i].clone());
    }
    return s;
  }

  /** Restores {@link #state()}. */
  public void restore(Map<String, float[]> state) {
    float[] counts = state.get("t");
    if (counts == null || counts.length != rows) {
      throw new IllegalArgumentException("row-sparse Adam state has no step count per row (" + rows + " rows)");
    }
    for (int i = 0; i < params.size(); i++) {
      String name = params.get(i).name();
      float[] mi = state.get("m/" + name);
      float[] vi = state.get("v/" + name);
      if (mi == null || vi == null || mi.length != m[i].length || vi.length != v[i].length) {
        throw new IllegalArgumentException("row-sparse Adam state does not match parameter " + name);
      }
      System.arraycopy(mi, 0, m[i], 0, mi.length);
      System.arraycopy(vi, 0, v[i], 0, vi.length);
    }
    for (int r = 0; r < rows; r++) {
      t[r] = Float.floatToRawIntBits(counts[r]);
    }
  }
}
