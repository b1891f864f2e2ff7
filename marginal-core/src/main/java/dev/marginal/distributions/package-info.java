/**
 * Probability distributions whose parameters are autodiff values: each a final immutable class with validating
 * factories ({@code ofLogits}, {@code ofLogVar}, …), a summed-over-events {@code logProb}, and sampling from an
 * explicit {@link dev.marginal.random.RngKey}.
 */
package dev.marginal.distributions;
