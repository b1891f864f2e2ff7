package dev.marginal.estimators;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;

/**
 * The importance-weighted bound with K samples z_k ~ q(z|x):
 * {@code IWAE_K = log((1/K) Σ_k w_k) = logsumexp_k(log w_k) − log K}, computed max-shifted.
 *
 * <p>Bias: a lower bound in expectation, {@code E[ELBO] = E[IWAE_1] ≤ E[IWAE_K] ≤ E[IWAE_{K+1}] ≤ log p(x)}, with
 * {@code log p(x) − E[IWAE_K] ≈ Var(w)/(2K p(x)²)} for large K, so the gap shrinks like 1/K. Its gradient
 * (backpropagating this value) weights each ∇ log w_k by the self-normalized weight
 * {@code w̃_k = w_k / Σ_j w_j}, held constant.
 *
 * <p>Reference: Burda, Grosse, Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016.
 */
public final class Iwae implements LogMarginalEstimator {
  private final int numSamples;

  private Iwae(int numSamples) {
    if (numSamples < 1) {
      throw new IllegalArgumentException("numSamples must be >= 1, got " + numSamples);
    }
    this.numSamples = numSamples;
  }

  /** IWAE with K samples per point. */
  public static Iwae of(int numSamples) {
    return new Iwae(numSamples);
  }

  /** K. */
  public int numSamples() {
    return numSamples;
  }

  @Override
  public double expectedSamplesPerPoint() {
    return numSamples;
  }

  @Override
  public Var logMarginal(LatentVariableModel model, Var x, DiagNormal q, RngKey[] pointKeys) {
    int b = x.value().dim(0);
    ImportanceSamples s = ImportanceSamples.draw(model, x, q,
        ImportanceSamples.constant(b, numSamples), pointKeys);
    return fromLogWeights(s.logWeights().reshape(b, numSamples));
  }

  /** {@code logsumexp(log w) − log K} over the last axis of {@code [B, K]} log-weights; shape {@code [B]}. */
  public static Var fromLogWeights(Var logWeights) {
    return logWeights.logMeanExp(-1, false);
  }

  /**
   * One repeat of IWAE per point with the {@link WeightDiagnostics} of each point's K importance weights. The values
   * equal {@code estimate(model, x, q, key, 1).mean()} bit for bit (point keys {@code key.foldIn(0).foldIn(i)}),
   * so the diagnostics describe exactly the weights behind the reported estimate. All points go through the
   * model in one pass: the caller chunks large batches.
   *
   * @param x shape {@code [B, D]}
   * @param q proposal, shape {@code [B, d]} (its values are copied)
   */
  public Diagnosed estimateWithDiagnostics(LatentVariableModel model, Tensor x, DiagNormal q, RngKey key) {
    int b = x.dim(0);
    RngKey repeatKey = key.foldIn(0);
    RngKey[] keys = new RngKey[b];
    for (int i = 0; i < b; i++) {
      keys[i] = repeatKey.foldIn(i);
    }
    return estimateWithDiagnostics(model, x, q, keys);
  }

  /**
   * {@link #estimateWithDiagnostics(LatentVariableModel, Tensor, DiagNormal, RngKey)} with every point's key given
   * ({@code pointKeys[i]} in place of {@code key.foldIn(0).foldIn(i)}).
   */
  public Diagnosed estimateWithDiagnostics(LatentVariableModel model, Tensor x, DiagNormal q, RngKey[] pointKeys) {
    int b = x.dim(0);
    RngKey[] keys = pointKeys;
    Tape tape = Tape.forEvaluation();
    ImportanceSamples s = ImportanceSamples.draw(model, tape.constant(x), q.constantOn(tape),
        ImportanceSamples.constant(b, numSamples), keys);
    float[] v = fromLogWeights(s.logWeights().reshape(b, numSamples)).value().buffer();
    float[] lw = s.logWeights().value().buffer();
    double[] values = new double[b];
    WeightDiagnostics[] diagnostics = new WeightDiagnostics[b];
    for (int i = 0; i < b; i++) {
      values[i] = v[i];
      diagnostics[i] = WeightDiagnostics.of(lw, i * numSamples, (i + 1) * numSamples);
    }
    return new Diagnosed(values, diagnostics);
  }

  /**
   * IWAE values with the diagnostics of their weights.
   *
   * <p>Immutable: the arrays are copied in and out, and equality compares their elements.
   *
   * @param values per-point IWAE_K, shape {@code [B]}
   * @param diagnostics per-point weight diagnostics {@code [B]}
   */
  public record Diagnosed(double[] values, WeightDiagnostics[] diagnostics) {
    /** Validates the lengths and copies both arrays. */
    public Diagnosed {
      if (values.length != diagnostics.length) {
        throw new IllegalArgumentException(values.length + " values but " + diagnostics.length + " diagnostics");
      }
      values = values.clone();
      diagnostics = diagnostics.clone();
    }

    /** The per-point IWAE_K values, a copy. */
    @Override
    public double[] values() {
      return values.clone();
    }

    /** The per-point weight diagnostics, a copy. */
    @Override
    public WeightDiagnostics[] diagnostics() {
      return diagnostics.clone();
    }

    /** The per-run summary of {@link #diagnostics()}. */
    public DiagnosticsSummary summary() {
      return DiagnosticsSummary.of(java.util.List.of(diagnostics));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Diagnosed d && Arrays.equals(d.values, values) && Arrays.equals(d.diagnostics, diagnostics);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(values) + Arrays.hashCode(diagnostics);
    }

    @Override
    public String toString() {
      return "Diagnosed[values=" + Arrays.toString(values) + ", diagnostics=" + Arrays.toString(diagnostics) + "]";
    }
  }

  @Override
  public String toString() {
    return "Iwae[K=" + numSamples + "]";
  }
}
