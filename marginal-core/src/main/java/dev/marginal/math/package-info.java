/**
 * Scalar and array numerics shared across marginal: log-space arithmetic ({@link dev.marginal.math.LogSpace}),
 * constants, and small dense linear algebra in double.
 */
package dev.marginal.math;
