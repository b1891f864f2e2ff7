/**
 * What every configuration shares: {@link dev.marginal.config.ParameterException}, the error of a setting out of
 * range, which names the parameters involved so that a front end can translate them to its own option names.
 */
package dev.marginal.config;
