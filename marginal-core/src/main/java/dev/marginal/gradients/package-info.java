/**
 * Gradient estimators expressed as surrogate losses: scalar autodiff values whose gradient is the estimator (score
 * function with running-mean and leave-one-out baselines, VIMCO, DReG, sticking-the-landing), and global-norm
 * gradient clipping. The reported objective value is kept apart from the surrogate.
 */
package dev.marginal.gradients;
