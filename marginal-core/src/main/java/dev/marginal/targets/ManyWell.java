package dev.marginal.targets;

import dev.marginal.autodiff.Var;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.OptionalDouble;

/**
 * The many-well target of Midgley et al. (2023, "Flow annealed importance sampling bootstrap", §5.3; the
 * {@code ManyWellEnergy} of their code): D/2 independent copies of a two-dimensional double well, so 2^{D/2}
 * modes (65,536 in the usual D = 32). Coordinates 2i are double wells, coordinates 2i+1 standard normals:
 *
 * <pre>
 *   log p̃(x) = Σ_{i &lt; D/2} [ −(a·x_{2i} + b·x_{2i}² + c·x_{2i}⁴) − ½·x_{2i+1}² ],   a = −0.5, b = −6, c = 1
 *   log Z = (D/2)·(log I + ½ log 2π),   I = ∫ exp(0.5x + 6x² − x⁴) dx,  log I = 9.374541173869195
 *   (scipy.integrate.quad on ℝ, relative error 4e-14; scipy 1.17.1, script golden/hard_targets.py)
 * </pre>
 *
 * log Z = 164.69567531318188 for D = 32. The wells sit near x = −1.70 and x = +1.77 and the right one is heavier
 * (the linear term), separated by a barrier of about 12 nats at x ≈ 0.
 *
 * <p>Exact sampler: the normal coordinates directly; each double-well coordinate by rejection from a
 * piecewise-constant envelope on [−4, 4] with 800 cells, each bounded by the largest of exp(−U) at its ends and at
 * any stationary point inside (found by bisection), which is a true upper bound, so the draws are exact for the
 * density restricted to [−4, 4]; the mass outside is below e^{−165} of the total and is neglected.
 */
public final class ManyWell implements Target {
  /** The default dimension D. */
  public static final int DEFAULT_DIM = 32;
  /** log ∫ exp(0.5x + 6x² − x⁴) dx (scipy, see the class doc). */
  public static final double LOG_WELL_INTEGRAL = 9.374541173869195;
  static final double A = -0.5;
  static final double B = -6;
  static final double C = 1;

  private final int dim;

  private ManyWell(int dim) {
    this.dim = dim;
  }

  /**
   * The many-well target in {@code dim} dimensions.
   *
   * @param dim D, even and at least 2
   */
  public static ManyWell of(int dim) {
    if (dim < 2 || dim % 2 != 0) {
      throw new IllegalArgumentException("many-well needs an even dimension D >= 2, got " + dim);
    }
    return new ManyWell(dim);
  }

  /** −U(x) = 0.5x + 6x² − x⁴ of one double-well coordinate. */
  static double logWell(double x) {
    double x2 = x * x;
    return -(A * x + B * x2 + C * x2 * x2);
  }

  /** d/dx of {@link #logWell}. */
  static double logWellSlope(double x) {
    return -(A + 2 * B * x + 4 * C * x * x * x);
  }

  @Override
  public String name() {
    return "many-well:" + dim;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public Var logDensity(Var x) {
    Ops.requireRows(x, dim, name());
    float[] v = x.value().buffer();
    int n = x.shape()[0];
    float[] out = new float[n];
    float[] grad = new float[n * dim];
    for (int r = 0; r < n; r++) {
      double s = 0;
      for (int j = 0; j < dim; j++) {
        double xj = v[r * dim + j];
        boolean well = j % 2 == 0;
        s += well ? logWell(xj) : -0.5 * xj * xj;
        grad[r * dim + j] = (float) (well ? logWellSlope(xj) : -xj);
      }
      out[r] = (float) s;
    }
    Tensor g = Tensor.wrap(grad, n, dim);
    return x.tape().record(Tensor.wrap(out, n), up -> x.accumulate(up.reshape(n, 1).mul(g)), x);
  }

  @Override
  public OptionalDouble logZ() {
    return OptionalDouble.of(dim / 2 * (LOG_WELL_INTEGRAL + 0.5 * LogSpace.LOG_2PI));
  }

  @Override
  public boolean hasSampler() {
    return true;
  }

  @Override
  public Tensor sample(RngKey key, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    float[] x = key.foldIn(0).normals(n * dim);
    RngKey wells = key.foldIn(1);
    for (int i = 0; i < n * dim; i += 2) {
      x[i] = (float) WellSampler.INSTANCE.draw(wells.foldIn(i));
    }
    return Tensor.wrap(x, n, dim);
  }

  /** The first double well x0 ∈ [−3, 3] against the normal x1 ∈ [−4, 4]. */
  @Override
  public double[] box() {
    return new double[] {-3, 3, -4, 4};
  }

  @Override
  public String toString() {
    return name();
  }

  /** Exact rejection sampling of one double-well coordinate (see the class doc). */
  static final class WellSampler {
    static final WellSampler INSTANCE = new WellSampler(-4, 4, 800);
    private final double lo;
    private final double width;
    private final double[] logBound;
    private final double[] cumulative;

    WellSampler(double lo, double hi, int cells) {
      this.lo = lo;
      this.width = (hi - lo) / cells;
      logBound = new double[cells];
      double[] mass = new double[cells];
      for (int c = 0; c < cells; c++) {
        double a = lo + c * width;
        double b = a + width;
        double m = Math.max(logWell(a), logWell(b));
        if (Math.signum(logWellSlope(a)) != Math.signum(logWellSlope(b))) {
          m = Math.max(m, logWell(stationaryPoint(a, b)));
        }
        logBound[c] = m;
        mass[c] = m;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (double m : mass) {
        max = Math.max(max, m);
      }
      cumulative = new double[cells];
      double total = 0;
      for (int c = 0; c < cells; c++) {
        total += StrictMath.exp(mass[c] - max);
        cumulative[c] = total;
      }
      for (int c = 0; c < cells; c++) {
        cumulative[c] /= total;
      }
    }

    /** The root of the slope in [a, b], where it changes sign, by bisection to double precision. */
    private static double stationaryPoint(double a, double b) {
      double sa = Math.signum(logWellSlope(a));
      for (int i = 0; i < 200 && b - a > 0; i++) {
        double mid = 0.5 * (a + b);
        if (mid == a || mid == b) {
          break;
        }
        if (Math.signum(logWellSlope(mid)) == sa) {
          a = mid;
        } else {
          b = mid;
        }
      }
      return 0.5 * (a + b);
    }

    /** One exact draw; attempt t uses {@code key.foldIn(t)}. */
    double draw(RngKey key) {
      for (long t = 0; ; t++) {
        RngKey k = key.foldIn(t);
        int c = cell(k.foldIn(0).uniform());
        double x = lo + (c + k.foldIn(1).uniform()) * width;
        if (StrictMath.log(k.foldIn(2).uniformOpen()) <= logWell(x) - logBound[c]) {
          return x;
        }
      }
    }

    /** The cell whose cumulative probability first exceeds u (binary search). */
    int cell(double u) {
      int a = 0;
      int b = cumulative.length - 1;
      while (a < b) {
        int mid = (a + b) >>> 1;
        if (cumulative[mid] > u) {
          b = mid;
        } else {
          a = mid + 1;
        }
      }
      return a;
    }
  }
}
