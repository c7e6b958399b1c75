package io.nograd.solver;

import io.nograd.data.Batches;
import io.nograd.nn.Network;

/**
 * A training algorithm bound to one job. It receives the network, the epoch's batches and a cancellation
 * check, mutates the network's weights, and never talks to HTTP, storage or WebSockets.
 */
public interface Solver {

    /**
     * One pass over the epoch's batches; updates {@code net} in place. Calls {@link Cancellation#check()}
     * between batches, so a cancel takes effect within one batch.
     *
     * @return the solver's own figures for the epoch (its lifted objective, per-layer diagnostics)
     */
    EpochReport trainEpoch(Network net, Batches batches, Cancellation cancel);

    /**
     * Threads the solver runs its own work on. The job's thread budget divides its cores by this to size
     * the matrix products' threads (a parallel solver runs single-threaded BLAS on each of its threads).
     */
    default int threads() {
        return 1;
    }
}
