package dev.marginal.estimators;

import dev.marginal.autodiff.Var;
import dev.marginal.tensor.Tensor;

/**
 * A differentiable primitive over a flat vector of log-weights cut into consecutive segments of different lengths
 * (one segment per data point, each with its own number of importance samples). {@code starts} has one entry per
 * segment plus a final entry equal to the vector's length; segment s is {@code [starts[s], starts[s+1])} and must
 * be non-empty.
 *
 * <p>Within a segment of length L with log-weights x₁..x_L, the prefix bounds are
 * {@code I_j = log((1/j) Σ_{i≤j} exp(x_i))} (IWAE with the first j samples) and their increments
 * {@code Δ_j = I_{j+1} − I_j}. {@link #prefixSeries} returns {@code I_1 + Σ_{j<L} a_j Δ_j} for given weights a_j:
 * all ones gives I_L, and SUMO's weights 1/P(𝒦 ≥ k) give SUMO.
 */
final class Segments {
  private Segments() {}

  /**
   * {@code out_s = I_1 + Σ_{j=1}^{L−1} a_j Δ_j} for each segment, computed in double.
   *
   * <p>Forward: the prefix log-sums {@code c_j = log Σ_{i≤j} exp(x_i)} are accumulated in double and each
   * increment is {@code Δ_j = (c_{j+1} − c_j) − log(1 + 1/j)} in double, never a difference of two bounds rounded
   * to float; this matters because SUMO's weights a_j grow to 10⁴ and beyond in the geometric tail, and a float
   * difference would carry an absolute error of ~10⁻⁷·|I_j| into every term.
   *
   * <p>Backward: the output is {@code Σ_j γ_j I_j} with {@code γ_1 = 1 − a_1}, {@code γ_j = a_{j−1} − a_j},
   * {@code γ_L = a_{L−1}}, and {@code ∂c_j/∂x_i = exp(x_i − c_j)} for i ≤ j. So
   * {@code ∂out/∂x_i = exp(x_i − c_i) A_i} with {@code A_j = γ_j + exp(c_j − c_{j+1}) A_{j+1}}, evaluated right to
   * left; every exponent is ≤ 0 (prefix sums grow), so nothing overflows however negative the log-weights are.
   * Positions whose prefix is still −∞ get gradient 0. In the forward pass a leading run of −∞ log-weights (zero
   * weights) enters through {@code γ_j I_j}: terms with γ_j = 0 vanish (the limit as those log-weights tend to −∞),
   * others give ±∞; all −∞ gives −∞, as for IWAE.
   *
   * @param logWeights x, shape {@code [T]}
   * @param starts segment boundaries, length {@code B + 1}
   * @param deltaWeights a, length T: position {@code starts[s] + j − 1} holds a_j of segment s (the last position
   *     of each segment is ignored)
   * @return shape {@code [B]}
   */
  static Var prefixSeries(Var logWeights, int[] starts, double[] deltaWeights) {
    checkStarts(logWeights, starts);
    if (deltaWeights.length != logWeights.value().size()) {
      throw new IllegalArgumentException("one delta weight per log-weight expected");
    }
    float[] x = logWeights.value().buffer();
    int n = starts.length - 1;
    double[] prefix = new double[x.length];
    float[] out = new float[n];
    for (int s = 0; s < n; s++) {
      out[s] = (float) forward(x, starts[s], starts[s + 1], deltaWeights, prefix);
    }
    return logWeights.tape().record(Tensor.wrap(out, n),
        g -> logWeights.accumulate(backward(g.buffer(), x, prefix, starts, deltaWeights)), logWeights);
  }

  private static double forward(float[] x, int from, int to, double[] a, double[] prefix) {
    int first = from;
    while (first < to && x[first] == Float.NEGATIVE_INFINITY) {
      prefix[first++] = Double.NEGATIVE_INFINITY;
    }
    if (first == to) {
      return Double.NEGATIVE_INFINITY;
    }
    // Leading zero weights: I_j = −∞ for positions before the first finite log-weight f, so the output is
    // Σ_{j<f} γ_j I_j + a_{f−1} I_f + Σ_{j≥f} a_j Δ_j (a_0 = 1), and the −∞ terms with γ_j = 0 drop out (their limit).
    double value = 0;
    for (int i = from; i < first; i++) {
      double gamma = (i == from ? 1.0 : a[i - 1]) - a[i];
      if (gamma != 0) {
        value += -gamma * Double.POSITIVE_INFINITY;
      }
    }
    double c = x[first];
    prefix[first] = c;
    value += (first == from ? 1.0 : a[first - 1]) * (c - StrictMath.log(first - from + 1));
    for (int i = first + 1; i < to; i++) {
      int j = i - from;
      double next = logAddExp(c, x[i]);
      // In double the difference of consecutive prefix sums keeps ~1e-15 absolute accuracy.
      value += a[i - 1] * ((next - c) - StrictMath.log1p(1.0 / j));
      c = next;
      prefix[i] = c;
    }
    return value;
  }

  private static Tensor backward(float[] g, float[] x, double[] prefix, int[] starts, double[] a) {
    float[] grad = new float[x.length];
    for (int s = 0; s + 1 < starts.length; s++) {
      int from = starts[s];
      int to = starts[s + 1];
      double acc = 0;
      for (int i = to - 1; i >= from; i--) {
        double gamma = (i == from ? 1.0 : a[i - 1]) - (i == to - 1 ? 0.0 : a[i]);
        if (prefix[i] == Double.NEGATIVE_INFINITY) {
          break;
        }
        acc = gamma + (i == to - 1 ? 0.0 : StrictMath.exp(prefix[i] - prefix[i + 1]) * acc);
        grad[i] = (float) (g[s] * StrictMath.exp(x[i] - prefix[i]) * acc);
      }
    }
    return Tensor.wrap(grad, x.length);
  }

  private static double logAddExp(double a, double b) {
    double hi = Math.max(a, b);
    if (hi == Double.NEGATIVE_INFINITY) {
      return hi;
    }
    return hi + StrictMath.log1p(StrictMath.exp(Math.min(a, b) - hi));
  }

  /** Segment starts (with the final end) for consecutive segments of the given lengths. */
  static int[] starts(int[] lengths) {
    int[] starts = new int[lengths.length + 1];
    for (int i = 0; i < lengths.length; i++) {
      if (lengths[i] < 1) {
        throw new IllegalArgumentException("segment " + i + " is empty");
      }
      starts[i + 1] = starts[i] + lengths[i];
    }
    return starts;
  }

  private static void checkStarts(Var x, int[] starts) {
    if (x.value().rank() != 1) {
      throw new IllegalArgumentException("segment primitives need a rank-1 input");
    }
    if (starts.length < 2 || starts[0] != 0 || starts[starts.length - 1] != x.value().size()) {
      throw new IllegalArgumentException("segment starts must run from 0 to the input length");
    }
    for (int s = 0; s + 1 < starts.length; s++) {
      if (starts[s + 1] <= starts[s]) {
        throw new IllegalArgumentException("segment " + s + " is empty");
      }
    }
  }
}
