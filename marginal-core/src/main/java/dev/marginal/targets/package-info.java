/**
 * Unnormalized target densities log p̃(x) for approximate sampling by reverse KL, with whatever is known about
 * them: log Z, entropy, an exact sampler, plot bounds and a hard-to-reach region. {@link dev.marginal.targets.Targets}
 * turns a short name such as {@code "neal-funnel:10"} into a target.
 */
package dev.marginal.targets;
