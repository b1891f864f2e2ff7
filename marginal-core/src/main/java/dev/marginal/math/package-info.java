/**
 * Numerical building blocks shared by distributions and models: stable log-space arithmetic and small dense
 * linear algebra (Cholesky factors, symmetric eigendecompositions) on plain {@code double} arrays.
 */
package dev.marginal.math;
