/**
 * Estimators of log p(x) for latent variable models (ELBO, IWAE, SUMO, naive prior sampling, exact) behind one
 * model contract, {@link dev.marginal.estimators.LatentVariableModel}; each returns differentiable per-point values
 * and, over repeats, an {@link dev.marginal.estimators.Estimate} with standard errors, a median-of-means
 * {@link dev.marginal.estimators.RobustInterval} for heavy-tailed draws, and importance-weight diagnostics (effective
 * sample size, Pareto k̂).
 */
package dev.marginal.estimators;
