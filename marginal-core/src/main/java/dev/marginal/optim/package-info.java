/** Optimizers (Adam, SGD), learning-rate schedules and gradient clipping over {@code Parameter}s. */
package dev.marginal.optim;
