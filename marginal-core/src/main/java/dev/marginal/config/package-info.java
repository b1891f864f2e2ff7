/**
 * What every configuration shares: {@link dev.marginal.config.ParameterException}, the error of a setting out of
 * range, which names the parameters involved so that a front end can translate them to its own option names; and
 * {@link dev.marginal.config.WorkProgress}, the listener of long computations (scoring, evaluation, encoding, EM).
 */
package dev.marginal.config;
