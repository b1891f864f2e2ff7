package dev.marginal.cli;

import dev.marginal.data.Dataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * What {@code marginal fit} hands to the fitter of a model kind.
 *
 * @param data the training rows, after {@code --columns} and {@code --limit}
 * @param seed the root seed
 * @param threads worker threads
 * @param standardize whether to fit to standardized columns
 * @param gmm the Gaussian mixture options
 * @param latent {@code --latent}, null when not given
 * @param lvm the deep LVM options, checked
 * @param out the model file to write (checkpoints go beside it)
 * @param log where progress goes (standard error), unless {@code quiet}
 * @param commandLine the command line, for checkpoints' provenance
 * @param stop whether Ctrl-C or {@code kill} asked the run to stop (polled by the LVM's training after each step)
 */
record FitRequest(Dataset data, long seed, int threads, boolean standardize, GmmArgs gmm, Integer latent,
    LvmArgs.Settings lvm, Path out, PrintWriter log, boolean quiet,
    String commandLine, BooleanSupplier stop) {}
