package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.tensor.Tensor;

/**
 * A smooth increasing bijection T from ℝ^dim onto the interior of a {@link Support}, coordinate by coordinate, with
 * its log-Jacobian, as the constrained-support transforms of NumPyro ({@code biject_to}) and TensorFlow Probability:
 *
 * <pre>
 *   ℝ            x = y                                   log |dx/dy| = 0
 *   (a, ∞)       x = a + softplus(y)                     log |dx/dy| = −softplus(−y)
 *   (−∞, b)      x = b − softplus(−y)                    log |dx/dy| = −softplus(y)
 *   (a, b)       x = a + (b − a)·σ(y)                    log |dx/dy| = log(b − a) − softplus(y) − softplus(−y)
 * </pre>
 *
 * A density q_Y on ℝ^dim pushed through T has log q_X(T(y)) = log q_Y(y) − log |det J_T(y)|.
 *
 * <p>Numerics: values are computed in double with {@link StrictMath} and rounded to float32. The interval map uses
 * a + (b − a)·σ(y) for y &lt; 0 and b − (b − a)·σ(−y) for y ≥ 0, so each end is approached with full relative
 * precision. Where σ saturates in float32 (|y| beyond about 17 on [−4, 4]) the rounded x would land on the bound;
 * it is clamped to the nearest float32 strictly inside, so x is always an interior point and a density that is
 * finite on the open support stays finite. The log-Jacobian is computed from y, not from the rounded x, so it
 * stays finite and smooth for every finite y. Gradients use the exact derivatives, also at clamped points.
 */
public final class SupportBijection {
  private enum Kind { REAL, LOWER, UPPER, INTERVAL }

  private final Support support;
  private final Kind[] kinds;
  private final double[] lo;
  private final double[] hi;
  private final float[] loInside;
  private final float[] hiInside;

  SupportBijection(Support support) {
    this.support = support;
    int d = support.dim();
    kinds = new Kind[d];
    lo = new double[d];
    hi = new double[d];
    loInside = new float[d];
    hiInside = new float[d];
    for (int i = 0; i < d; i++) {
      lo[i] = support.lower(i);
      hi[i] = support.upper(i);
      boolean lower = lo[i] != Double.NEGATIVE_INFINITY;
      boolean upper = hi[i] != Double.POSITIVE_INFINITY;
      kinds[i] = lower && upper ? Kind.INTERVAL : lower ? Kind.LOWER : upper ? Kind.UPPER : Kind.REAL;
      loInside[i] = insideAbove(lo[i]);
      hiInside[i] = insideBelow(hi[i]);
    }
  }

  /** The smallest float32 strictly above {@code v} (−∞ maps to −Float.MAX_VALUE). */
  static float insideAbove(double v) {
    if (v == Double.NEGATIVE_INFINITY) {
      return -Float.MAX_VALUE;
    }
    float f = (float) v;
    while (f <= v) {
      f = Math.nextUp(f);
    }
    return f;
  }

  /** The largest float32 strictly below {@code v} (+∞ maps to Float.MAX_VALUE). */
  static float insideBelow(double v) {
    if (v == Double.POSITIVE_INFINITY) {
      return Float.MAX_VALUE;
    }
    float f = (float) v;
    while (f >= v) {
      f = Math.nextDown(f);
    }
    return f;
  }

  /** The support this maps onto. */
  public Support support() {
    return support;
  }

  /** Whether T is the identity (the support is ℝ^dim). */
  public boolean isIdentity() {
    return support.isReal();
  }

  /**
   * x = T(y), differentiable in y.
   *
   * @param y shape {@code [n, dim]}
   */
  public Var forward(Var y) {
    Tensor[] valueAndSlope = forwardWithSlope(y.value());
    Tensor slope = valueAndSlope[1];
    return y.tape().record(valueAndSlope[0], g -> y.accumulate(g.mul(slope)), y);
  }

  /** x = T(y) for the rows of {@code y} ({@code [n, dim]}). */
  public Tensor forward(Tensor y) {
    return forwardWithSlope(y)[0];
  }

