package dev.marginal.distributions;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Shape;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * A batch of Gaussians with diagonal covariance, N(μ, diag σ²), over the last axis: a location of shape
 * {@code [..., d]} is {@code prod(...)} independent d-dimensional normals. Parameters are {@link Var}s, so log
 * densities and reparameterized samples are differentiable with respect to them.
 *
 * <p>Density, summed over the last axis:
 * {@code log N(x; μ, σ²) = Σ_j [ −½((x_j − μ_j)/σ_j)² − log σ_j − ½ log 2π ]}.
 * Reparameterized sampling (Kingma &amp; Welling 2014): {@code z = μ + σ ⊙ ε}, ε ~ N(0, I) drawn from the key.
 *
 * <p>Scales are stored as log σ. Factories bound them: unbounded log-variances are the most common source of NaN
 * in LVM training, so {@link #ofLogVar} clamps log σ² to {@code [MIN_LOG_VAR, MAX_LOG_VAR]} (gradient zero outside)
 * and {@link #ofLogScale} clamps log σ to half that range.
 *
 * <p>References: Kingma &amp; Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
 */
public final class DiagNormal {
  /** Lower bound on log σ² applied by {@link #ofLogVar}: σ ≈ 3e-7. */
  public static final float MIN_LOG_VAR = -30f;
  /** Upper bound on log σ² applied by {@link #ofLogVar}: σ ≈ 2.2e4. */
  public static final float MAX_LOG_VAR = 20f;

  private static final float HALF_LOG_2PI = (float) (0.5 * LogSpace.LOG_2PI);

  /** Noise values per parallel chunk of the log density in {@link #sampleAndLogProb(Tensor)}: whole rows. */
  private static final int QUAD_CHUNK = 1 << 13;

  private final Var loc;
  private final Var logScale;

  private DiagNormal(Var loc, Var logScale) {
    this.loc = loc;
    this.logScale = logScale;
  }

  /**
   * N(μ, diag exp(logVar)), with logVar clamped to {@code [MIN_LOG_VAR, MAX_LOG_VAR]}.
   *
   * @param loc μ, shape {@code [..., d]}
   * @param logVar log σ², broadcast-compatible with {@code loc}
   */
  public static DiagNormal ofLogVar(Var loc, Var logVar) {
    Objects.requireNonNull(logVar, "logVar");
    return create(loc, logVar.clamp(MIN_LOG_VAR, MAX_LOG_VAR).mul(0.5f));
  }

  /**
   * N(μ, diag exp(2·logScale)), with logScale clamped to {@code [MIN_LOG_VAR/2, MAX_LOG_VAR/2]}.
   *
   * @param loc μ, shape {@code [..., d]}
   * @param logScale log σ, broadcast-compatible with {@code loc}
   */
  public static DiagNormal ofLogScale(Var loc, Var logScale) {
    Objects.requireNonNull(logScale, "logScale");
    return create(loc, logScale.clamp(MIN_LOG_VAR / 2, MAX_LOG_VAR / 2));
  }

  /**
   * N(μ, diag σ²) from standard deviations.
   *
   * @param loc μ, shape {@code [..., d]}
   * @param scale σ, strictly positive and finite, broadcast-compatible with {@code loc}
   */
  public static DiagNormal ofScale(Var loc, Var scale) {
    Objects.requireNonNull(scale, "scale");
    for (float s : scale.value().buffer()) {
      if (!(s > 0) || !Float.isFinite(s)) {
        throw new IllegalArgumentException("scale must be positive and finite, got " + s);
      }
    }
    return create(loc, scale.log());
  }

  /** N(0, I) with the given shape {@code [..., d]}, as constants on {@code tape}. */
  public static DiagNormal standard(Tape tape, int... shape) {
    if (shape.length == 0) {
      throw new IllegalArgumentException("a DiagNormal needs at least one axis");
    }
    return new DiagNormal(tape.constant(Tensor.zeros(shape)), tape.constant(Tensor.zeros(shape)));
  }

  private static DiagNormal create(Var loc, Var logScale) {
    Objects.requireNonNull(loc, "loc");
    if (loc.tape() != logScale.tape()) {
      throw new IllegalArgumentException("loc and scale live on different tapes");
    }
    if (loc.value().rank() == 0) {
      throw new IllegalArgumentException("loc needs at least one axis, got a scalar");
    }
    int[] shape = Shape.broadcast(loc.shape(), logScale.shape());
    Var l = Arrays.equals(shape, loc.shape()) ? loc : loc.broadcastTo(shape);
    Var s = Arrays.equals(shape, logScale.shape()) ? logScale : logScale.broadcastTo(shape);
    return new DiagNormal(l, s);
  }

  /** μ, shape {@code [..., d]}. */
  public Var loc() {
    return loc;
  }

  /** log σ, the shape of {@link #loc()}. */
  public Var logScale() {
    return logScale;
  }

  /** σ. */
  public Var scale() {
    return logScale.exp();
  }

  /** The shape {@code [..., d]} of one sample. */
  public int[] shape() {
    return loc.shape();
  }

  /** The event dimension d (the last axis). */
  public int dim() {
    return loc.value().dim(-1);
  }

  /** The tape the parameters live on. */
  public Tape tape() {
    return loc.tape();
  }

  /**
   * log N(x; μ, σ²) summed over the last axis.
   *
   * @param x values of shape {@link #shape()} (or broadcast-compatible)
   * @return shape {@code [...]} (the last axis removed)
   */
  public Var logProb(Var x) {
    Var eps = x.sub(loc).mul(logScale.neg().exp());
    return eps.square().mul(-0.5f).sub(logScale).add(-HALF_LOG_2PI).sum(-1, false);
  }

  /** A reparameterized sample z = μ + σ ⊙ ε, ε ~ N(0, I) from {@code key}; shape {@link #shape()}. */
  public Var rsample(RngKey key) {
    return transform(standardNoise(key));
  }

  /**
   * z = μ + σ ⊙ ε for given standard-normal noise: the reparameterization with the noise supplied by the caller
   * (for example drawn per data point).
   *
   * @param eps noise of shape {@link #shape()}
   */
  public Var transform(Tensor eps) {
    Var e = tape().constant(requireShape(eps));
    return loc.add(logScale.exp().mul(e));
  }

  /** A reparameterized sample together with its log density, sharing the noise. */
  public Sample sampleAndLogProb(RngKey key) {
    return sampleAndLogProb(standardNoise(key));
  }

  /**
   * The sample {@code z = μ + σ ⊙ ε} and {@code log q(z) = Σ[−½ε² − log σ − ½ log 2π]}, computed from ε directly
   * (no division by σ). As functions of μ and σ this equals {@code logProb(z)} exactly, gradient included, because
   * (z − μ)/σ = ε identically.
   *
   * @param eps noise of shape {@link #shape()}
   */
  public Sample sampleAndLogProb(Tensor eps) {
    requireShape(eps);
    Var z = transform(eps);
    return new Sample(z, logProbOfNoise(logScale, eps));
  }

  /** {@code Σ[−½ε² − log σ − ½ log 2π]} over the last axis, for log σ of the noise's shape. */
  private Var logProbOfNoise(Var logScale, Tensor eps) {
    float[] e = eps.buffer();
    int d = eps.dim(-1);
    int rows = e.length / d;
    float[] quad = new float[rows];
    // Rows in fixed ranges on the kernel threads; each row's sum is taken alone, so threads change no bit.
    Parallel.forRanges(rows, Math.max(1, QUAD_CHUNK / Math.max(d, 1)), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += (double) e[r * d + j] * e[r * d + j];
        }
        quad[r] = (float) (-0.5 * s - d * 0.5 * LogSpace.LOG_2PI);
      }
    });
    int[] outer = Arrays.copyOf(eps.shape(), eps.rank() - 1);
    return logScale.sum(-1, false).neg().add(logScale.tape().constant(Tensor.wrap(quad, outer)));
  }

  /**
   * {@code gather(rows).sampleAndLogProb(eps)} with the same values and gradients bit for bit, the sample taken as one
   * primitive ({@link Var#gatherAddExpMul}): no gathered copy of μ, no intermediate products. For drawing several
   * samples per point of a {@code [B, d]} batch.
   *
   * @param rows for each sample, its row of this distribution
   * @param eps noise {@code [rows.length, d]}
   */
  public Sample sampleRowsAndLogProb(int[] rows, Tensor eps) {
    requireBatch();
    Var ls = logScale.gather(rows);
    Var z = loc.gatherAddExpMul(rows, ls, eps);
    return new Sample(z, logProbOfNoise(ls, eps));
  }

  /** A sample and its log density: {@code value} has shape {@code [..., d]}, {@code logProb} shape {@code [...]}. */
  public record Sample(Var value, Var logProb) {}

  /**
   * Rows {@code rows[i]} of a rank-2 batch (repeats allowed), for example to draw several samples per data point as
   * one matrix; gradients scatter back to the original rows.
   */
  public DiagNormal gather(int[] rows) {
    requireBatch();
    return new DiagNormal(loc.gather(rows), logScale.gather(rows));
  }

  /** Rejects a distribution that is not a {@code [batch, d]} matrix, whose rows could not be chosen. */
  private void requireBatch() {
    if (loc.value().rank() != 2) {
      throw new IllegalStateException("gather needs a [batch, d] distribution, shape is " + Arrays.toString(shape()));
    }
  }

  /** The same distribution with gradients stopped at its parameters (for DReG and sticking-the-landing). */
  public DiagNormal stopGradient() {
    return new DiagNormal(loc.stopGradient(), logScale.stopGradient());
  }

  /** A copy whose parameters are constants on another tape. */
  public DiagNormal constantOn(Tape other) {
    return new DiagNormal(other.constant(loc.value()), other.constant(logScale.value()));
  }

  /** Entropy {@code Σ_j [½ log(2πe) + log σ_j]}, shape {@code [...]}. */
  public Var entropy() {
    return logScale.add(HALF_LOG_2PI + 0.5f).sum(-1, false);
  }

  /**
   * KL(this ‖ other) in closed form, {@code Σ_j [log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½]}, shape {@code [...]}.
   */
  public Var kl(DiagNormal other) {
    Var ratio = logScale.sub(other.logScale).mul(2f).exp();
    Var diff = loc.sub(other.loc).mul(other.logScale.neg().exp());
    return ratio.add(diff.square()).add(-1f).mul(0.5f).sub(logScale.sub(other.logScale)).sum(-1, false);
  }

  /** KL(this ‖ N(0, I)) = {@code ½ Σ_j [σ_j² + μ_j² − 1 − 2 log σ_j]}, shape {@code [...]}. */
  public Var klToStandardNormal() {
    Var var = logScale.mul(2f).exp();
    return var.add(loc.square()).add(-1f).sub(logScale.mul(2f)).mul(0.5f).sum(-1, false);
  }

  private Tensor standardNoise(RngKey key) {
    return Tensor.wrap(key.normals(loc.value().size()), shape());
  }

  private Tensor requireShape(Tensor eps) {
    if (!Arrays.equals(eps.shape(), shape())) {
      throw new IllegalArgumentException("noise shape " + Arrays.toString(eps.shape()) + " != distribution shape "
          + Arrays.toString(shape()));
    }
    return eps;
  }

  @Override
  public String toString() {
    return "DiagNormal" + Arrays.toString(shape());
  }
}
