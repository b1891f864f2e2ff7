package dev.marginal.models;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Per-datapoint (non-amortized) variational posteriors: free parameters q_i(z) = N(μ_i, diag σ²_i) for every
 * training row i, held as two {@code [N, d]} parameters {@code local.loc} (μ) and {@code local.logVar} (log σ²).
 * They take the place of the encoder q_φ(z|x): nothing is shared between rows, so q_i can be as good as the
 * Gaussian family allows for x_i, but a new x has no q until one is fitted ({@code dev.marginal.density.LocalPosteriorFit}).
 *
 * <p>A step touches only its batch: {@link #watch} gathers the batch rows onto the tape as leaves of their own, and
 * {@link #accumulateGrad} scatters their gradients back into those rows of the parameters' gradient buffers, which
 * {@link dev.marginal.optim.RowAdam} then reads. The cost of a step is therefore O(batch · d), not O(N · d).
 *
 * <p>Reference: seed note 004 (per-datapoint versus amortized variational inference).
 */
public final class LocalPosteriors {
  /** Name of the μ parameter (in checkpoints). */
  public static final String LOC = "local.loc";
  /** Name of the log σ² parameter (in checkpoints). */
  public static final String LOG_VAR = "local.logVar";

  private final Parameter loc;
  private final Parameter logVar;

  private LocalPosteriors(Parameter loc, Parameter logVar) {
    this.loc = loc;
    this.logVar = logVar;
  }

  /** Every q_i at the prior: μ = 0, log σ² = 0. */
  public static LocalPosteriors atPrior(int rows, int latentDim) {
    checkSizes(rows, latentDim);
    return new LocalPosteriors(new Parameter(LOC, Tensor.zeros(rows, latentDim)),
        new Parameter(LOG_VAR, Tensor.zeros(rows, latentDim)));
  }

  /**
   * q_i near the prior: μ ~ N(0, scale²), log σ² = 0, so that rows start apart (with the prior start every row's q
   * is the same until the first update).
   */
  public static LocalPosteriors nearPrior(int rows, int latentDim, RngKey key, float scale) {
    checkSizes(rows, latentDim);
    Tensor mu = Tensor.wrap(key.normals(rows * latentDim), rows, latentDim).mul(scale);
    return new LocalPosteriors(new Parameter(LOC, mu), new Parameter(LOG_VAR, Tensor.zeros(rows, latentDim)));
  }

  /**
   * Posteriors with the given values (for example read from a checkpoint).
   *
   * @param loc μ, {@code [N, d]}
   * @param logVar log σ², {@code [N, d]}
   */
  public static LocalPosteriors of(Tensor loc, Tensor logVar) {
    if (loc.rank() != 2 || !loc.sameShape(logVar)) {
      throw new IllegalArgumentException("local posteriors need loc and logVar of one [N, d] shape");
    }
    return new LocalPosteriors(new Parameter(LOC, loc), new Parameter(LOG_VAR, logVar));
  }

  private static void checkSizes(int rows, int latentDim) {
    if (rows < 1 || latentDim < 1) {
      throw new IllegalArgumentException("local posteriors need rows >= 1 and latentDim >= 1");
    }
  }

  /** N. */
  public int rows() {
    return loc.shape()[0];
  }

  /** d. */
  public int latentDim() {
    return loc.shape()[1];
  }

  /** μ, {@code [N, d]}. */
  public Parameter loc() {
    return loc;
  }

  /** log σ², {@code [N, d]}. */
  public Parameter logVar() {
    return logVar;
  }

  /** Both parameters, μ first. */
  public List<Parameter> parameters() {
    return List.of(loc, logVar);
  }

  /**
   * The batch rows on a tape: {@code q} is N(μ_rows, diag exp(logVar_rows)) with log σ² clamped by
   * {@link DiagNormal#ofLogVar}; {@code loc} and {@code logVar} are leaves whose gradients {@link #accumulateGrad}
   * adds back into the parameters. The rows are copied in and out; equality compares them by value and the
   * tape variables by identity.
   */
  public record Batch(int[] rows, Var loc, Var logVar, DiagNormal q) {
    /** Copies the rows. */
    public Batch {
      rows = rows.clone();
    }

    /** The batch's row indices, a copy. */
    @Override
    public int[] rows() {
      return rows.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Batch b && Arrays.equals(b.rows, rows) && b.loc == loc && b.logVar == logVar && b.q == q;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(rows) * 31 + System.identityHashCode(loc);
    }

    @Override
    public String toString() {
      return "Batch[rows=" + Arrays.toString(rows) + "]";
    }
  }

  /**
   * Watches rows {@code rows} on {@code tape}.
   *
   * @param rows row indices in [0, N)
   */
  public Batch watch(Tape tape, int[] rows) {
    Var mu = tape.variable(loc.value().gather(rows));
    Var lv = tape.variable(logVar.value().gather(rows));
    return new Batch(rows, mu, lv, DiagNormal.ofLogVar(mu, lv));
  }

  /** q for rows {@code rows}, {@code [rows.length, d]}, as constants on {@code tape}. */
  public DiagNormal posterior(Tape tape, int[] rows) {
    return DiagNormal.ofLogVar(tape.constant(loc.value().gather(rows)), tape.constant(logVar.value().gather(rows)));
  }

  /**
   * Adds the gradients of the last backward pass on the batch's tape into the parameters' gradient rows, after
   * multiplying by {@code scale} (1 for none; less than 1 to clip).
   */
  public void accumulateGrad(Batch batch, float scale) {
    Tape tape = batch.loc().tape();
    scatterAdd(loc.gradBuffer(), tape.grad(batch.loc()).buffer(), batch.rows, scale);
    scatterAdd(logVar.gradBuffer(), tape.grad(batch.logVar()).buffer(), batch.rows, scale);
  }

  /** The Euclidean norm of the batch's gradient from the last backward pass, over both parameters. */
  public double gradNorm(Batch batch) {
    Tape tape = batch.loc().tape();
    double s = 0;
    for (Var v : List.of(batch.loc(), batch.logVar())) {
      for (float g : tape.grad(v).buffer()) {
        s += (double) g * g;
      }
    }
    return Math.sqrt(s);
  }

  private void scatterAdd(float[] target, float[] g, int[] rows, float scale) {
    int d = latentDim();
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < d; j++) {
        target[rows[i] * d + j] += scale * g[i * d + j];
      }
    }
  }
}
