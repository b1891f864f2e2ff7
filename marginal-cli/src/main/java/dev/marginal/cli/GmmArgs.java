package dev.marginal.cli;

import dev.marginal.density.GmmDensityModel;
import dev.marginal.models.GmmOptions;
import picocli.CommandLine.Option;

/** The Gaussian mixture options of {@code marginal fit}; defaults are scikit-learn's ({@link GmmOptions}). */
final class GmmArgs {
  /** Mixture components when {@code --components} is not given (scikit-learn's {@code n_components}). */
  static final int DEFAULT_COMPONENTS = 1;

  @Option(names = "--components", paramLabel = "C", description = "Mixture components (default: ${DEFAULT-VALUE}).")
  int components = DEFAULT_COMPONENTS;

  @Option(names = "--covariance", paramLabel = "TYPE",
      description = "Component covariance: full, diag or spherical (default: ${DEFAULT-VALUE}).")
  String covariance = "full";

  @Option(names = "--reg-covar", paramLabel = "R",
      description = "Ridge added to covariance diagonals, a floor against collapse (default: ${DEFAULT-VALUE}).")
  double regCovar = GmmOptions.DEFAULT_REG_COVAR;

  @Option(names = "--n-init", paramLabel = "N",
      description = "Restarts from k-means++; the best is kept (default: ${DEFAULT-VALUE}).")
  int nInit = GmmOptions.DEFAULT_N_INIT;

  @Option(names = "--max-iter", paramLabel = "N",
      description = "EM iterations per restart; a fit stopped by it before --tol warns (default: ${DEFAULT-VALUE}).")
  int maxIter = GmmOptions.DEFAULT_MAX_ITER;

  @Option(names = "--tol", paramLabel = "T",
      description = "Stop when the mean log-likelihood changes by less than this, in nats (default: ${DEFAULT-VALUE}).")
  double tol = GmmOptions.DEFAULT_TOL;

  /** The EM settings, validated, with the given seed and thread count. */
  GmmOptions options(long seed, int threads) {
    Commands.positive("--components", components);
    Commands.positive("--n-init", nInit);
    Commands.positive("--max-iter", maxIter);
    Commands.nonNegative("--reg-covar", regCovar);
    Commands.nonNegative("--tol", tol);
    try {
      return GmmOptions.of(components)
          .withCovarianceType(GmmDensityModel.parseCovariance(covariance))
          .withRegCovar(regCovar).withNInit(nInit).withMaxIter(maxIter).withTol(tol)
          .withSeed(seed).withThreads(threads);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--covariance: " + e.getMessage(), e);
    }
  }
}
