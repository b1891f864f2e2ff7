/**
 * Probability distributions, one final immutable class each: {@code DiagNormal}, {@code Bernoulli} and
 * {@code Categorical} over autodiff values, and {@code GaussianMixture} in double precision with full, diagonal or
 * spherical covariances.
 */
package dev.marginal.distributions;
