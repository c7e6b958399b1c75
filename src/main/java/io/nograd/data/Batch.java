package io.nograd.data;

import org.ojalgo.matrix.store.R064Store;

/**
 * One mini-batch: inputs x (features × size), targets y (classes × size one-hot, or the inputs for an
 * autoencoder) and the class labels. Its stores are reused by the next batch of the same size: a solver
 * must not keep references across batches.
 * <p>
 * The float64 copy of the inputs is made on the first call of {@link #x()}: a solver that reads its inputs a
 * few columns at a time from the float32 dataset ({@link Dataset#widenTrain} on {@link #samples()}) never
 * allocates it, which at full batch is features × 60 000 × 8 B.
 */
public final class Batch {

    private final Batches.Inputs inputs;
    private final R064Store y;
    private final int[] labels;
    private final int size;
    private final int index;
    private final int[] samples;

    Batch(Batches.Inputs inputs, R064Store y, int[] labels, int size, int index, int[] samples) {
        this.inputs = inputs;
        this.y = y;
        this.labels = labels;
        this.size = size;
        this.index = index;
        this.samples = samples;
    }

    /** The inputs, features × size, float64 (copied from the dataset on the first call for this batch). */
    public R064Store x() { return inputs.all(this); }

    /**
     * Copies the inputs, features × size column-major, into {@code into} in float32, as the dataset stores them (no
     * float64 copy is made): for a solver that trains in float32.
     */
    public void inputs(float[] into) { inputs.copy(this, into); }

    public R064Store y() { return y; }

    public int[] labels() { return labels; }

    public int size() { return size; }

    /**
     * Position of the batch in its epoch, from 0; solvers that keep per-batch state (a fixed partition, as
     * iPDLAM's mini-batch mode) key it by {@link #first} instead, which is stable only without shuffling.
     */
    public int index() { return index; }

    /** Indices into the training set of this batch's samples, in column order. */
    public int[] samples() { return samples; }

    /** Index into the training set of this batch's first sample. */
    public int first() { return samples[0]; }
}
