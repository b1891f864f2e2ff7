/**
 * Reverse-mode automatic differentiation: a {@link dev.marginal.autodiff.Tape} per step, values as
 * {@link dev.marginal.autodiff.Var}, one backward rule per primitive, trainable
 * {@link dev.marginal.autodiff.Parameter}s, and {@link dev.marginal.autodiff.GradCheck} to verify rules.
 */
package dev.marginal.autodiff;
