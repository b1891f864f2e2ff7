package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;

/** Small differentiable building blocks shared by the targets. */
final class Ops {
  /** Added under the square root of |z|² so that the gradient of |z| stays finite at the origin. */
  static final float RADIUS_EPSILON = 1e-12f;

  private Ops() {}

  /** Checks that {@code x} is {@code [n, dim]}. */
  static void requireRows(Var x, int dim, String name) {
    int[] s = x.shape();
    if (s.length != 2 || s[1] != dim) {
      throw new IllegalArgumentException(
          name + " needs points of shape [n, " + dim + "], got " + Arrays.toString(s));
    }
  }

  /** Column {@code c} of {@code x} ({@code [n, d]}) as a vector {@code [n]}. */
  static Var column(Var x, int c) {
    return x.slice(1, c, c + 1).reshape(x.shape()[0]);
  }

  /** log(eᵃ + eᵇ) elementwise for two vectors {@code [n]}, through the max-shifted log-sum-exp. */
  static Var logAddExp(Var a, Var b) {
    int n = a.shape()[0];
    return Var.concat(1, a.reshape(n, 1), b.reshape(n, 1)).logSumExp(1, false);
  }

  /** −½((x − mean)/sd)², elementwise. */
  static Var halfSquare(Var x, float mean, float sd) {
    return x.affine(1f / sd, -mean / sd).square().mul(-0.5f);
  }

  /** sin x elementwise, a primitive with derivative cos x. */
  static Var sin(Var x) {
    float[] v = x.value().buffer();
    float[] out = new float[v.length];
    float[] cos = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) StrictMath.sin(v[i]);
      cos[i] = (float) StrictMath.cos(v[i]);
    }
    Tensor cosT = Tensor.wrap(cos, x.shape());
    return x.tape().record(Tensor.wrap(out, x.shape()), g -> x.accumulate(g.mul(cosT)), x);
  }

  /** |z| for {@code z = (z1, z2)}. */
  static Var radius(Var z1, Var z2) {
    return z1.square().add(z2.square()).add(RADIUS_EPSILON).sqrt();
  }

  /**
   * A ring of radius 2 cut by two modes on the first axis:
   * −½((|z| − 2)/ringSd)² + log(exp(−½((z1 − 2)/modeSd)²) + exp(−½((z1 + 2)/modeSd)²)).
   */
  static Var ringWithTwoModes(Var x, float ringSd, float modeSd) {
    Var z1 = column(x, 0);
    Var z2 = column(x, 1);
    Var ring = halfSquare(radius(z1, z2), 2f, ringSd);
    return ring.add(logAddExp(halfSquare(z1, 2f, modeSd), halfSquare(z1, -2f, modeSd)));
  }
}
