package dev.marginal.autodiff;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.function.Function;

/**
 * Checks a differentiable function's backward rules against central finite differences along random directions.
 *
 * <p>For inputs x, a random output weighting r and a random unit direction v, the analytic directional derivative
 * {@code Σ_i ⟨∂(r·f)/∂x_i, v_i⟩} from one backward pass is compared with the Richardson-extrapolated central
 * difference {@code (4·D(h/2) − D(h))/3}, {@code D(h) = (L(x + hv) − L(x − hv)) / 2h}, where the projection
 * {@code L = Σ r ⊙ f} is summed in double. Extrapolation cancels the h² truncation term, so float32 forward passes
 * still give ~1e-4 relative agreement on smooth functions.
 */
public final class GradCheck {
  /** Default step along the direction. */
  public static final double DEFAULT_STEP = 1e-2;
  /** Default relative tolerance. */
  public static final double DEFAULT_TOLERANCE = 2e-3;
  /** Default number of random directions. */
  public static final int DEFAULT_DIRECTIONS = 3;

  private GradCheck() {}

  /** The outcome for the worst direction. */
  public record Result(double analytic, double numeric, double relativeError, boolean passed) {
    @Override
    public String toString() {
      return String.format("analytic %.8g, numeric %.8g, relative error %.3g (%s)", analytic, numeric,
          relativeError, passed ? "ok" : "FAILED");
    }
  }

  /** Checks {@code f} at {@code inputs} with the default step, tolerance and directions. */
  public static Result check(Function<Var[], Var> f, RngKey key, Tensor... inputs) {
    return check(f, key, DEFAULT_STEP, DEFAULT_TOLERANCE, DEFAULT_DIRECTIONS, inputs);
  }

  /**
   * Checks {@code f} at {@code inputs}.
   *
   * @param f builds the output from input variables on the tape they live on; must be deterministic
   * @param step finite-difference step h along a unit direction
   * @param tolerance relative tolerance on {@code |analytic − numeric| / max(|analytic|, |numeric|, 1e-3)}
   */
  public static Result check(Function<Var[], Var> f, RngKey key, double step, double tolerance, int directions,
      Tensor... inputs) {
    Tape tape = new Tape();
    Var[] vars = new Var[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      vars[i] = tape.variable(inputs[i]);
    }
    Var out = f.apply(vars);
    Tensor weights = Tensor.wrap(key.foldIn(-1).normals(out.value().size()), out.value().shape());
    tape.backward(out, weights);
    Tensor[] grads = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      grads[i] = tape.grad(vars[i]);
    }
    Result worst = null;
    for (int d = 0; d < directions; d++) {
      Tensor[] dir = direction(key.foldIn(d), inputs);
      double analytic = 0;
      for (int i = 0; i < inputs.length; i++) {
        analytic += dot(grads[i], dir[i]);
      }
      double d1 = difference(f, inputs, dir, weights, step);
      double d2 = difference(f, inputs, dir, weights, step / 2);
      double numeric = (4 * d2 - d1) / 3;
      double rel = Math.abs(analytic - numeric) / Math.max(Math.max(Math.abs(analytic), Math.abs(numeric)), 1e-3);
      boolean ok = rel <= tolerance || Math.abs(analytic - numeric) <= tolerance * 1e-3;
      Result r = new Result(analytic, numeric, rel, ok);
      boolean worse = worst == null || (worst.passed && (!ok || rel > worst.relativeError));
      if (worse) {
        worst = r;
      }
    }
    return worst;
  }

  /** A random direction of unit total norm across all inputs. */
  private static Tensor[] direction(RngKey key, Tensor[] inputs) {
    Tensor[] dir = new Tensor[inputs.length];
    double norm = 0;
    for (int i = 0; i < inputs.length; i++) {
      float[] v = key.split(inputs.length, i).normals(inputs[i].size());
      for (float x : v) {
        norm += x * x;
      }
      dir[i] = Tensor.wrap(v, inputs[i].shape());
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < inputs.length; i++) {
      dir[i] = dir[i].mul(scale);
    }
    return dir;
  }

  private static double difference(Function<Var[], Var> f, Tensor[] x, Tensor[] dir, Tensor w, double h) {
    return (project(f, x, dir, w, h) - project(f, x, dir, w, -h)) / (2 * h);
  }

  private static double project(Function<Var[], Var> f, Tensor[] x, Tensor[] dir, Tensor w, double h) {
    Tape tape = new Tape();
    Var[] vars = new Var[x.length];
    for (int i = 0; i < x.length; i++) {
      float[] a = x[i].buffer();
      float[] v = dir[i].buffer();
      float[] shifted = new float[a.length];
      for (int j = 0; j < a.length; j++) {
        shifted[j] = (float) (a[j] + h * v[j]);
      }
      vars[i] = tape.constant(Tensor.wrap(shifted, x[i].shape()));
    }
    return dot(f.apply(vars).value(), w);
  }

  private static double dot(Tensor a, Tensor b) {
    float[] x = a.buffer();
    float[] y = b.buffer();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (double) x[i] * y[i];
    }
    return s;
  }
}
