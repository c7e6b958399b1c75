package io.nograd.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * Back-propagation for one batch size: the gradient of the batch-mean loss with respect to every W_l and b_l,
 * into preallocated float64 stores. {@link Backprop} computes in float64, {@link Float32Backprop} in float32.
 */
public interface Gradients {

    /** The batch size (columns of x) this instance was built for. */
    int columns();

    /**
     * Runs forward and backward on (x, y); afterwards {@link #gradW}/{@link #gradB} hold the gradient of the mean
     * loss over the batch's columns.
     *
     * @return the summed loss of the batch
     */
    double run(Network net, Loss loss, R064Store x, R064Store y);

    R064Store gradW(int l);

    R064Store gradB(int l);
}
