/**
 * Latent variable models with exact log-likelihoods and their fitting procedures: Gaussian mixtures fitted by EM
 * and probabilistic PCA in closed form.
 */
package dev.marginal.models;
