/**
 * The one-call API: fit a deep LVM to a {@link dev.marginal.data.Dataset} or a {@code float[][]}
 * ({@link dev.marginal.api.DeepLvmFit}), evaluate any fitted model with the Burda et al. protocol
 * ({@link dev.marginal.api.Evaluation}), train a reverse-KL surrogate for a target and get back the averaged model
 * ({@link dev.marginal.api.SurrogateTraining}); each records its {@link dev.marginal.io.Provenance}. Gaussian
 * mixtures and PPCA fit in one call in {@code dev.marginal.density}. No tape or tensor appears here.
 */
package dev.marginal.api;
