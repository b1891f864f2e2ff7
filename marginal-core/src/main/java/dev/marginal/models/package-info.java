/**
 * Latent variable models and their fitting procedures: Gaussian mixtures fitted by EM and probabilistic PCA in
 * closed form, each also a {@link dev.marginal.models.DensityModel} over named columns; {@link
 * dev.marginal.models.Models} reads any saved model by its kind.
 */
package dev.marginal.models;
