/**
 * Probability distributions as final immutable classes with validating factories: each evaluates its log density
 * in nats and samples from an {@link dev.marginal.random.RngKey} passed in.
 */
package dev.marginal.distributions;
