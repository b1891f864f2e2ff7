package dev.marginal.estimators;

import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;

/**
 * A latent variable model p(x, z) = p(z) p(x|z) with a continuous latent z ∈ ℝ^d, as the estimators see it. Both
 * densities take rows: row i of {@code x} goes with row i of {@code z}, so an estimator can push every importance
 * sample of every data point through the model as one matrix.
 *
 * <p>Implementations watch their trainable parameters on the tape of {@code z} (with
 * {@link dev.marginal.autodiff.Tape#param}), so a backward pass from an estimator reaches them.
 */
public interface LatentVariableModel {
  /** The latent dimension d. */
  int latentDim();

  /**
   * log p(z) per row.
   *
   * @param z shape {@code [N, d]}
   * @return shape {@code [N]}
   */
  Var logPrior(Var z);

  /**
   * log p(x|z) per row.
   *
   * @param x observations, shape {@code [N, D]}
   * @param z latents, shape {@code [N, d]}, row-aligned with {@code x}
   * @return shape {@code [N]}
   */
  Var logLikelihood(Var x, Var z);

  /**
   * log p(x_{rows[t]} | z_t) per row t: the likelihood of latents whose observation rows are picked by index, as
   * importance sampling needs. The default gathers the rows and calls {@link #logLikelihood(Var, Var)}; a model may
   * read the rows in place instead, giving the same values.
   *
   * @param x observations, shape {@code [B, D]}
   * @param rows for each latent row, its row of {@code x}
   * @param z latents, shape {@code [N, d]} with N = {@code rows.length}
   * @return shape {@code [N]}
   */
  default Var logLikelihood(Var x, int[] rows, Var z) {
    return logLikelihood(x.gather(rows), z);
  }

  /**
   * The most values one latent row becomes in any single array the model builds from it (the widest layer of a
   * network that maps z to x), at least {@link #latentDim()}: importance sampling refuses sample counts whose rows of
   * this width would not fit one Java array. The default is {@link #latentDim()}, for models that build nothing wider.
   */
  default int widestLayer() {
    return latentDim();
  }

  /** Whether p(z) = N(0, I), which allows the analytic-KL ELBO. */
  default boolean hasStandardNormalPrior() {
    return false;
  }

  /**
   * Draws {@code n} latents from the prior (for {@link NaivePriorSampling}). The default serves standard-normal
   * priors.
   *
   * @return shape {@code [n, d]}
   * @throws IllegalArgumentException if n is negative or n × d exceeds what one array holds
   */
  default Tensor samplePrior(RngKey key, int n) {
    if (!hasStandardNormalPrior()) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement samplePrior");
    }
    if (n < 0 || (long) n * latentDim() > ImportanceSamples.MAX_ARRAY_LENGTH) {
      throw new IllegalArgumentException("cannot draw " + n + " latents of " + latentDim() + " values each: n must"
          + " be >= 0 and n × " + latentDim() + " at most the " + ImportanceSamples.MAX_ARRAY_LENGTH + " values one"
          + " array holds");
    }
    return Tensor.wrap(key.normals(n * latentDim()), n, latentDim());
  }
}
