package dev.marginal.distributions;

/** How each component of a {@link GaussianMixture} parameterises its covariance, as in scikit-learn. */
public enum CovarianceType {
  /** A general symmetric positive definite d × d matrix per component: d(d+1)/2 parameters each. */
  FULL,
  /** A diagonal matrix per component: d variances each. */
  DIAG,
  /** σ²·I per component: one variance each. */
  SPHERICAL;

  /**
   * The number of free covariance parameters of one component.
   *
   * @param dim the data dimension d
   */
  public int parametersPerComponent(int dim) {
    switch (this) {
      case FULL:
        return dim * (dim + 1) / 2;
      case DIAG:
        return dim;
      default:
        return 1;
    }
  }
}
