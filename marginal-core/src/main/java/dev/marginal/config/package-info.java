/**
 * What every configuration shares: {@link dev.marginal.config.ParameterException}, the error of a setting out of
 * range, which names the parameters involved so that a front end can translate them to its own option names; and
 * {@link dev.marginal.config.WorkProgress}, the listener of long computations (scoring, evaluation, encoding, EM), and
 * {@link dev.marginal.config.WorkTally}, the running count that reports to it.
 */
package dev.marginal.config;
