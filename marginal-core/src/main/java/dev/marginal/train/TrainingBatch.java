package dev.marginal.train;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;

/**
 * What one training step works on.
 *
 * @param tape the step's tape
 * @param x the batch rows as a constant {@code [B, D]}
 * @param rows the batch's row indices in the training data
 * @param pointKeys one key per batch row for its importance samples
 * @param beta the KL warm-up weight of this step (1 = untempered)
 */
record TrainingBatch(Tape tape, Var x, int[] rows, RngKey[] pointKeys, double beta) {}
