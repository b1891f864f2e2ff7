/**
 * Immutable, splittable random keys ({@link dev.marginal.random.RngKey}) and counter-based samplers. No class in
 * marginal owns a generator: randomness is always passed in as a key.
 */
package dev.marginal.random;
