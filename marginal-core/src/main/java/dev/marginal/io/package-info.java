/**
 * Files: the versioned model format ({@link dev.marginal.io.ModelFile}), atomic writes, a small JSON codec so
 * the core needs no dependencies, and the library {@link dev.marginal.io.Version} that files record.
 */
package dev.marginal.io;
