/**
 * Fitted density models as users see them, whatever their kind ({@link dev.marginal.density.DensityModel}):
 * named columns, optional standardization, scoring with an estimator, sampling, encoding and model files, over the
 * model mathematics of {@code dev.marginal.models}. {@link dev.marginal.density.Models} reads any saved model by
 * its kind; {@link dev.marginal.density.LocalPosteriorFit} fits q for new rows of a per-datapoint model.
 */
package dev.marginal.density;
