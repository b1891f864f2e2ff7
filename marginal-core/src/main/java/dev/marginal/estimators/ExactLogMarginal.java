package dev.marginal.estimators;

import dev.marginal.tensor.Tensor;

/**
 * A model whose log marginal likelihood log p(x) = log ∫ p(x|z) p(z) dz has a closed form (a Gaussian mixture by
 * enumeration, probabilistic PCA by x ~ N(b, WWᵀ + σ²I)). Such models are the oracles the estimators are checked
 * against.
 */
public interface ExactLogMarginal {
  /**
   * log p(x) per row, in nats, computed in double. A density, so it can be positive.
   *
   * @param x shape {@code [N, D]}
   * @return length N
   */
  double[] exactLogMarginal(Tensor x);
}
