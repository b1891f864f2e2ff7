package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.GradCheck;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;

/** Shared checks for target tests: golden values, gradients, quadrature and sample statistics. */
final class TargetChecks {
  /**
   * Relative tolerance against double-precision golden values: float32 has unit roundoff 6e-8 and a log density
   * takes a few dozen rounded operations, so agreement is expected to ~1e-6 relative.
   */
  static final double GOLDEN_RELATIVE = 2e-5;
  /** Statistical tests pass within this many standard errors. */
  static final double Z_LIMIT = 4.0;

  /** The points at which golden/targets.py evaluates every 2-D target. */
  static final float[][] POINTS = {{0.3f, -0.7f}, {-1.5f, 0.4f}, {2.2f, 1.1f}, {0.05f, -2.5f}, {-3.0f, 3.0f}};

  private TargetChecks() {}

  /** log p̃ at {@link #POINTS} matches the golden values within {@link #GOLDEN_RELATIVE}. */
  static void assertGolden(Target target, double[] golden) {
    double[] got = target.logDensity(Tensor.ofRows(POINTS)).toDoubleArray();
    for (int i = 0; i < golden.length; i++) {
      double tol = GOLDEN_RELATIVE * Math.max(1, Math.abs(golden[i]));
      assertEquals(golden[i], got[i], tol, target.name() + " at point " + i);
    }
  }

  /**
   * Finite-difference step for gradient checks. Float32 log densities of size ~20 carry rounding noise of ~1e-6,
   * which the default step of 0.01 turns into ~1% noise on a directional derivative of ~0.02; Richardson
   * extrapolation leaves truncation error O(h⁴), so h = 0.05 is accurate for features of width ≥ 0.2 and divides
   * the noise by five (probed: the error falls as h grows, as noise does, not as a wrong rule would).
   */
  static final double GRAD_STEP = 0.05;
  /**
   * Relative tolerance for gradient checks: the rounding noise above, ~1e-5 absolute at h = 0.05, against
   * directional derivatives that a random direction can make as small as ~2e-3. A wrong rule is off by O(1).
   */
  static final double GRAD_TOLERANCE = 1e-2;
  /** Random directions per gradient check. */
  static final int GRAD_DIRECTIONS = 5;

  /** The gradient of Σ r ⊙ log p̃ agrees with finite differences at {@code n} standard-normal points. */
  static void assertGradient(Target target, long seed, int n) {
    RngKey key = RngKey.of(seed);
    Tensor x = Tensor.wrap(key.split(2, 0).normals(n * target.dim()), n, target.dim());
    GradCheck.Result r = GradCheck.check(v -> target.logDensity(v[0]), key.split(2, 1), GRAD_STEP,
        GRAD_TOLERANCE, GRAD_DIRECTIONS, x);
    assertTrue(r.passed(), () -> target.name() + ": " + r);
  }

  /** |estimate − exact| ≤ 4·se, reporting the z-score on failure. */
  static void assertWithinSe(String what, double exact, double estimate, double se) {
    double z = (estimate - exact) / se;
    assertTrue(Math.abs(z) <= Z_LIMIT,
        () -> String.format("%s: estimate %.6g vs exact %.6g, se %.3g, z = %.2f", what, estimate, exact, se, z));
  }

  /** Simpson's-rule nodes on [lo, hi]; {@code n} odd. */
  static double[] nodes(int n, double lo, double hi) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * i / (n - 1);
    }
    return x;
  }

  /** Simpson's-rule weights h/3·(1, 4, 2, 4, ..., 4, 1) on [lo, hi]; {@code n} odd. */
  static double[] simpsonWeights(int n, double lo, double hi) {
    if (n % 2 == 0) {
      throw new IllegalArgumentException("Simpson's rule needs an odd number of nodes");
    }
    double h = (hi - lo) / (n - 1);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = h / 3 * (i == 0 || i == n - 1 ? 1 : i % 2 == 1 ? 4 : 2);
    }
    return w;
  }

  /** log Z and entropy from log f at the nodes of a product grid (row-major, first axis outer). */
  record Quadrature(double logZ, double entropy) {}

  /** Integrates exp(logF) with the product of {@code w0} and {@code w1}, shifting by the max to avoid overflow. */
  static Quadrature integrate(double[] logF, double[] w0, double[] w1) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logF) {
      max = Math.max(max, v);
    }
    double mass = 0;
    double massTimesLog = 0;
    for (int i = 0; i < w0.length; i++) {
      for (int j = 0; j < w1.length; j++) {
        double lf = logF[i * w1.length + j];
        double f = w0[i] * w1[j] * Math.exp(lf - max);
        mass += f;
        massTimesLog += f * lf;
      }
    }
    double logZ = max + Math.log(mass);
    return new Quadrature(logZ, logZ - massTimesLog / mass);
  }

  /** Simpson's rule for log p̃ of a 2-D target on the square [lo, hi]², n × n nodes. */
  static Quadrature quadrature(Target target, double lo, double hi, int n) {
    double[] g = nodes(n, lo, hi);
    float[] points = new float[2 * n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        points[2 * (i * n + j)] = (float) g[i];
        points[2 * (i * n + j) + 1] = (float) g[j];
      }
    }
    double[] logF = target.logDensity(Tensor.wrap(points, n * n, 2)).toDoubleArray();
    double[] w = simpsonWeights(n, lo, hi);
    return integrate(logF, w, w);
  }

  /** Monte Carlo entropy −E[log p(x)] over exact samples, with its standard error; p = p̃ / Z. */
  static double[] monteCarloEntropy(Target target, Tensor samples) {
    double logZ = target.logZ().orElseThrow();
    double[] lp = target.logDensity(samples).toDoubleArray();
    double sum = 0;
    double sumSq = 0;
    for (double v : lp) {
      sum += v - logZ;
      sumSq += (v - logZ) * (v - logZ);
    }
    int m = lp.length;
    double mean = sum / m;
    double var = (sumSq / m - mean * mean) * m / (m - 1);
    return new double[] {-mean, Math.sqrt(var / m)};
  }

  /**
   * Checks the sample mean and second moment of column {@code c} against exact values for a coordinate with mean
   * 0, E[x²] = {@code m2} and E[x⁴] = {@code m4}: se(mean) = √(m2/M), se(mean of x²) = √((m4 − m2²)/M).
   */
  static void assertMoments(Tensor samples, int c, double m2, double m4, String what) {
    int m = samples.dim(0);
    int d = samples.dim(1);
    float[] b = samples.buffer();
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i < m; i++) {
      double x = b[i * d + c];
      s1 += x;
      s2 += x * x;
    }
    assertWithinSe(what + " mean", 0, s1 / m, Math.sqrt(m2 / m));
    assertWithinSe(what + " E[x^2]", m2, s2 / m, Math.sqrt((m4 - m2 * m2) / m));
  }

  /** The fraction of samples in the target's hard region matches its stated mass within 4 binomial SEs. */
  static void assertHardRegionMass(Target target, Tensor samples) {
    HardRegion region = target.hardRegion().orElseThrow();
    double p = region.mass();
    double se = Math.sqrt(p * (1 - p) / samples.dim(0));
    assertWithinSe(target.name() + " " + region.description(), p, region.fractionInside(samples), se);
  }

  /** d log p̃ / dx at the rows of {@code x} ({@code [n, dim]}) from one backward pass. */
  static double[] gradient(Target target, Tensor x) {
    Tape tape = new Tape();
    Var v = tape.variable(x);
    tape.backward(target.logDensity(v).sum());
    return tape.grad(v).toDoubleArray();
  }
}
