/**
 * The model mathematics: Gaussian mixtures fitted by EM (with k-means++ initialisation), probabilistic PCA in
 * closed form, and the deep LVM (encoder and decoder MLPs, per-datapoint posteriors). Nothing here knows about
 * named columns, data files or optimizers; the {@code density} package builds the user-facing models on top.
 */
package dev.marginal.models;
