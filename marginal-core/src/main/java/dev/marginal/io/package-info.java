/**
 * Files: the versioned model format ({@link dev.marginal.io.ModelFile}), atomic writes, a small JSON codec so
 * the core needs no dependencies, the library {@link dev.marginal.io.Version} that files record, and the
 * {@link dev.marginal.io.Provenance} of a run that every fit returns and model files store.
 */
package dev.marginal.io;
