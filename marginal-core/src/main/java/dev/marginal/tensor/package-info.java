/**
 * Dense row-major float32 tensors with explicit shapes, and the kernels (Vector API with a plain-loop fallback)
 * that do their arithmetic. No autodiff here: see {@code dev.marginal.autodiff}.
 */
package dev.marginal.tensor;
