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
 *
 * <p>A direction is accepted when
 * {@code |analytic − numeric| ≤ tolerance·max(|analytic|, |numeric|, 1e-3) + noise}. The noise floor bounds the
 * float32 rounding of the difference quotient: each projected loss is off by up to
 * {@code u·(Σ|r ⊙ f| + Σ_i |∂L/∂x_i ⊙ x_i|)} (output and input rounding, unit roundoff {@code u = 2⁻²⁴}), and the
 * extrapolated quotient multiplies that by {@code 1.5/h}. Without it, a correct rule fails whenever a random
 * direction happens to give a small derivative through cancellation.
 */
public final class GradCheck {
  /** Default step along the direction. */
  public static final double DEFAULT_STEP = 1e-2;
  /** Default relative tolerance. */
  public static final double DEFAULT_TOLERANCE = 2e-3;
  /** Default number of random directions. */
  public static final int DEFAULT_DIRECTIONS = 3;
  /** Unit roundoff of float32. */
  private static final double FLOAT_ROUNDOFF = 0x1.0p-24;
  /** Noise amplification of the extrapolated quotient {@code (4·D(h/2) − D(h))/3}: (4·(1/h) + 1/(2h))/3. */
  private static final double RICHARDSON_NOISE_GAIN = 1.5;

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
   * @param tolerance relative tolerance on {@code |analytic − numeric| / max(|analytic|, |numeric|, 1e-3)}, on top
   *     of the float32 noise floor described in the class documentation
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
    double noise = noiseFloor(out.value(), weights, grads, inputs, step);
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
      double scale = Math.max(Math.max(Math.abs(analytic), Math.abs(numeric)), 1e-3);
      double rel = Math.abs(analytic - numeric) / scale;
      boolean ok = Math.abs(analytic - numeric) <= tolerance * scale + noise;
      Result r = new Result(analytic, numeric, rel, ok);
      boolean worse = worst == null || (worst.passed && (!ok || rel > worst.relativeError));
      if (worse) {
        worst = r;
      }
    }
    return worst;
  }

  /** The float32 rounding bound of the extrapolated difference quotient (see the class documentation). */
  private static double noiseFloor(Tensor out, Tensor weights, Tensor[] grads, Tensor[] inputs, double step) {
    double magnitude = dotAbs(out, weights);
    for (int i = 0; i < inputs.length; i++) {
      magnitude += dotAbs(grads[i], inputs[i]);
    }
    return RICHARDSON_NOISE_GAIN * FLOAT_ROUNDOFF * magnitude / step;
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

  private static double dotAbs(Tensor a, Tensor b) {
    float[] x = a.buffer();
    float[] y = b.buffer();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += Math.abs((double) x[i] * y[i]);
    }
    return s;
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
