/**
 * Spark ML stages: {@link dev.marginal.spark.ml.MarginalDensityModel} scores, encodes and evaluates with any saved
 * marginal model; the estimators fit Gaussian mixtures and probabilistic PCA. Saved stages embed the ordinary
 * model file, which the {@code marginal} command reads as it is. Every numeric or named parameter is checked when it
 * is set.
 */
package dev.marginal.spark.ml;
