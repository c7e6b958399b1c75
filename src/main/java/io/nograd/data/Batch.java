package io.nograd.data;

import org.ojalgo.matrix.store.R064Store;

/**
 * One mini-batch: inputs x (features × size), targets y (classes × size one-hot, or the inputs for an
 * autoencoder) and the class labels. Its stores are reused by the next batch of the same size: a solver
 * must not keep references across batches.
 *
 * @param index position of the batch in its epoch, from 0; solvers that keep per-batch state (a fixed
 *              partition, as iPDLAM's mini-batch mode) key it by {@link #first} instead, which is stable
 *              only without shuffling
 */
public record Batch(R064Store x, R064Store y, int[] labels, int size, int index, int[] samples) {

    /** Index into the training set of this batch's first sample. */
    public int first() { return samples[0]; }
}
