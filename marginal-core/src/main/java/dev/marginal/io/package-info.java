/**
 * Files: the versioned model format ({@link dev.marginal.io.ModelFile}), atomic writes, and a small JSON codec so
 * the core needs no dependencies.
 */
package dev.marginal.io;
