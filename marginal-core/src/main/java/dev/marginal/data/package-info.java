/**
 * Data in and out: a plain row-major {@link dev.marginal.data.Dataset}, CSV and IDX readers, Fashion-MNIST from
 * its Debian package, 2-D toy generators, binarization, standardization, minibatching and atomic file writes.
 * Every reader fails with a one-line {@link dev.marginal.data.DataException} that names the source.
 */
package dev.marginal.data;