  /**
   * log |det J_T(y)| = Σ_i log |dx_i/dy_i| per row, differentiable in y.
   *
   * @param y shape {@code [n, dim]}
   * @return shape {@code [n]}
   */
  public Var logAbsDetJacobian(Var y) {
    int n = y.shape()[0];
    int d = kinds.length;
    float[] v = y.value().buffer();
    float[] out = new float[n];
    float[] slope = new float[n * d];
    for (int r = 0; r < n; r++) {
      double s = 0;
      for (int i = 0; i < d; i++) {
        double yi = v[r * d + i];
        s += logSlope(i, yi);
        slope[r * d + i] = (float) logSlopeDerivative(i, yi);
      }
      out[r] = (float) s;
    }
    Tensor dLog = Tensor.wrap(slope, n, d);
    return y.tape().record(Tensor.wrap(out, n), g -> y.accumulate(g.reshape(n, 1).mul(dLog)), y);
  }

  /**
   * y = T⁻¹(x) for the rows of {@code x} ({@code [n, dim]}); points on or outside the support's boundary give ±∞
   * or NaN in the offending coordinate.
   */
  public Tensor inverse(Tensor x) {
    float[] v = x.buffer();
    int d = kinds.length;
    float[] out = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      int i = k % d;
      double xi = v[k];
      double y;
      switch (kinds[i]) {
        case REAL:
          y = xi;
          break;
        case LOWER:
          y = softplusInverse(xi - lo[i]);
          break;
        case UPPER:
          y = -softplusInverse(hi[i] - xi);
          break;
        default:
          y = StrictMath.log(xi - lo[i]) - StrictMath.log(hi[i] - xi);
      }
      out[k] = (float) y;
    }
    return Tensor.wrap(out, x.shape());
  }

  private Tensor[] forwardWithSlope(Tensor y) {
    float[] v = y.buffer();
    int d = kinds.length;
    float[] x = new float[v.length];
    float[] slope = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      int i = k % d;
      double yi = v[k];
      double xi;
      double dx;
      switch (kinds[i]) {
        case REAL:
          xi = yi;
          dx = 1;
          break;
        case LOWER:
          xi = lo[i] + softplus(yi);
          dx = sigmoid(yi);
          break;
        case UPPER:
          xi = hi[i] - softplus(-yi);
          dx = sigmoid(-yi);
          break;
        default:
          double w = hi[i] - lo[i];
          xi = yi < 0 ? lo[i] + w * sigmoid(yi) : hi[i] - w * sigmoid(-yi);
          dx = w * sigmoid(yi) * sigmoid(-yi);
      }
      float f = (float) xi;
      x[k] = kinds[i] == Kind.REAL ? f : Math.min(Math.max(f, loInside[i]), hiInside[i]);
      slope[k] = (float) dx;
    }
    return new Tensor[] {Tensor.wrap(x, y.shape()), Tensor.wrap(slope, y.shape())};
  }

  /** log |dx_i/dy_i| at y_i. */
  private double logSlope(int i, double y) {
    switch (kinds[i]) {
      case REAL:
        return 0;
      case LOWER:
        return -softplus(-y);
      case UPPER:
        return -softplus(y);
      default:
        return StrictMath.log(hi[i] - lo[i]) - softplus(y) - softplus(-y);
    }
  }

  /** d/dy log |dx_i/dy_i|. */
  private double logSlopeDerivative(int i, double y) {
    switch (kinds[i]) {
      case REAL:
        return 0;
      case LOWER:
        return sigmoid(-y);
      case UPPER:
        return -sigmoid(y);
      default:
        return sigmoid(-y) - sigmoid(y);
    }
  }

  /** log(1 + eʸ) without overflow; log1p keeps precision where eʸ is small. */
  static double softplus(double y) {
    return y > 0 ? y + StrictMath.log1p(StrictMath.exp(-y)) : StrictMath.log1p(StrictMath.exp(y));
  }

  /** 1 / (1 + e⁻ʸ), evaluated on the side where the exponential cannot overflow. */
  static double sigmoid(double y) {
    if (y >= 0) {
      return 1 / (1 + StrictMath.exp(-y));
    }
    double e = StrictMath.exp(y);
    return e / (1 + e);
  }

  /** The y with softplus(y) = t for t &gt; 0: log(eᵗ − 1) = t + log(1 − e⁻ᵗ). */
  static double softplusInverse(double t) {
    return t + StrictMath.log(-StrictMath.expm1(-t));
  }
}
